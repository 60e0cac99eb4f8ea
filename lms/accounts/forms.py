from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import PROFILE_FIELDS


class LanguageChoiceMixin:
    def _set_language_choices(self):
        if "preferred_language" in self.fields:
            self.fields["preferred_language"] = forms.ChoiceField(
                label=_("Preferred language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
            )


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        "invalid_login": _("The email address or the password is not right. Check both and try again."),
        "inactive": _("This account is inactive."),
    }


class SignUpForm(LanguageChoiceMixin, forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "name_native", "country", "preferred_language"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_language_choices()

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists. Sign in instead."))
        return email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            candidate = User(email=cleaned.get("email", ""), first_name=cleaned.get("first_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(LanguageChoiceMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_language_choices()


class TwoFactorTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isascii() and token.isdigit()):
            raise forms.ValidationError(_("The code is made of digits only."))
        return token


class InvitationAwarePasswordResetForm(PasswordResetForm):
    """Django's reset form, which also reaches students invited by a bulk import.

    An invited account has no usable password until its owner chooses one, and
    Django's form skips such accounts: a student whose invitation link expired
    would get nothing. Invited accounts never signed in to are included.
    """

    def get_users(self, email):
        users = User.objects.filter(email__iexact=email, is_active=True)
        return (u for u in users if u.has_usable_password() or (u.invited_at and u.last_login is None))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        """In the account holder's language, not that of whoever typed the address."""
        language = context["user"].preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)
