"""Certificates and the names printed on them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.api import CoursePage, Enrolment
from lms.accounts.api import TimeStampedModel

from .templates import CertificateTemplate


def private_storage():
    """Certificates are served by a view that checks who asks, never from MEDIA_URL."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class CertificateStatus(models.TextChoices):
    AWAITING_NAME = "awaiting_name", _("Waiting for the student to confirm their name")
    PENDING = "pending", _("Being prepared")
    ISSUED = "issued", _("Valid")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced")


# Statuses a verifier may learn about; the others are not certificates yet.
PUBLIC_STATUSES = (CertificateStatus.ISSUED, CertificateStatus.REVOKED, CertificateStatus.REPLACED)


class HolderName(TimeStampedModel):
    """The name a student confirmed for printing, in their own script and in Latin script."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate_name")
    name = models.CharField(_("name in your own script"), max_length=200)
    name_latin = models.CharField(_("name in Latin script"), max_length=200)
    confirmed_at = models.DateTimeField(_("confirmed"))

    class Meta:
        verbose_name = _("name on certificates")
        verbose_name_plural = _("names on certificates")

    def __str__(self):
        return self.name


class Certificate(TimeStampedModel):
    """One certificate for one completed enrolment; a reissue makes a new one and marks this replaced."""

    code = models.CharField(_("verification code"), max_length=32, unique=True)
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="certificates"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=CertificateStatus.choices, db_index=True)
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    template_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What is printed, as it was when the certificate was made.
    holder_name = models.CharField(_("holder's name"), max_length=200, blank=True)
    holder_name_latin = models.CharField(_("holder's name in Latin script"), max_length=200, blank=True)
    course_title = models.CharField(_("course title"), max_length=255)
    hours = models.PositiveSmallIntegerField(_("hours"))
    completed_on = models.DateField(_("completed on"))
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    cohort_name = models.CharField(_("cohort"), max_length=150, blank=True)
    program_name = models.CharField(_("sponsoring program"), max_length=150, blank=True)
    # The issued files.
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to="certificates/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF size (bytes)"), null=True, blank=True)
    credential = models.JSONField(_("signed credential"), null=True, blank=True)
    render_error = models.TextField(_("last rendering error"), blank=True)
    notified_at = models.DateTimeField(_("holder notified"), null=True, blank=True)
    # Revocation and replacement.
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # Exactly one current certificate per enrolment: a reissue marks the old one replaced first.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=~models.Q(status="replaced"),
                name="certificates_one_current_per_enrolment",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="certificates_status_created")]

    def __str__(self):
        return f"{self.code} ({self.course_title})"

    @property
    def is_public(self) -> bool:
        """What the public check shows: issued at some point (one revoked before that never existed)."""
        return self.status in PUBLIC_STATUSES and self.issued_at is not None
