"""The fact certificates keeps on each enrolment for the reports: since when it holds a valid certificate.

``Enrolment.certified_at`` is the issue date of the enrolment's valid
certificate, or None when it has none (not yet issued, revoked); during a
reissue, the replaced certificate's date. The reports'
funnel counts the certified from the enrolments alone with it. Revoking,
replacing and deleting save or delete the certificate, so signals keep the fact
true; issuing is a guarded UPDATE (``services.certificate_render``), which calls
``enrolment_certified_refresh`` itself, as does code that writes certificates
in bulk.
"""

from django.db.models import Case, F, OuterRef, Subquery, When
from django.db.models.signals import post_delete, post_save

from courses.api import Enrolment

from .models import Certificate, CertificateStatus


def enrolment_certified_refresh(*, enrolment_ids=None) -> int:
    """Set ``certified_at`` from the valid certificates of these enrolments (None: of every enrolment).

    A reissue (a corrected name) does not make the student uncertified while its replacement is
    being prepared: until the new certificate is issued, the replaced one's issue date stands.
    """
    # One certificate per enrolment is not replaced (a database constraint): the current one.
    current = Certificate.objects.filter(enrolment=OuterRef("pk")).exclude(status=CertificateStatus.REPLACED)
    since = Case(
        When(status=CertificateStatus.ISSUED, then=F("issued_at")),
        When(
            status__in=(CertificateStatus.PENDING, CertificateStatus.AWAITING_NAME),
            replaces__status=CertificateStatus.REPLACED,
            then=F("replaces__issued_at"),
        ),
        default=None,
    )
    valid = current.annotate(since=since).values("since")[:1]
    enrolments = Enrolment.objects.all() if enrolment_ids is None else Enrolment.objects.filter(pk__in=enrolment_ids)
    return enrolments.update(certified_at=Subquery(valid))


def _certificate_changed(sender, instance, **kwargs):
    enrolment_certified_refresh(enrolment_ids=[instance.enrolment_id])


def connect() -> None:
    post_save.connect(_certificate_changed, sender=Certificate, dispatch_uid="certificates_enrolment_certified_saved")
    post_delete.connect(
        _certificate_changed, sender=Certificate, dispatch_uid="certificates_enrolment_certified_deleted"
    )
