from .certificates import Certificate, CertificateStatus, HolderName
from .templates import CertificateTemplate, CourseCertificate, PageOrientation, PageSize, TemplateSignatory

__all__ = [
    "Certificate",
    "CertificateStatus",
    "CertificateTemplate",
    "CourseCertificate",
    "HolderName",
    "PageOrientation",
    "PageSize",
    "TemplateSignatory",
]
