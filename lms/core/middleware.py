from django.conf import settings

from csp.middleware import CSPMiddleware

from . import pagecache


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy everywhere; loosened for the Wagtail admin, which needs it."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), **settings.LMS_ADMIN_CSP_UPDATE}
        return parts


class AnonymousPageCacheMiddleware:
    """Serve and keep pages that views mark as the same for every anonymous visitor.

    It sits after LocaleMiddleware, so the language is known, and before
    sessions are read: a request with a session cookie is never served from here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not pagecache.request_is_cacheable(request):
            return self.get_response(request)
        cached = pagecache.fetch(request)
        if cached is not None:
            return cached
        response = self.get_response(request)
        pagecache.store(request, response)
        return response


class SignedInPageCacheMiddleware:
    """The same for signed-in visitors: after authentication, so the user is known.

    The request is rendered with a placeholder for the CSRF field, kept if the
    view marked it cacheable, and the placeholder is filled for this visitor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not pagecache.signed_in_request_is_cacheable(request):
            return self.get_response(request)
        cached = pagecache.fetch(request, kind=pagecache.SIGNED_IN)
        if cached is not None:
            return cached
        request._lms_csrf_placeholder = True
        response = self.get_response(request)
        pagecache.store(request, response, kind=pagecache.SIGNED_IN)
        return response
