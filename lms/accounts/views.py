import base64
from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

import qrcode
import qrcode.image.svg
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.core import views as core_views
from lms.core.views import language_cookie_set

from . import services
from .forms import InvitationAwarePasswordResetForm, ProfileForm, SignInForm, SignUpForm, TwoFactorTokenForm


def _remember_language(response, user):
    """The interface follows the profile's language from sign-in on."""
    return language_cookie_set(response, user.preferred_language)


def _csrf_rejection(request):
    """Django's CSRF check for a view that must stay exempt for anonymous visitors; None when it passes."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})


@csrf_exempt  # Anonymous pages come from the cache without a token; see below for signed-in people.
@require_POST
def language_switch(request):
    """The header's switcher: the new language from the next page on, and in the profile of a signed-in person.

    A visitor's choice lives in the ``lms_language`` cookie only, which is harmless
    to set from anywhere. Writing to an account is not: for a signed-in person the
    request must pass Django's CSRF check (their pages carry a token in the switcher),
    or nothing is changed and they get the usual refusal.
    """
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        rejection = _csrf_rejection(request)
        if rejection is not None:
            return rejection
        if request.user.preferred_language != language:
            services.user_profile_update(user=request.user, preferred_language=language)
    return core_views.language_switch(request)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return _remember_language(response, form.get_user())


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/signed_out.html"


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    # The language the visitor is reading in is the one they most likely want to keep.
    form = SignUpForm(request.POST or None, initial={"preferred_language": get_language()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password1")
        data.pop("password2")
        user = services.user_create(password=password, **data)
        auth_login(request, user, backend="lms.accounts.backends.CachedModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return _remember_language(redirect(settings.LOGIN_REDIRECT_URL), user)
    return render(request, "accounts/sign_up.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(user=request.user, **{f: form.cleaned_data[f] for f in form.changed_data})
        messages.success(request, _("Your profile has been saved."))
        return _remember_language(redirect("accounts:profile"), request.user)
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


def _qr_data_uri(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up (first time) or use the TOTP second factor, then go on to ``next``."""
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("wagtailadmin_home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("wagtailadmin_home")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
            user=request.user, name="authenticator", confirmed=False
        )
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            # django-otp slows guessing down: each wrong code doubles the wait.
            form.add_error("token", _("Too many wrong codes in a row. Wait a few seconds, then try the newest code."))
        elif device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(next_url)
        else:
            form.add_error("token", _("That code is not valid. Check the time on your phone and try the newest code."))
    context = {"form": form, "setting_up": setting_up, "next": next_url}
    if setting_up:
        context["qr_code"] = _qr_data_uri(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode("ascii")
    return render(request, "accounts/two_factor.html", context, status=400 if form.errors else 200)


password_reset = auth_views.PasswordResetView.as_view(
    form_class=InvitationAwarePasswordResetForm,
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
