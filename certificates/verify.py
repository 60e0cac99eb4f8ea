"""The public check of a certificate, /verify/: anyone, no account.

It shows the status, the holder's name, the course, the date, the hours and
the issuer, and nothing more. An unknown code answers the same whether it is
mistyped, made up or a certificate still being prepared.
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .codes import code_normalize
from .selectors import certificate_for_verification


@require_GET
def verify_lookup(request):
    """The form: a code typed in any form (spaces, lower case, look-alikes) leads to its page."""
    raw = request.GET.get("code", "").strip()
    error = None
    if raw:
        code = code_normalize(raw)
        if code is not None:
            return redirect("certificate_verify", code=code)
        error = "invalid"
    return render(
        request, "certificates/verify_lookup.html", {"raw": raw, "error": error}, status=400 if error else 200
    )


def _public(certificate) -> dict:
    return {
        "code": certificate.code,
        "status": {"issued": "valid"}.get(certificate.status, certificate.status),
        "holder": certificate.holder_name,
        "holder_latin": certificate.holder_name_latin,
        "course": certificate.course_title,
        "completed_on": certificate.completed_on.isoformat(),
        "issued_on": certificate.issued_at.date().isoformat() if certificate.issued_at else None,
        "hours": certificate.hours,
        "issuer": settings.CERTIFICATE_ISSUER_NAME,
        "revoked_on": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
        "revocation_reason": certificate.revoke_reason or None,
        "replaced_on": certificate.replaced_at.date().isoformat() if certificate.replaced_at else None,
    }


@require_GET
def verify_detail(request, code: str):
    normal = code_normalize(code)
    if normal is not None and normal != code:
        return redirect("certificate_verify", code=normal)
    certificate = certificate_for_verification(code=code) if normal else None
    if certificate is None:
        return render(request, "certificates/verify_unknown.html", {"code": code}, status=404)
    return render(
        request, "certificates/verify_detail.html", {"certificate": certificate, "public": _public(certificate)}
    )


@require_GET
def verify_json(request, code: str):
    normal = code_normalize(code)
    certificate = certificate_for_verification(code=normal) if normal else None
    if certificate is None:
        raise Http404
    return JsonResponse(_public(certificate), json_dumps_params={"ensure_ascii": False})
