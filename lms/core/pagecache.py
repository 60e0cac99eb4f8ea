"""A cache of whole pages for anonymous visitors, cleared when content changes.

Anonymous visitors are most of the catalogue's traffic and see the same page
for the same address and language. Rendering a Wagtail page costs a dozen
queries; serving it from here costs one cache round trip. A content version
stored beside the pages is bumped on every publish, unpublish, move and theme
change; entries of an older version are never served. Any process may bump
it: with Redis as the cache, every web process sees the change at once.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "pagecache:version"
# Headers worth keeping; everything else is set again by the middleware stack.
KEPT_HEADERS = ("Content-Type", "Content-Language")


# Addresses that never serve a cacheable page: no cache round trip for them.
UNCACHED_PREFIXES = ("/admin/", "/accounts/", "/dashboard/", "/health/", "/i18n/", "/static/", "/media/", "/documents/")


def content_changed() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def content_changed_receiver(sender, **kwargs) -> None:
    """For signals whose senders change what cached pages show."""
    content_changed()


def current_version(request=None) -> str:
    """The content version, read once per request (and created when missing)."""
    version = getattr(request, "_pagecache_version", None)
    if version is None:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY)
        if request is not None:
            request._pagecache_version = version
    return version


def _key(request) -> str:
    address = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"pagecache:{get_language()}:{address}"


def request_is_cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.path_info.startswith(UNCACHED_PREFIXES)
    )


def fetch(request):
    """The cached response for this request, or None. One cache round trip."""
    key = _key(request)
    found = cache.get_many([VERSION_KEY, key])
    entry = found.get(key)
    version = found.get(VERSION_KEY)
    if version is not None:
        request._pagecache_version = version
    if entry is None or version is None or entry["version"] != version:
        return None
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"].items():
        response[name] = value
    response["X-Page-Cache"] = "hit"
    patch_vary_headers(response, ("Cookie",))
    return response


def store(request, response) -> None:
    """Keep a rendered page that is the same for every anonymous visitor."""
    if not getattr(response, "lms_anonymous_cacheable", False):
        return
    if response.status_code != 200 or response.cookies or response.streaming:
        return
    if getattr(request, "_csp_nonce", None):  # a nonce must never be served twice
        return
    version = current_version(request)
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    cache.set(
        _key(request),
        {"version": version, "content": response.content, "headers": headers},
        timeout=settings.LMS_PAGE_CACHE_TIMEOUT,
    )
    response["X-Page-Cache"] = "miss"
    patch_vary_headers(response, ("Cookie",))
