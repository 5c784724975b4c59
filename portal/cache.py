"""Django's Redis cache, made to survive Redis going away: an unanswered call is a miss (logged), never an error.

Sessions are kept in the database behind the cache (`cached_db`), so people stay signed in while Redis is down;
rate limits and cached pages simply start afresh. Short socket timeouts keep pages fast when Redis hangs.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError


logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 30


def _tolerant(default):
    """Wrap a cache method so that a Redis error is logged (at most every WARN_EVERY_SECONDS) and gives `default`."""

    def wrap(method):
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                now = time.monotonic()
                if now - ResilientRedisCache.last_warning > WARN_EVERY_SECONDS:
                    ResilientRedisCache.last_warning = now
                    logger.warning("Cache unavailable (%s: %s); working without it", method.__name__, error)
                if callable(default):
                    return default(*args, **kwargs)
                return default

        call.__name__ = method.__name__
        return call

    return wrap


class ResilientRedisCache(RedisCache):
    last_warning = 0.0

    add = _tolerant(False)(RedisCache.add)
    get = _tolerant(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _tolerant(None)(RedisCache.set)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    get_many = _tolerant(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    incr = _tolerant(lambda key, delta=1, version=None: delta)(RedisCache.incr)
    set_many = _tolerant(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    clear = _tolerant(False)(RedisCache.clear)
