"""The student's side of certificates, under /dashboard/certificates/: name, files, transcript.

Another student's certificate answers 404, exactly like one that does not exist;
a certificate that is not valid (being prepared, revoked, replaced) has no file to download.
"""

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
from .services import CertificateRefused, holder_name_confirm
from .student import holder_name_suggested, transcript_pdf_for


def _issued_or_404(request, code: str):
    certificate = certificate_for_holder(user=request.user, code=code)
    if certificate is None or certificate.status != CertificateStatus.ISSUED or not certificate.pdf:
        raise Http404(_("There is no valid certificate of yours with this code."))
    return certificate


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
    certificate = _issued_or_404(request, code)
    response = FileResponse(
        certificate.pdf.open("rb"), as_attachment=True, filename=f"certificate-{certificate.code}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_GET
def certificate_credential(request, code: str):
    certificate = _issued_or_404(request, code)
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
