"""A Redis that does not answer is a cache miss, never an error (production's cache, portal.cache)."""

from portal.cache import ResilientRedisCache


def test_an_absent_redis_gives_misses_and_defaults():
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert cache.get("key") is None and cache.get("key", "default") == "default"
    assert cache.set("key", 1) is None and cache.add("key", 1) is False
    assert cache.get_many(["a", "b"]) == {} and cache.has_key("key") is False
    assert cache.incr("counter", 3) == 3 and cache.delete("key") is False
    assert cache.set_many({"a": 1}) == ["a"]


def test_a_present_redis_works_as_usual():
    cache = ResilientRedisCache("redis://127.0.0.1:6379/15", {})
    cache.set("portal-cache-test", 42, 10)
    assert cache.get("portal-cache-test") == 42
    cache.delete("portal-cache-test")
