"""Shared-cache operations the hot paths need in one round trip.

Django's cache API sends one command per call. A vote needs several counters moved at once (the
session's state version, its throttle window), which is one pipelined round trip on Redis. On the
other backends (local memory in development and in most tests) the same operations run one by one:
same results, more calls, no network.

Everything here is public API: on Redis, a redis-py client made once per process from the cache's
own LOCATION and OPTIONS with ``redis.Redis.from_url`` (MGET for reads, a non-transactional
``pipeline()`` for the counters), keys through the backend's ``make_key`` and values read with
Django's ``RedisSerializer``; elsewhere Django's cache API.

Values written here are plain integers, which Django's Redis serializer stores unpickled, so
``cache.get`` / ``cache.get_many`` / ``cache.incr`` read them back as ints.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import redis
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache, RedisSerializer

# OPTIONS that Django's Redis backend takes for itself; the others configure the connection pool.
_DJANGO_OPTIONS = {"pool_class", "parser_class", "serializer"}
_clients: dict[tuple[str, str], redis.Redis] = {}
# Reading needs no pickle protocol; Django's backend reads with the same class.
_SERIALIZER = RedisSerializer()
_clients_lock = threading.Lock()


def _client() -> tuple[RedisCache, redis.Redis] | None:
    """The default cache when it is Django's Redis backend, and a redis-py client for its primary
    server (made once per process and configuration; redis-py clients are thread-safe and take
    their connections from a pool), or None for other backends."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, RedisCache):
        return None
    config = settings.CACHES[DEFAULT_CACHE_ALIAS]
    location = config["LOCATION"]
    # As Django's backend: a list of servers, or one string of them split on "," or ";"; the
    # first one takes the writes.
    url = (re.split("[;,]", location) if isinstance(location, str) else list(location))[0]
    options = {k: v for k, v in config.get("OPTIONS", {}).items() if k not in _DJANGO_OPTIONS}
    key = (url, repr(sorted(options.items())))
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = redis.Redis.from_url(url, **options)
    return backend, client


def get_many(keys: Sequence[str]) -> dict[str, Any]:
    """``cache.get_many`` in one round trip (MGET on Redis). On Redis through this process's
    client: Django's backend builds a new ``redis.Redis`` per call, whose setup (its response
    callback table) was a quarter of a vote's worker CPU in a profile (py-spy, make
    bench-vote-cost). Values are read back with Django's own ``RedisSerializer``, as
    ``cache.get_many`` would."""
    found = _client()
    if found is None:
        return dict(caches[DEFAULT_CACHE_ALIAS].get_many(keys))
    backend, client = found
    values: list[Any] = client.mget([backend.make_key(k) for k in keys])  # type: ignore[assignment]  # sync client
    loads = _SERIALIZER.loads
    return {k: loads(v) for k, v in zip(keys, values, strict=True) if v is not None}


def incr_seeded(items: Sequence[tuple[str, int, int]]) -> list[int]:
    """For each ``(key, seed, timeout)``: create the key with ``seed`` (expiring after ``timeout``
    seconds) unless it exists, then add 1. Returns the new values, in order.

    On Redis this is one round trip: ``SET key seed NX EX timeout`` + ``INCR key`` per item. A key
    that exists keeps its expiry (a throttle window ends on time; a version lives on). A command's
    error reply is raised after every reply was read, so the connection stays in step."""
    found = _client()
    if found is not None:
        backend, client = found
        pipe = client.pipeline(transaction=False)
        for key, seed, timeout in items:
            full = backend.make_key(key)
            pipe.set(full, seed, nx=True, ex=max(1, int(timeout)))
            pipe.incr(full)
        results = pipe.execute()
        return [int(value) for value in results[1::2]]
    cache = caches[DEFAULT_CACHE_ALIAS]
    values: list[int] = []
    for key, seed, timeout in items:
        cache.add(key, seed, timeout=timeout)
        try:
            values.append(int(cache.incr(key)))
        except ValueError:  # expired between add and incr
            cache.add(key, seed, timeout=timeout)
            values.append(int(cache.incr(key)))
    return values
