"""The certificates app's public entry point: other apps (reports, the demo) import from here only."""

from .facts import enrolment_certified_refresh
from .models import Certificate, CertificateStatus, CertificateTemplate, HolderName
from .selectors import (
    certificate_for_verification,
    certificate_list_visible_to,
    certificate_verify_url,
    enrolment_score,
)
from .services import (
    CertificateRefused,
    certificate_reissue,
    certificate_render,
    certificate_revoke,
    cohort_certificates_issue,
    holder_name_confirm,
)
from .template_translations import template_translation_save

__all__ = [
    "Certificate",
    "CertificateRefused",
    "CertificateStatus",
    "CertificateTemplate",
    "HolderName",
    "certificate_for_verification",
    "certificate_list_visible_to",
    "certificate_reissue",
    "certificate_render",
    "certificate_revoke",
    "certificate_verify_url",
    "cohort_certificates_issue",
    "enrolment_certified_refresh",
    "enrolment_score",
    "holder_name_confirm",
    "template_translation_save",
]
