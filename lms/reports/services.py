"""Writes for reports: scheduling a report by email, and sending the ones that are due."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.accounts.api import User, user_email_send

from .exports import XLSX_CONTENT_TYPE, xlsx_file
from .filters import ReportFilters, filters_from_stored
from .models import Frequency, ScheduledReport, SendingProblem
from .reports import REPORTS
from .selectors import user_may_report

logger = logging.getLogger(__name__)

# Reports go out early in the morning, site time, before the working day.
SEND_AT = datetime.time(6, 0)


class ScheduleRefused(Exception):
    """A schedule that cannot be made, with a message for the user."""


def next_run_after(*, frequency: str, moment: datetime.datetime) -> datetime.datetime:
    """The next sending strictly after ``moment``: Monday 06:00 for weekly, the 1st at 06:00 for monthly."""
    zone = timezone.get_current_timezone()
    today = timezone.localtime(moment, zone).date()
    if frequency == Frequency.WEEKLY:
        day = today + datetime.timedelta(days=-today.weekday() % 7)  # this Monday, or the coming one
        following = day + datetime.timedelta(days=7)
    else:
        day = today.replace(day=1)
        following = (day + datetime.timedelta(days=32)).replace(day=1)
    candidate = datetime.datetime.combine(day, SEND_AT, tzinfo=zone)
    return candidate if candidate > moment else datetime.datetime.combine(following, SEND_AT, tzinfo=zone)


@transaction.atomic
def scheduled_report_create(
    *, owner, report: str, filters: ReportFilters, params: dict, frequency: str, now=None
) -> ScheduledReport:
    """A manager asks for a report by email. Only a schedulable report, with filters that were accepted."""
    if not user_may_report(user=owner):
        raise ScheduleRefused(_("Only program managers and administrators receive reports."))
    definition = REPORTS.get(report)
    if definition is None or not definition.schedulable:
        raise ScheduleRefused(_("This report cannot be sent by email."))
    if filters.refused:
        raise ScheduleRefused(_("Correct the filters before scheduling the report."))
    if definition.needs_cohort and not filters.cohort_id:
        raise ScheduleRefused(_("Choose a cohort before scheduling its roster."))
    if frequency not in Frequency.values:
        raise ScheduleRefused(_("Choose weekly or monthly."))
    now = now or timezone.now()
    return ScheduledReport.objects.create(
        owner=owner,
        report=report,
        filters=filters.as_dict(),
        params=params,
        period_days=(filters.end - filters.start).days + 1,
        frequency=frequency,
        next_run_at=next_run_after(frequency=frequency, moment=now),
    )


def scheduled_report_delete(*, owner, schedule_id: int) -> bool:
    """A manager stops one of their own scheduled reports; someone else's is not found."""
    deleted, _counts = ScheduledReport.objects.filter(pk=schedule_id, owner=owner).delete()
    return bool(deleted)


def scheduled_report_period(*, schedule: ScheduledReport, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days a sending covers: ``period_days`` days up to yesterday."""
    end = today - datetime.timedelta(days=1)
    return end - datetime.timedelta(days=schedule.period_days - 1), end


def scheduled_reports_send_due(*, now=None) -> int:
    """Periodic (Celery beat): send every scheduled report that is due, each in its own transaction.

    A report is claimed with a row lock that other workers skip, built and
    emailed, and only then moved to its next date, in the same transaction: a
    worker killed mid-way leaves it due, and the next run sends it (at least
    once, never silently lost). Returns how many were sent.
    """
    now = now or timezone.now()
    sent = 0
    due = list(ScheduledReport.objects.filter(next_run_at__lte=now).values_list("pk", flat=True)[:500])
    for schedule_id in due:
        try:
            sent += scheduled_report_send(schedule_id=schedule_id, now=now)
        except OSError as exc:  # the mail server: the report stays due, the next run tries again
            logger.warning("Scheduled report %s not sent: %s", schedule_id, exc)
            ScheduledReport.objects.filter(pk=schedule_id).update(last_error=SendingProblem.MAIL_FAILED)
        except Exception:  # one broken report must not hold back everyone else's
            # Not again every quarter of an hour: the next regular sending tries again.
            logger.exception("Scheduled report %s could not be built", schedule_id)
            schedule = ScheduledReport.objects.filter(pk=schedule_id).first()
            if schedule is not None:
                schedule.next_run_at = next_run_after(frequency=schedule.frequency, moment=now)
                schedule.last_error = SendingProblem.BUILD_FAILED
                schedule.save(update_fields=["next_run_at", "last_error", "updated_at"])
    return sent


@transaction.atomic
def scheduled_report_send(*, schedule_id: int, now=None) -> bool:
    now = now or timezone.now()
    schedule = (
        ScheduledReport.objects.select_for_update(skip_locked=True)
        .select_related("owner")
        .filter(pk=schedule_id, next_run_at__lte=now)
        .first()
    )
    if schedule is None:  # sent meanwhile, or being sent by another worker
        return False
    owner: User = schedule.owner
    schedule.next_run_at = next_run_after(frequency=schedule.frequency, moment=now)
    definition = REPORTS.get(schedule.report)
    skipped = None
    if not owner.is_active or not user_may_report(user=owner):
        skipped = SendingProblem.OWNER_CANNOT_REPORT
    elif definition is None or not definition.schedulable:
        skipped = SendingProblem.UNKNOWN_REPORT
    if skipped:
        schedule.last_error = skipped
        schedule.save(update_fields=["next_run_at", "last_error", "updated_at"])
        return False
    with translation.override(owner.preferred_language or settings.LANGUAGE_CODE):
        start, end = scheduled_report_period(schedule=schedule, today=timezone.localdate(now))
        filters = filters_from_stored(schedule.filters, user=owner, start=start, end=end)
        params = dict(schedule.params)
        table = definition.build(user=owner, filters=filters, params=params)
        with xlsx_file(table, sheet_title=str(definition.title)) as handle:
            content = handle.read()
        user_email_send(
            user=owner,
            template="reports/email/scheduled_report",
            context={
                "report_title": definition.title,
                "start": start,
                "end": end,
                "refused": filters.refused,
                "weekly": schedule.frequency == Frequency.WEEKLY,
                "report_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
                + reverse("reports:report", args=[schedule.report])
                + "?"
                + filters.query(),
                "schedules_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("reports:schedules"),
            },
            attachments=[(f"{schedule.report}-{end.isoformat()}.xlsx", content, XLSX_CONTENT_TYPE)],
        )
    schedule.last_sent_at = now
    schedule.last_error = ""
    schedule.save(update_fields=["next_run_at", "last_sent_at", "last_error", "updated_at"])
    return True
