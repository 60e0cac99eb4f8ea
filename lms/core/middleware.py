from django.conf import settings

from csp.middleware import CSPMiddleware

from . import pagecache


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy everywhere; loosened for the Wagtail admin, which needs it."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), **settings.LMS_ADMIN_CSP_UPDATE}
            # Wagtail's preview panel frames the preview (an /admin/ URL) in the edit screen:
            # admin screens may frame, and be framed by, our own origin only.
            parts.replace = {**(parts.replace or {}), **settings.LMS_ADMIN_CSP_REPLACE}
        return parts


class _PageCacheMiddleware:
    """Serve a kept page, or render and keep it when the view marked it cacheable."""

    kind = None

    def __init__(self, get_response):
        self.get_response = get_response

    def is_cacheable(self, request) -> bool:
        raise NotImplementedError

    def before_render(self, request) -> None:
        """Anything the render needs to know that it may be kept."""

    def __call__(self, request):
        if not self.is_cacheable(request):
            return self.get_response(request)
        cached = pagecache.fetch(request, kind=self.kind)
        if cached is not None:
            return cached
        self.before_render(request)
        response = self.get_response(request)
        pagecache.store(request, response, kind=self.kind)
        return response


class AnonymousPageCacheMiddleware(_PageCacheMiddleware):
    """Pages for anonymous visitors.

    It sits after LocaleMiddleware, so the language is known, and before
    sessions are read: a request with a session cookie is never served from here.
    """

    kind = pagecache.ANONYMOUS

    def is_cacheable(self, request) -> bool:
        return pagecache.request_is_cacheable(request)


class SignedInPageCacheMiddleware(_PageCacheMiddleware):
    """The same for signed-in visitors: after authentication, so the user is known.

    The request is rendered with a placeholder for the CSRF field, kept if the
    view marked it cacheable. Every response that passes here, kept or not,
    anonymous or not, then has its personal parts filled in for this visitor:
    markers never reach a browser.
    """

    kind = pagecache.SIGNED_IN

    def is_cacheable(self, request) -> bool:
        return pagecache.signed_in_request_is_cacheable(request)

    def before_render(self, request) -> None:
        request._lms_csrf_placeholder = True

    def __call__(self, request):
        response = super().__call__(request)
        pagecache.personalise_response(request, response)
        return response
