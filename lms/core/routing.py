"""Where a page address leads, remembered until content changes.

Wagtail finds the page for an address by looking up the site and walking the
page tree, a query or two per level. Addresses change only when content
changes, so the answer (the site, and the page's type and id) is kept in the
cache under the same content version as the anonymous page cache: one round
trip and one query for the page itself, whatever the depth.
"""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import Http404, HttpResponse

from wagtail import hooks
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from . import pagecache

MISSING = "missing"


def _key(request, path, version) -> str:
    address = hashlib.sha256(f"{request.get_host()}/{path}".encode()).hexdigest()
    return f"route:{version}:{address}"


def page_route(request, path):
    """Wagtail's ``Page.route_for_request``, answered from the cache when it can be."""
    key = _key(request, path, pagecache.current_version(request))
    entry = cache.get(key)
    if entry == MISSING:
        return None
    if entry is not None:
        site, content_type_id, page_id = entry
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = model.objects.filter(pk=page_id).first()
        if page is not None:
            request._wagtail_site = site
            request._wagtail_route_for_request = RouteResult(page)
            return request._wagtail_route_for_request
    result = Page.route_for_request(request, path)
    if result is None:
        cache.set(key, MISSING, timeout=pagecache.settings.LMS_PAGE_CACHE_TIMEOUT)
    elif not result[1] and not result[2]:
        page = result[0]
        cache.set(
            key,
            (getattr(request, "_wagtail_site", None), page.content_type_id, page.pk),
            timeout=pagecache.settings.LMS_PAGE_CACHE_TIMEOUT,
        )
    return result


def serve(request, path):
    """Wagtail's serve view, with the route from ``page_route``."""
    route = page_route(request, path)
    if route is None:
        raise Http404
    page, args, kwargs = route

    def serve_chain(page, request, args, kwargs):
        return page.serve(request, *args, **kwargs)

    chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)
