"""A cache of whole pages, cleared when content changes.

Catalogue pages are the same for every visitor of a given language and
signed-in state: anonymous visitors all see one version, signed-in visitors
another (a header with "Dashboard" and "Sign out"). Rendering a Wagtail page
costs a dozen queries; serving it from here costs one cache round trip. A
content version stored beside the pages is bumped on every publish,
unpublish, move and theme change; entries of an older version are never
served. Any process may bump it: with Redis as the cache, every web process
sees the change at once.

Only responses that a view marks ``lms_page_cacheable`` are kept: a page that
shows anything about the signed-in person must not set it, or must leave those
parts out of the page as *personal parts*. A personal part is a marker in the
page (``{% personal "name" arg %}``) that a renderer registered under that name
replaces for each request, after the cache: the sign-out form's CSRF token, a
student's enrolment panel, the text of a module only enrolled students read.
Markers are signed with the secret key, so page content cannot forge one, and
an unreplaced marker shows nothing: a part left out fails closed.
"""

import hashlib
import hmac
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.template.backends.utils import csrf_input
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "pagecache:version"
ANONYMOUS, SIGNED_IN = "anonymous", "signed-in"
CSRF_PLACEHOLDER = "<!--lms:csrf-field-->"
# Headers worth keeping; everything else is set again by the middleware stack.
KEPT_HEADERS = ("Content-Type", "Content-Language")


# Addresses that never serve a cacheable page: no cache round trip for them.
UNCACHED_PREFIXES = (
    "/admin/",
    "/accounts/",
    "/assessments/",
    "/dashboard/",
    "/health/",
    "/i18n/",
    "/static/",
    "/media/",
    "/documents/",
)


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


# Per-person parts can be cached too, under versions that the code changing
# what they show bumps: one version per user ("user", id) and per any other
# scope an app needs ("course", id), beside the content version.


def version_key(scope: str, ident) -> str:
    return f"pagecache:v:{scope}:{ident}"


def versions_bump(*keys: str) -> None:
    """Make every part cached under these versions stale. Call it after the change is committed."""
    if keys:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


def versions_bump_on_commit(*keys: str) -> None:
    """Bump now and again once the transaction commits.

    A part rendered between the two (from data not yet committed, so the old
    data) is stored under the first new version, which the second bump retires.
    """
    versions_bump(*keys)
    transaction.on_commit(lambda: versions_bump(*keys))


def cached_part(key: str, version_keys: list[str], render: Callable[[], object]):
    """``render()``'s result, kept under ``key`` until the content version or any of ``version_keys`` moves.

    One cache round trip on a hit. The versions are read before rendering, so a
    change committed while rendering leaves the entry stale, never wrong.
    """
    found = cache.get_many([key, VERSION_KEY, *version_keys])
    versions = []
    for name in (VERSION_KEY, *version_keys):
        value = found.get(name)
        if value is None:  # evicted or new: a fresh version, so no older entry matches
            value = uuid.uuid4().hex
            if not cache.add(name, value, timeout=None):
                value = cache.get(name)
        versions.append(value)
    entry = found.get(key)
    if entry is not None and entry["versions"] == versions:
        return entry["value"]
    value = render()
    cache.set(key, {"versions": versions, "value": value}, timeout=settings.LMS_PAGE_CACHE_TIMEOUT)
    return value


def _key(request, kind) -> str:
    address = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"pagecache:{kind}:{get_language()}:{address}"


def _may_use_cache(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and "messages" not in request.COOKIES
        and not request.path_info.startswith(UNCACHED_PREFIXES)
    )


def request_is_cacheable(request) -> bool:
    """An anonymous request: no session cookie, so nothing personal can be pending."""
    return _may_use_cache(request) and settings.SESSION_COOKIE_NAME not in request.COOKIES


def signed_in_request_is_cacheable(request) -> bool:
    """A signed-in request with no message waiting to be shown to them."""
    return _may_use_cache(request) and request.user.is_authenticated and not request.session.get("_messages")


PersonalRenderer = Callable[[object, str], str]
_renderers: dict[str, PersonalRenderer] = {}


def personal_part_register(name: str, renderer: PersonalRenderer) -> None:
    """``renderer(request, arg) -> str`` (safe HTML) fills ``{% personal name arg %}`` for each request."""
    _renderers[name] = renderer


def _marker_token() -> str:
    return hmac.new(settings.SECRET_KEY.encode(), b"lms-personal-part", hashlib.sha256).hexdigest()[:16]


def personal_marker(name: str, arg) -> str:
    return f"<!--lms:part:{_marker_token()}:{name}:{arg}-->"


_MARKER_RE = re.compile(rb"<!--lms:part:([0-9a-f]{16}):([a-z-]+):([\w-]*)-->")


def personalise(request, content: bytes) -> bytes:
    """Fill in this visitor's CSRF field and personal parts."""
    if b"<!--lms:" not in content:
        return content
    token = _marker_token().encode()
    # Parts may be cached: their forms carry the placeholder, filled in below, never a token.
    request._lms_csrf_placeholder = True

    def replace(match):
        renderer = _renderers.get(match.group(2).decode())
        if match.group(1) != token or renderer is None:
            return b""
        return str(renderer(request, match.group(3).decode())).encode()

    # Parts first: they may hold forms, whose CSRF fields are filled in next.
    content = _MARKER_RE.sub(replace, content)
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder in content:  # asking for a token sets the CSRF cookie: only when a form needs it
        content = content.replace(placeholder, str(csrf_input(request)).encode())
    return content


def personalise_response(request, response) -> None:
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return
    response.content = personalise(request, response.content)


def fetch(request, kind=ANONYMOUS):
    """The cached response for this request, or None. One cache round trip."""
    key = _key(request, kind)
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
    _mark(response, kind, "hit")
    return response


def _mark(response, kind, outcome):
    response["X-Page-Cache"] = outcome
    patch_vary_headers(response, ("Cookie",))
    if kind == SIGNED_IN:
        response["Cache-Control"] = "private"


def store(request, response, kind=ANONYMOUS) -> None:
    """Keep a rendered page that is the same for every visitor of this kind.

    Anonymous pages are kept with their personal parts filled in (they are the
    same for every anonymous visitor); signed-in pages with the markers.
    """
    if not getattr(response, "lms_page_cacheable", False):
        return
    if response.status_code != 200 or response.streaming:
        return
    if kind == ANONYMOUS and response.cookies:
        return
    if getattr(request, "_csp_nonce", None):  # a nonce must never be served twice
        return
    version = current_version(request)
    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    cache.set(
        _key(request, kind),
        {"version": version, "content": response.content, "headers": headers},
        timeout=settings.LMS_PAGE_CACHE_TIMEOUT,
    )
    _mark(response, kind, "miss")
