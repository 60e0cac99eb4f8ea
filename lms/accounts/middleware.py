from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from lms.core.views import language_cookie_set

from .selectors import user_requires_second_factor


class AdminAccessMiddleware:
    """Guards the Wagtail admin for signed-in users.

    Someone signed in without admin access (a student) gets a plain refusal
    rather than Wagtail's sign-in page, which would send them round in a loop.
    When the setting asks for it, staff must pass a second factor first.
    Students are never asked; the two-factor page itself stays reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and request.user.is_authenticated:
            user = request.user
            if not user.has_perm("wagtailadmin.access_admin"):
                return render(request, "403.html", status=403)
            if user_requires_second_factor(user=user) and not user.is_verified():
                target = reverse("accounts:two_factor") + "?" + urlencode({"next": request.get_full_path()})
                return redirect(target)
        return self.get_response(request)


class ProfileLanguageMiddleware:
    """A signed-in person reads the interface in their profile's language, on every request.

    ``LocaleMiddleware`` has already chosen a language from the ``lms_language``
    cookie (the switcher's choice) or, failing that, the browser's Accept-Language;
    that choice holds for visitors. Once the person is known, their profile wins:
    a profile changed on another device, or a cookie left by someone else on a
    shared computer, never shows them another language. The cookie is brought in
    line, so the page after signing out stays in their language.

    It sits after authentication and before the signed-in page cache, whose keys
    carry the language active here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._profile_language(request)
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # A view that changed the profile (or the switcher) has set the cookie already.
        cookie = settings.LANGUAGE_COOKIE_NAME
        if cookie not in response.cookies and request.COOKIES.get(cookie) != language:
            language_cookie_set(response, language)
        return response

    @staticmethod
    def _profile_language(request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        language = getattr(user, "preferred_language", "")
        return language if language in dict(settings.LANGUAGES) else None
