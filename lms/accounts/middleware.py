from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

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
