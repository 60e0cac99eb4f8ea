"""Learner state: cohorts, enrolments with their history, and module progress.

Statuses move only through ``courses.services``, which checks the current
status first; the database holds every rule it can (one enrolment per student
and course, one progress row per enrolment and module, timestamps that match
the status).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.panels import FieldPanel

from lms.accounts.api import SponsoringProgram, TimeStampedModel

from .catalogue import CoursePage, ModulePage


def source_courses():
    """Cohorts and enrolments belong to a course's source, never to a translation (admin choices)."""
    from ..selectors.translation import default_language

    return {"locale__language_code": default_language()}


class Cohort(TimeStampedModel):
    """An intake of a course: the students who take it together, with dates and places."""

    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="cohorts",
        limit_choices_to=source_courses,
    )
    name = models.CharField(_("name"), max_length=150, help_text=_("For example “2027 spring intake”."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    sponsoring_program = models.ForeignKey(
        SponsoringProgram,
        verbose_name=_("sponsoring program"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Places in the cohort; empty for no limit.")
    )

    panels = [
        FieldPanel("course"),
        FieldPanel("name"),
        FieldPanel("starts_on"),
        FieldPanel("ends_on"),
        FieldPanel("sponsoring_program"),
        FieldPanel("capacity"),
    ]

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="courses_cohort_unique_name_per_course"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="courses_cohort_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0),
                name="courses_cohort_capacity_positive",
            ),
        ]

    def __str__(self):
        return f"{self.course.title}: {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A cohort cannot end before it starts.")})


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    # A context apart from the reports' stages of the same names (counts of students).
    ACTIVE = "active", pgettext_lazy("enrolment status", "Active")
    COMPLETED = "completed", pgettext_lazy("enrolment status", "Completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "Withdrawn")
    REJECTED = "rejected", _("Rejected")


# Statuses that hold a place in a cohort.
PLACE_HOLDING_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)
# Statuses whose holder may read the course's modules.
READING_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("The student enrolled")
    MANAGER = "manager", _("A program manager enrolled the student")
    IMPORT = "import", _("Bulk import")


class Enrolment(TimeStampedModel):
    """A student's place on a course: one per student and course, whatever happens to it.

    Withdrawing and enrolling again reuse the same row, so progress is kept;
    every change of status is also written to ``EnrolmentEvent``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.CASCADE, related_name="enrolments"
    )
    # PROTECT: a course with enrolments is unpublished, never deleted (see wagtail_hooks).
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="enrolments",
        limit_choices_to=source_courses,
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    status = models.CharField(_("status"), max_length=20, choices=EnrolmentStatus.choices, db_index=True)
    source = models.CharField(_("enrolled by"), max_length=20, choices=EnrolmentSource.choices)
    status_changed_at = models.DateTimeField(_("status changed"))
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    activated_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True, db_index=True)
    # Facts kept for the reports (lms.reports), so that a funnel over every enrolment reads one table.
    # The apps that own them keep them true: assessments (the first graded attempt) and certificates
    # (the valid certificate's issue date, cleared when it is revoked).
    assessed_at = models.DateTimeField(_("first graded attempt"), null=True, blank=True, editable=False)
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True, editable=False)
    # How many of the course's live required modules the student has completed, kept by courses.facts
    # so that students at risk compare progress with pace without counting progress rows per student.
    required_modules_done = models.PositiveSmallIntegerField(_("required modules completed"), default=0, editable=False)

    class Meta:
        ordering = ["-status_changed_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        permissions = [
            ("decide_enrolment", _("Can approve or reject enrolment requests")),
            ("import_students", _("Can import students into cohorts")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_enrolment_one_per_student_and_course"),
            models.CheckConstraint(
                condition=~models.Q(status=EnrolmentStatus.COMPLETED) | models.Q(completed_at__isnull=False),
                name="courses_enrolment_completed_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=EnrolmentStatus.ACTIVE) | models.Q(activated_at__isnull=False),
                name="courses_enrolment_active_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"]),
            models.Index(fields=["cohort", "status"]),
            # Reports (lms.reports): places given and courses completed in a period. On PostgreSQL each
            # holds what the dashboard counts, so a funnel over every enrolment reads the index alone.
            models.Index(
                fields=["activated_at"],
                name="enrolment_activated_at",
                include=[
                    "last_activity_at",
                    "assessed_at",
                    "completed_at",
                    "certified_at",
                    "course",
                    "cohort",
                    "user",
                ],
            ),
            models.Index(
                fields=["completed_at"],
                name="enrolment_completed_at",
                include=["activated_at", "course", "cohort", "user"],
            ),
            # Students at risk: the active places, with what deciding idle or behind reads.
            models.Index(
                fields=["last_activity_at"],
                name="enrolment_active",
                condition=models.Q(status="active"),
                include=["activated_at", "required_modules_done", "course", "cohort", "user"],
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.course.title}"

    @property
    def can_read(self) -> bool:
        return self.status in READING_STATUSES


class EnrolmentEvent(models.Model):
    """One change of an enrolment's status: when, who, from what, to what and why."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=20, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=EnrolmentStatus.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    # Set once the student has been emailed about a manager's decision.
    notified_at = models.DateTimeField(_("student notified"), null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("enrolment change")
        verbose_name_plural = _("enrolment changes")

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status}"


class ModuleProgress(models.Model):
    """A student's progress through one module of a course they are enrolled in."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="module_progress")
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("started"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("module progress")
        verbose_name_plural = _("module progress")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module"], name="courses_progress_one_per_module"),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True) | models.Q(completed_at__gte=models.F("started_at")),
                name="courses_progress_completed_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.enrolment_id}:{self.module_id}"
