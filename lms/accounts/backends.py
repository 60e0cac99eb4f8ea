"""Signing in by email, with the signed-in user read from the cache on each request.

Django's ModelBackend reads the user row from the database on every request
of a signed-in visitor; on a page served from the page cache that read is
the only query left. The row is kept in the cache for a few minutes and
dropped whenever the user is saved or deleted (lms.accounts.apps), so a
password change, a deactivation or a change of staff status takes effect on
the next request. Permissions and groups are never cached with it.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

USER_CACHE_SECONDS = 300


def user_cache_key(user_id) -> str:
    return f"accounts:user:{user_id}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)  # None for an inactive or missing user
            if user is not None:
                cache.set(key, user, USER_CACHE_SECONDS)
            return user
        return user if self.user_can_authenticate(user) else None
