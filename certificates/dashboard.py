"""The dashboard's "Certificates" section: each certificate's state and what the student can do."""

from django.template.loader import render_to_string

from .models import CertificateStatus, HolderName
from .selectors import certificate_list_for_holder


def dashboard_section(request) -> str:
    if not request.user.is_authenticated:
        return ""
    certificates = certificate_list_for_holder(user=request.user)
    if not certificates:
        return ""
    context = {
        "request": request,
        "certificates": certificates,
        "awaiting_name": any(c.status == CertificateStatus.AWAITING_NAME for c in certificates),
        "holder_name": HolderName.objects.filter(user=request.user).first(),
        "has_issued": any(c.status == CertificateStatus.ISSUED for c in certificates),
    }
    return render_to_string("certificates/dashboard_part.html", context)
