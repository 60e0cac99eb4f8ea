"""A student's attempt at an assessment: frozen questions, their answers, grades and who changed them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.api import Enrolment

from .assessment import Assessment
from .bank import Question


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted, awaiting grading")
    GRADED = "graded", _("Graded")


class Attempt(models.Model):
    """One try at an assessment. Its questions, their order and option order are fixed at the start."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("student"), on_delete=models.CASCADE, related_name="attempts"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(_("status"), max_length=20, choices=AttemptStatus.choices, db_index=True)
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("submitted at the deadline"), default=False)
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("out of"), max_digits=8, decimal_places=2)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    # Set once the student has been emailed their final result.
    result_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user", "number"], name="assessments_attempt_number_unique"),
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=models.Q(status="in_progress"),
                name="assessments_one_open_attempt",
            ),
            models.CheckConstraint(
                condition=models.Q(status="in_progress") | models.Q(submitted_at__isnull=False),
                name="assessments_attempt_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="graded") | (models.Q(score__isnull=False) & models.Q(passed__isnull=False)),
                name="assessments_attempt_graded_has_score",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            # Reports (lms.reports): students with a graded attempt, and results graded in a period,
            # read from the index alone.
            models.Index(fields=["enrolment"], condition=models.Q(status="graded"), name="attempt_graded_enrolment"),
            models.Index(
                fields=["graded_at"],
                include=["assessment", "user", "enrolment", "passed", "percent"],
                condition=models.Q(status="graded"),
                name="attempt_graded_at",
            ),
            # Reports: results per assessment over a long period (students counted once each) read from
            # the index alone, in the order the counting needs.
            models.Index(
                fields=["assessment", "user"],
                include=["graded_at", "passed", "percent"],
                condition=models.Q(status="graded"),
                name="attempt_graded_results",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.user} · {self.number}"


class AttemptQuestion(models.Model):
    """A question as the attempt asked it (a snapshot), and the student's answer and its grade."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(Question, null=True, on_delete=models.SET_NULL, related_name="+")
    # Everything needed to show and grade the question, frozen at the start:
    # type, prompt, points, options in the order shown (with their keys), rules.
    snapshot = models.JSONField()
    answer = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    points_awarded = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grader_feedback = models.TextField(_("feedback"), blank=True)
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="assessments_attempt_position_unique"),
        ]
        indexes = [models.Index(fields=["question", "attempt"])]

    def __str__(self):
        return f"{self.attempt_id}:{self.position}"

    @property
    def type(self) -> str:
        return self.snapshot["type"]


class GradeChange(models.Model):
    """Who changed a grade, from what to what, and why (manual grading, regrading after a key fix)."""

    attempt_question = models.ForeignKey(AttemptQuestion, on_delete=models.CASCADE, related_name="grade_changes")
    old_points = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    new_points = models.DecimalField(max_digits=6, decimal_places=2)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.old_points} → {self.new_points}"
