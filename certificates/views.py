"""The student's side of certificates, under /dashboard/certificates/: name, files, transcript.

Another student's certificate answers 404, exactly like one that does not exist;
a certificate that is not valid (being prepared, revoked, replaced) has no file to download.
A valid one issued without a file (the demo's history) is rendered on this first request:
see ``certificate_files_ensure`` for why in the request and not by a queued task.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .forms import HolderNameForm
from .models import CertificateStatus, HolderName
from .selectors import certificate_for_holder
from .services import CertificateRefused, certificate_files_ensure, holder_name_confirm
from .student import holder_name_suggested, transcript_pdf_for

logger = logging.getLogger(__name__)

# How long a student is asked to wait when rendering their certificate failed just now.
RETRY_AFTER_SECONDS = 60


class _NotReady(Exception):
    """The certificate is valid but its file could not be made just now."""


def _issued_or_404(request, code: str):
    """The holder's valid certificate, with its files: rendered now if it was issued without them."""
    certificate = certificate_for_holder(user=request.user, code=code)
    if certificate is None or certificate.status != CertificateStatus.ISSUED:
        raise Http404(_("There is no valid certificate of yours with this code."))
    if not certificate.pdf:
        try:
            certificate = certificate_files_ensure(certificate_id=certificate.pk)
        except Exception as exc:
            logger.exception("Certificate %s could not be rendered on demand", certificate.code)
            raise _NotReady from exc
        if certificate is None:  # revoked while we rendered
            raise Http404(_("There is no valid certificate of yours with this code."))
    return certificate


def _not_ready(request):
    response = render(request, "certificates/file_not_ready.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def holder_name(request):
    current = HolderName.objects.filter(user=request.user).first()
    if request.method == "POST":
        form = HolderNameForm(request.POST)
        if form.is_valid():
            try:
                holder_name_confirm(
                    user=request.user, name=form.cleaned_data["name"], name_latin=form.cleaned_data["name_latin"]
                )
            except CertificateRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Thank you. Your certificates will be prepared with this name."))
                return redirect("dashboard")
    else:
        form = HolderNameForm(initial=holder_name_suggested(user=request.user, current=current))
    return render(request, "certificates/holder_name.html", {"form": form, "current": current})


@never_cache
@login_required
@require_GET
def certificate_pdf(request, code: str):
    try:
        certificate = _issued_or_404(request, code)
    except _NotReady:
        return _not_ready(request)
    response = FileResponse(
        certificate.pdf.open("rb"), as_attachment=True, filename=f"certificate-{certificate.code}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_GET
def certificate_credential(request, code: str):
    try:
        certificate = _issued_or_404(request, code)
    except _NotReady:
        return _not_ready(request)
    response = JsonResponse(certificate.credential, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Type"] = "application/vc+ld+json; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="credential-{certificate.code}.json"'
    return response


@never_cache
@login_required
@require_GET
def transcript(request):
    pdf = transcript_pdf_for(user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="transcript.pdf"'
    return response
