"""core.cache_ops on the local-memory cache and on a real redis-server: the same results."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

from core import cache_ops


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "locmem":
        yield caches["default"]
        return
    config = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", ""),
            "KEY_PREFIX": "caja-test-cache-ops",
        }
    }
    with override_settings(CACHES=config):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()
    caches["default"].clear()


def test_incr_seeded_seeds_then_counts(backend: Any) -> None:
    assert cache_ops.incr_seeded([("v:1", 1000, 60), ("t:1", 0, 60)]) == [1001, 1]
    assert cache_ops.incr_seeded([("v:1", 5, 60), ("t:1", 0, 60)]) == [1002, 2]  # seed only when missing
    assert backend.get("v:1") == 1002 and backend.get("t:1") == 2


def test_incr_seeded_sets_the_expiry(backend: Any) -> None:
    cache_ops.incr_seeded([("w:1", 0, 30)])
    ttl = backend.ttl("w:1") if hasattr(backend, "ttl") else None
    if ttl is not None:
        assert 0 < ttl <= 30
    elif hasattr(backend, "_expire_info"):  # local memory: the expiry is recorded per key
        assert any(k.endswith("w:1") for k in backend._expire_info)


def test_get_many_reads_ints_and_objects_and_skips_missing(backend: Any) -> None:
    backend.set("a", {"x": [1, 2]})
    cache_ops.incr_seeded([("n", 41, 60)])
    assert cache_ops.get_many(["a", "n", "missing"]) == {"a": {"x": [1, 2]}, "n": 42}


def test_an_error_reply_is_raised_and_the_next_round_trip_is_in_step(backend: Any) -> None:
    backend.set("text", "not a number")
    with pytest.raises(Exception):  # noqa: B017 (ResponseError on Redis, ValueError locally)
        cache_ops.incr_seeded([("ok:1", 0, 60), ("text", 0, 60)])
    # Every reply of the failed round trip was read: the next answers are this call's own.
    assert cache_ops.incr_seeded([("ok:2", 9, 60)]) == [10]
    assert cache_ops.get_many(["ok:2", "missing"]) == {"ok:2": 10}
