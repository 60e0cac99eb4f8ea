from .certificates import PUBLIC_STATUSES, Certificate, CertificateStatus, HolderName
from .templates import CertificateTemplate, CourseCertificate, PageOrientation, PageSize, TemplateSignatory

__all__ = [
    "PUBLIC_STATUSES",
    "Certificate",
    "CertificateStatus",
    "CertificateTemplate",
    "CourseCertificate",
    "HolderName",
    "PageOrientation",
    "PageSize",
    "TemplateSignatory",
]
