"""Where a page address leads, remembered until content changes.

Wagtail finds the page for an address by looking up the site and walking the
page tree, a query or two per level, then checks the page's view
restrictions. Addresses, pages and restrictions change only when content
changes, so the whole answer (the site, the page itself and whether any view
restriction applies) is kept in the cache under the same content version as
the anonymous page cache: one cache round trip and no query.
"""

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse

from wagtail import hooks
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.url_routing import RouteResult
from wagtail.wagtail_hooks import check_view_restrictions

from . import pagecache

MISSING = "missing"
# Part of every key: a release that changes what an entry holds never reads old entries.
ENTRY_FORMAT = 2


def _key(request, path, version) -> str:
    address = hashlib.sha256(f"{request.get_host()}/{path}".encode()).hexdigest()
    return f"route:{ENTRY_FORMAT}:{version}:{address}"


def page_route(request, path):
    """``(route, restricted)``: Wagtail's ``Page.route_for_request`` and whether the
    page has view restrictions, answered from the cache when it can be."""
    key = _key(request, path, pagecache.current_version(request))
    entry = cache.get(key)
    if entry == MISSING:
        return None, False
    if entry is not None:
        site, page, restricted = entry
        request._wagtail_site = site
        request._wagtail_route_for_request = RouteResult(page)
        return request._wagtail_route_for_request, restricted
    result = Page.route_for_request(request, path)
    timeout = pagecache.settings.LMS_PAGE_CACHE_TIMEOUT
    if result is None:
        cache.set(key, MISSING, timeout=timeout)
        return None, False
    page = result[0]
    restricted = page.get_view_restrictions().exists()
    if not result[1] and not result[2]:
        cache.set(key, (getattr(request, "_wagtail_site", None), _light(page), restricted), timeout=timeout)
    return result, restricted


def _light(page):
    """The page without its StreamFields, which are read only when cached content is rebuilt."""
    heavy = [field.attname for field in type(page)._meta.concrete_fields if isinstance(field, StreamField)]
    if not heavy:
        return page
    return type(page).objects.defer(*heavy).get(pk=page.pk)


def serve(request, path):
    """Wagtail's serve view, with the route from ``page_route``.

    Wagtail's view-restriction hook runs only for pages that have restrictions.
    """
    route, restricted = page_route(request, path)
    if route is None:
        raise Http404
    # Pages may mark themselves cacheable only when nobody is kept out of them.
    request.lms_page_restricted = restricted
    page, args, kwargs = route

    def serve_chain(page, request, args, kwargs):
        return page.serve(request, *args, **kwargs)

    chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        if fn is check_view_restrictions and not restricted:
            continue
        chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)
