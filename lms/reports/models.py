"""Reports a program manager has asked to receive by email, weekly or monthly."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.accounts.api import TimeStampedModel


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly (Mondays)")
    MONTHLY = "monthly", _("Monthly (on the 1st)")


class SendingProblem(models.TextChoices):
    """Why the last sending did not go out, as the owner reads it on “Reports sent to me”."""

    OWNER_CANNOT_REPORT = "owner_cannot_report", _("You no longer receive reports: this one was not sent.")
    UNKNOWN_REPORT = "unknown_report", _("This report no longer exists: it was not sent.")
    MAIL_FAILED = "mail_failed", _("The mail server did not take the email: it will be sent again shortly.")
    BUILD_FAILED = "build_failed", _("The report could not be made: the next sending will try again.")


class ScheduledReport(TimeStampedModel):
    """A standard report emailed to its owner as XLSX, built as the owner would see it on the day:
    the owner's scope at the time of sending applies, not the one they had when they asked."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="scheduled_reports"
    )
    report = models.CharField(_("report"), max_length=30)
    # The shared filters (course, cohort, country, program, service) and the report's own parameters.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Each report covers this many days up to the day before it is sent.
    period_days = models.PositiveIntegerField(_("period (days)"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    next_run_at = models.DateTimeField(_("next sending"), db_index=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    # A SendingProblem value; the details are in the log, not shown to the owner.
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["next_run_at", "pk"]
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")
        constraints = [
            models.CheckConstraint(condition=models.Q(period_days__gte=1), name="reports_schedule_period_positive"),
        ]

    def __str__(self):
        return f"{self.report} · {self.get_frequency_display()} · {self.owner}"

    @property
    def problem(self) -> str:
        """The last sending's problem in the reader's language, or "" when it went out."""
        if not self.last_error:
            return ""
        return str(dict(SendingProblem.choices).get(self.last_error, SendingProblem.BUILD_FAILED.label))
