"""Shared-cache operations the hot paths need in one round trip.

Django's cache API sends one command per call. A vote needs several counters moved at once (the
session's state version, its throttle window), which is one pipelined round trip on Redis. On the
other backends (local memory in development and in most tests) the same operations run one by one:
same results, more calls, no network.

Values written here are plain integers, which Django's Redis serializer stores unpickled, so
``cache.get`` / ``cache.get_many`` / ``cache.incr`` read them back as ints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache


def _redis_client() -> Any | None:
    """The raw redis-py client behind Django's Redis cache, or None for other backends."""
    if isinstance(cache, RedisCache) or isinstance(getattr(cache, "_wrapped", None), RedisCache):
        return cache._cache.get_client(write=True)  # Django's RedisCacheClient (no public accessor)
    return None


def incr_seeded(items: Sequence[tuple[str, int, int]]) -> list[int]:
    """For each ``(key, seed, timeout)``: create the key with ``seed`` (expiring after ``timeout``
    seconds) unless it exists, then add 1. Returns the new values, in order.

    On Redis this is one pipeline: ``SET key seed NX EX timeout`` + ``INCR key`` per item. A key
    that exists keeps its expiry (a throttle window ends on time; a version lives on)."""
    client = _redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for key, seed, timeout in items:
            full = cache.make_and_validate_key(key)
            pipe.set(full, seed, nx=True, ex=max(1, int(timeout)))
            pipe.incr(full)
        results = pipe.execute()
        return [int(value) for value in results[1::2]]
    values: list[int] = []
    for key, seed, timeout in items:
        cache.add(key, seed, timeout=timeout)
        try:
            values.append(int(cache.incr(key)))
        except ValueError:  # expired between add and incr
            cache.add(key, seed, timeout=timeout)
            values.append(int(cache.incr(key)))
    return values
