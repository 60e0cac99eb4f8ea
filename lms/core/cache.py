"""Django's Redis cache, reusing one client per connection pool.

Django's client makes a new ``redis.Redis`` object for every cache call; with
redis-py 8 that costs about half a millisecond, and a signed-in page makes
four calls (session, content version, route, content fragment). A Redis client
is safe to share between threads (connections come from the pool), so one per
pool is kept. ``make bench`` showed the difference.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
