from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .selectors import user_requires_second_factor


class StaffTwoFactorMiddleware:
    """When the setting asks for it, staff must pass a second factor before the admin.

    Students are never asked. Only the admin is guarded: it is where staff
    powers live, and the two-factor page itself must stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            user = request.user
            if user.is_authenticated and user_requires_second_factor(user=user) and not user.is_verified():
                target = reverse("accounts:two_factor") + "?" + urlencode({"next": request.get_full_path()})
                return redirect(target)
        return self.get_response(request)
