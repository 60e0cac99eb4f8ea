"""The fact assessments keeps on each enrolment for the reports: when its first attempt was graded.

``Enrolment.assessed_at`` lets the reports' funnel count the assessed students
from the enrolments alone, instead of joining every graded attempt. An attempt
becomes graded, or is deleted, through a save or a delete (grading saves it), so
signals keep the fact true; code that writes attempts in bulk calls
``enrolment_assessed_refresh`` itself.
"""

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save

from courses.api import Enrolment

from .models import Attempt, AttemptStatus


def enrolment_assessed_refresh(*, enrolment_ids=None) -> int:
    """Set ``assessed_at`` from the graded attempts of these enrolments (None: of every enrolment)."""
    first_graded = (
        Attempt.objects.filter(enrolment=OuterRef("pk"), status=AttemptStatus.GRADED)
        .order_by("graded_at")
        .values("graded_at")[:1]
    )
    enrolments = Enrolment.objects.all() if enrolment_ids is None else Enrolment.objects.filter(pk__in=enrolment_ids)
    return enrolments.update(assessed_at=Subquery(first_graded))


def _attempt_saved(sender, instance, **kwargs):
    # Attempts are saved when they start and when they are submitted too: only grading moves the fact.
    if instance.status == AttemptStatus.GRADED:
        enrolment_assessed_refresh(enrolment_ids=[instance.enrolment_id])


def _attempt_deleted(sender, instance, **kwargs):
    if instance.status == AttemptStatus.GRADED:
        enrolment_assessed_refresh(enrolment_ids=[instance.enrolment_id])


def connect() -> None:
    post_save.connect(_attempt_saved, sender=Attempt, dispatch_uid="assessments_enrolment_assessed_saved")
    post_delete.connect(_attempt_deleted, sender=Attempt, dispatch_uid="assessments_enrolment_assessed_deleted")
