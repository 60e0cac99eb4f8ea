"""The production cache backend, against the machine's Redis."""

import os
import uuid

from lms.core.cache import ReusingRedisCache


def _cache():
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return ReusingRedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}", "TIMEOUT": 60})


def test_redis_cache_stores_reads_and_forgets():
    cache = _cache()
    cache.set("page", {"content": "<h1>Catalogue</h1>"})
    assert cache.get("page") == {"content": "<h1>Catalogue</h1>"}
    assert cache.get_many(["page", "absent"]) == {"page": {"content": "<h1>Catalogue</h1>"}}
    assert cache.add("page", "other") is False
    cache.delete("page")
    assert cache.get("page") is None


def test_redis_cache_reuses_one_client_per_pool():
    cache = _cache()
    cache.get("anything")
    first = cache._cache.get_client()
    assert cache._cache.get_client() is first
