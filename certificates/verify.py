"""The public check of a certificate, /verify/: anyone, no account.

It shows the status (valid; revoked, with the date and the reason; replaced,
with the date), the holder's name, the course, the date, the hours and the
issuer, and nothing more: no email, no score, no cohort.

A code that is mistyped (its check symbol does not match), made up, or belongs
to a certificate still being prepared gets the same "not found" answer, after
the same single query, so the answer says nothing about which codes exist.
The lookup form alone says when what was typed cannot be a code at all: the
check symbol is public arithmetic, so that reveals nothing either, and the
verifier can correct a typo on the spot.

Every lookup, page and JSON answer counts against one budget per client
address (``CERTIFICATE_VERIFY_RATE``, 30 a minute by default), kept in the
shared cache, so guessing codes is slow on every process at once. The answers
carry a name: they are never cached, by the platform or by a browser, and
search engines are asked not to index them.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from .codes import code_normalize
from .models import CertificateStatus
from .selectors import certificate_for_verification

RATE_DEFAULT = "30/m"
RATE_GROUP = "certificates.verify"
# Searched for when what was typed cannot be a code: the query costs what a real one costs.
_NO_CODE = "-"


def _client_address(group, request) -> str:
    """The visitor's address as the sign-in lock-out sees it (django-axes: PROXY_COUNT)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"


def _rate(group, request) -> str:
    return getattr(settings, "CERTIFICATE_VERIFY_RATE", RATE_DEFAULT)


def _over_limit(request) -> bool:
    """Count this request against the address's budget; True once it is spent."""
    return is_ratelimited(request, group=RATE_GROUP, key=_client_address, rate=_rate, method=ALL, increment=True)


def _private(response):
    """A holder's name: not for search engines, not for shared caches (never_cache does the rest)."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request, *, as_json=False):
    message = _("Too many certificate checks from your network. Wait a minute, then try again.")
    if as_json:
        response = JsonResponse({"error": "rate_limited", "detail": message}, status=429)
    else:
        response = render(request, "certificates/verify_limited.html", {"message": message}, status=429)
    response["Retry-After"] = "60"
    return _private(response)


def _public(certificate) -> dict:
    """Everything a verifier learns, and all of it: the page and the JSON show the same.

    Dates are ``date`` objects: the page formats them for the reader's language,
    the JSON encoder writes them as ISO 8601.
    """
    status = {CertificateStatus.ISSUED: "valid"}.get(certificate.status, str(certificate.status))
    revoked = status == CertificateStatus.REVOKED
    replaced = status == CertificateStatus.REPLACED
    return {
        "code": certificate.code,
        "status": status,
        "holder": certificate.holder_name,
        "holder_latin": certificate.holder_name_latin,
        "course": certificate.course_title,
        "completed_on": certificate.completed_on,
        "issued_on": _day(certificate.issued_at),
        "hours": certificate.hours,
        "issuer": settings.CERTIFICATE_ISSUER_NAME,
        "revoked_on": _day(certificate.revoked_at) if revoked else None,
        "revocation_reason": (certificate.revoke_reason or None) if revoked else None,
        "replaced_on": _day(certificate.replaced_at) if replaced else None,
    }


def _day(moment):
    return timezone.localdate(moment) if moment else None


def _lookup(code: str):
    """(the code in printed form or None, the public certificate or None): one query whatever was typed.

    A certificate revoked (or replaced) before it was ever issued was never in anyone's hands:
    there is nothing to check, and its page would have no name on it.
    """
    normal = code_normalize(code)
    return normal, certificate_for_verification(code=normal or _NO_CODE)


@never_cache
@require_GET
def verify_lookup(request):
    """The form: a code typed in any form (spaces, lower case, look-alikes) leads to its page."""
    raw = request.GET.get("code", "").strip()[:100]
    error = None
    if raw:
        if _over_limit(request):
            return _too_many(request)
        code = code_normalize(raw)
        if code is not None:
            return redirect("certificate_verify", code=code)
        error = "invalid"
    return render(
        request, "certificates/verify_lookup.html", {"raw": raw, "error": error}, status=400 if error else 200
    )


@never_cache
@require_GET
def verify_detail(request, code: str):
    if _over_limit(request):
        return _too_many(request)
    normal, certificate = _lookup(code)
    if normal is not None and normal != code:
        return redirect("certificate_verify", code=normal)
    if certificate is None:
        return _private(render(request, "certificates/verify_unknown.html", status=404))
    public = _public(certificate)
    return _private(render(request, "certificates/verify_detail.html", {"public": public}))


@never_cache
@require_GET
def verify_json(request, code: str):
    if _over_limit(request):
        return _too_many(request, as_json=True)
    _normal, certificate = _lookup(code)
    if certificate is None:
        return _private(
            JsonResponse(
                {"error": "not_found", "detail": _("No certificate has this code.")},
                status=404,
                json_dumps_params={"ensure_ascii": False},
            )
        )
    return _private(JsonResponse(_public(certificate), json_dumps_params={"ensure_ascii": False}))
