"""Reports emailed weekly or monthly: asking for one from a report page, the list of one's own,
stopping one, when each goes out, and the periodic task that sends them (in-process and on a real
Celery worker). Only the mail server is mocked, as it is outside the machine."""

import datetime
import io
import re
import zoneinfo
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

import openpyxl
import pytest

from lms.accounts.roles import Role
from lms.reports.models import Frequency, ScheduledReport, SendingProblem
from lms.reports.services import next_run_after, scheduled_reports_send_due

BASE = "/admin/learning-reports/"


def _aware(text, zone="UTC"):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(zone))


def _data():
    from courses.factories import CohortFactory, CoursePageFactory, EnrolmentFactory, catalogue_get
    from lms.accounts.factories import UserFactory

    catalogue = catalogue_get()
    course = CoursePageFactory(parent=catalogue, title="Civilian Control", slug="civilian-control")
    cohort = CohortFactory(course=course, name="Spring intake")
    amina = UserFactory(email="amina.diallo@example.org", first_name="Amina", last_name="Diallo", country="SN")
    kofi = UserFactory(email="kofi.mensah@example.org", first_name="Kofi", last_name="Mensah", country="GH")
    for student in (amina, kofi):
        EnrolmentFactory(user=student, course=course, cohort=cohort)
    manager = UserFactory(email="priya.raman@example.org", first_name="Priya", roles=[Role.PROGRAM_MANAGER])
    other = UserFactory(email="other.manager@example.org", first_name="Omar", roles=[Role.PROGRAM_MANAGER])
    return {"course": course, "cohort": cohort, "manager": manager, "other": other, "students": (amina, kofi)}


@pytest.fixture
def data(db):
    return _data()


def _schedule(owner, *, report="roster", filters=None, next_run_at=None, frequency=Frequency.WEEKLY, period_days=30):
    return ScheduledReport.objects.create(
        owner=owner,
        report=report,
        filters=filters or {},
        params={},
        period_days=period_days,
        frequency=frequency,
        next_run_at=next_run_at or timezone.now() - datetime.timedelta(minutes=1),
    )


# Asking for a report by email ----------------------------------------------------------------


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _schedule_from_page(client, url, frequency):
    """Open the report page, then submit its "Email me this report" form, CSRF token included."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="reports-schedule">(.*?)</form>', html, re.S)
    assert form, "the report page offers to email the report"
    action = form.group(1).replace("&amp;", "&")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)
    return client.post(action, {"frequency": frequency, "csrfmiddlewaretoken": token}, follow=True)


@pytest.mark.parametrize("frequency", [Frequency.WEEKLY, Frequency.MONTHLY])
def test_a_manager_schedules_a_report_from_its_page(data, frequency):
    client = _csrf_client(data["manager"])
    url = f"{BASE}roster/?cohort={data['cohort'].pk}&country=SN&start=2025-01-01&end=2025-03-31"
    before = timezone.now()
    response = _schedule_from_page(client, url, frequency)
    assert response.status_code == 200
    assert "You will receive this report by email" in response.content.decode()
    schedule = ScheduledReport.objects.get()
    assert schedule.owner == data["manager"] and schedule.report == "roster" and schedule.frequency == frequency
    assert schedule.filters["cohort"] == data["cohort"].pk and schedule.filters["country"] == "SN"
    assert schedule.period_days == 90
    assert schedule.next_run_at == next_run_after(frequency=frequency, moment=schedule.created_at)
    assert schedule.next_run_at > before
    # The confirmation names the first date it goes out, as the reader's language writes dates.
    first = date_format(timezone.localtime(schedule.next_run_at), "DATE_FORMAT")
    assert first in response.content.decode()


def test_scheduling_needs_the_csrf_token(data):
    client = _csrf_client(data["manager"])
    response = client.post(f"{BASE}completion/schedule/", {"frequency": "weekly"})
    assert response.status_code == 403
    assert not ScheduledReport.objects.exists()


@pytest.mark.parametrize(
    ("path", "frequency", "message"),
    [
        ("completion/?", "daily", "Choose weekly or monthly."),
        ("completion/?", "", "Choose weekly or monthly."),
        ("students/?stage=enrolled&", "weekly", "This report cannot be sent by email."),
        ("completion/?country=ZZ&", "weekly", "Correct the filters before scheduling the report."),
        ("completion/?start=2025-05-01&end=2025-01-01&", "weekly", "Correct the filters before scheduling the report."),
        ("at_risk/?idle_days=0&", "weekly", "Correct the report&#x27;s settings before scheduling it."),
        ("assessment/?assessment=999999&", "weekly", "Correct the report&#x27;s settings before scheduling it."),
        ("roster/?", "weekly", "Choose a cohort before scheduling its roster."),
    ],
)
def test_a_schedule_is_refused_with_a_message(client, data, path, frequency, message):
    client.force_login(data["manager"])
    page, _sep, query = f"{BASE}{path}".partition("?")
    response = client.post(f"{page}schedule/?{query}", {"frequency": frequency}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ScheduledReport.objects.exists()


def test_an_unknown_report_cannot_be_scheduled(client, data):
    client.force_login(data["manager"])
    assert client.post(f"{BASE}nothing/schedule/", {"frequency": "weekly"}).status_code == 404
    assert client.get(f"{BASE}completion/schedule/").status_code == 405
    assert not ScheduledReport.objects.exists()


def test_instructors_and_students_cannot_schedule(client, data, instructor, student):
    for person in (instructor, student):
        client.force_login(person)
        response = client.post(f"{BASE}completion/schedule/", {"frequency": "weekly"})
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response["Location"] == "/admin/"
    assert not ScheduledReport.objects.exists()


# One's own schedules --------------------------------------------------------------------------


def test_the_list_shows_only_ones_own_schedules_and_only_they_stop_them(client, data):
    mine = _schedule(data["manager"], report="completion")
    theirs = _schedule(data["other"], report="at_risk")
    client.force_login(data["manager"])
    html = client.get(f"{BASE}scheduled/").content.decode()
    assert '<th scope="row">Completion by country and sponsoring program</th>' in html
    assert '<th scope="row">Students at risk</th>' not in html
    assert f"scheduled/{theirs.pk}/delete/" not in html

    assert client.post(f"{BASE}scheduled/{theirs.pk}/delete/").status_code == 404
    assert client.post(f"{BASE}scheduled/999999/delete/").status_code == 404
    assert client.get(f"{BASE}scheduled/{mine.pk}/delete/").status_code == 405
    assert ScheduledReport.objects.count() == 2

    response = client.post(f"{BASE}scheduled/{mine.pk}/delete/", follow=True)
    assert "You will no longer receive this report." in response.content.decode()
    assert list(ScheduledReport.objects.all()) == [theirs]
    assert "You receive no reports by email." in response.content.decode()


# When reports go out ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "weekly", "monthly"),
    [
        # A Wednesday: the coming Monday, the 1st of next month.
        ("2025-01-15T10:00", "2025-01-20T06:00", "2025-02-01T06:00"),
        # Monday (and the 1st) before six: that same morning.
        ("2024-07-01T05:59", "2024-07-01T06:00", "2024-07-01T06:00"),
        # At six exactly, or after: strictly after, so the next one.
        ("2024-07-01T06:00", "2024-07-08T06:00", "2024-08-01T06:00"),
        ("2024-07-01T06:00:01", "2024-07-08T06:00", "2024-08-01T06:00"),
        # A Sunday night, the last day of the year, a leap February.
        ("2023-12-31T23:59", "2024-01-01T06:00", "2024-01-01T06:00"),
        ("2024-02-29T12:00", "2024-03-04T06:00", "2024-03-01T06:00"),
        ("2024-01-31T12:00", "2024-02-05T06:00", "2024-02-01T06:00"),
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Asia/Kabul", "America/New_York"])
def test_next_run_after_is_monday_or_the_first_at_six_site_time_strictly_after(moment, weekly, monthly, zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        at = _aware(moment, zone)
        assert next_run_after(frequency=Frequency.WEEKLY, moment=at) == _aware(weekly, zone)
        assert next_run_after(frequency=Frequency.MONTHLY, moment=at) == _aware(monthly, zone)
        # Given in another zone, the same instant gives the same answer.
        utc = at.astimezone(datetime.UTC)
        assert next_run_after(frequency=Frequency.WEEKLY, moment=utc) == _aware(weekly, zone)


def test_next_run_across_a_change_of_clocks_stays_at_six_local_time():
    zone = "Europe/Paris"
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        # Summer time starts on Sunday 30 March 2025.
        got = next_run_after(frequency=Frequency.WEEKLY, moment=_aware("2025-03-28T12:00", zone))
        assert got == _aware("2025-03-31T06:00", zone)
        assert got.astimezone(datetime.UTC).hour == 4


# Sending -------------------------------------------------------------------------------------------


def _attachment_rows(message):
    ((name, content, mimetype),) = message.attachments
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return name, [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_due_reports_are_sent_as_xlsx_and_move_to_their_next_date(data):
    now = _aware("2025-06-02T06:05")  # a Monday, just after six
    roster = _schedule(data["manager"], filters={"cohort": data["cohort"].pk}, next_run_at=_aware("2025-06-02T06:00"))
    later = _schedule(data["manager"], report="completion", next_run_at=_aware("2025-06-09T06:00"))
    mail.outbox.clear()

    assert scheduled_reports_send_due(now=now) == 1
    (message,) = mail.outbox
    assert message.to == ["priya.raman@example.org"]
    assert message.subject == "Your report: Cohort roster"
    assert "http://testserver/admin/learning-reports/roster/?" in message.body
    assert "http://testserver/admin/learning-reports/scheduled/" in message.body
    name, rows = _attachment_rows(message)
    assert name == "roster-2025-06-01.xlsx"  # up to the day before
    assert rows[0][:3] == ["Name", "Name in native script", "Email"]
    assert sorted(row[0] for row in rows[1:]) == ["Amina Diallo", "Kofi Mensah"]
    assert {row[2] for row in rows[1:]} == {"amina.diallo@example.org", "kofi.mensah@example.org"}

    roster.refresh_from_db()
    assert roster.next_run_at == _aware("2025-06-09T06:00")
    assert roster.last_sent_at == now and roster.last_error == ""
    later.refresh_from_db()
    assert later.last_sent_at is None

    # Run again (beat every fifteen minutes, or a second worker): nothing more goes out.
    assert scheduled_reports_send_due(now=now) == 0
    assert scheduled_reports_send_due(now=now + datetime.timedelta(minutes=15)) == 0
    assert len(mail.outbox) == 1


def test_a_monthly_report_covers_its_period_and_keeps_its_filters(data):
    now = _aware("2025-07-01T06:00:30")
    schedule = _schedule(
        data["manager"],
        filters={"cohort": data["cohort"].pk, "country": "SN"},
        frequency=Frequency.MONTHLY,
        period_days=30,
        next_run_at=_aware("2025-07-01T06:00"),
    )
    mail.outbox.clear()
    assert scheduled_reports_send_due(now=now) == 1
    name, rows = _attachment_rows(mail.outbox[0])
    assert name == "roster-2025-06-30.xlsx"
    assert [row[0] for row in rows[1:]] == ["Amina Diallo"]
    assert "start=2025-06-01&end=2025-06-30" in mail.outbox[0].body
    schedule.refresh_from_db()
    assert schedule.next_run_at == _aware("2025-08-01T06:00")


def test_the_report_is_sent_in_the_owners_language(data):
    manager = data["manager"]
    manager.preferred_language = "fr"
    manager.save()
    _schedule(manager, filters={"cohort": data["cohort"].pk}, next_run_at=_aware("2025-06-02T06:00"))
    mail.outbox.clear()
    assert scheduled_reports_send_due(now=_aware("2025-06-02T06:05")) == 1
    # Dates are written the French way (Django's own translations): "1 juin 2025".
    assert "juin 2025" in mail.outbox[0].body
    assert "June" not in mail.outbox[0].body


def test_an_owner_who_is_no_longer_a_program_manager_is_skipped_and_why_is_kept(data):
    from lms.accounts.services import user_roles_set

    schedule = _schedule(data["manager"], filters={"cohort": data["cohort"].pk})
    user_roles_set(user=data["manager"], roles=[Role.INSTRUCTOR])
    mail.outbox.clear()
    now = timezone.now()
    assert scheduled_reports_send_due(now=now) == 0
    assert mail.outbox == []
    schedule.refresh_from_db()
    assert schedule.last_error == SendingProblem.OWNER_CANNOT_REPORT
    assert schedule.last_sent_at is None
    assert schedule.next_run_at > now  # not tried again every fifteen minutes


def test_an_inactive_owner_is_skipped(data):
    schedule = _schedule(data["manager"], filters={"cohort": data["cohort"].pk})
    data["manager"].is_active = False
    data["manager"].save()
    mail.outbox.clear()
    assert scheduled_reports_send_due() == 0
    assert mail.outbox == []
    schedule.refresh_from_db()
    assert schedule.last_error == SendingProblem.OWNER_CANNOT_REPORT


def test_when_the_mail_server_fails_the_report_stays_due_and_goes_out_next_time(data):
    due_at = _aware("2025-06-02T06:00")
    schedule = _schedule(data["manager"], filters={"cohort": data["cohort"].pk}, next_run_at=due_at)
    other = _schedule(data["other"], report="completion", next_run_at=due_at)
    mail.outbox.clear()
    with mock.patch.object(EmailMessage, "send", side_effect=ConnectionRefusedError("Connection refused")):
        assert scheduled_reports_send_due(now=_aware("2025-06-02T06:05")) == 0
    for row in (schedule, other):
        row.refresh_from_db()
        assert row.next_run_at == due_at and row.last_sent_at is None
        assert row.last_error == SendingProblem.MAIL_FAILED
    # The server is back: both go out, once.
    assert scheduled_reports_send_due(now=_aware("2025-06-02T06:20")) == 2
    assert len(mail.outbox) == 2
    schedule.refresh_from_db()
    assert schedule.last_error == "" and schedule.next_run_at == _aware("2025-06-09T06:00")


def test_one_broken_schedule_does_not_stop_the_others(data):
    broken = _schedule(data["other"], report="no-longer-a-report", next_run_at=_aware("2025-06-02T05:00"))
    fine = _schedule(data["manager"], filters={"cohort": data["cohort"].pk}, next_run_at=_aware("2025-06-02T06:00"))
    mail.outbox.clear()
    assert scheduled_reports_send_due(now=_aware("2025-06-02T06:05")) == 1
    assert len(mail.outbox) == 1
    fine.refresh_from_db()
    assert fine.last_sent_at is not None
    broken.refresh_from_db()
    assert broken.last_error == SendingProblem.UNKNOWN_REPORT
    assert broken.last_sent_at is None and broken.next_run_at > _aware("2025-06-02T06:05")


def test_a_report_that_fails_to_build_is_recorded_and_the_others_still_go_out(data):
    failing = _schedule(data["other"], report="completion", next_run_at=_aware("2025-06-02T05:00"))
    fine = _schedule(data["manager"], filters={"cohort": data["cohort"].pk}, next_run_at=_aware("2025-06-02T06:00"))
    mail.outbox.clear()
    from lms.reports import reports

    with mock.patch.dict(
        reports.REPORTS,
        {"completion": reports.Report("completion", "Completion", "", mock.Mock(side_effect=ValueError("bad data")))},
    ):
        assert scheduled_reports_send_due(now=_aware("2025-06-02T06:05")) == 1
    assert len(mail.outbox) == 1
    fine.refresh_from_db()
    failing.refresh_from_db()
    assert fine.last_sent_at is not None
    assert failing.last_error == SendingProblem.BUILD_FAILED and failing.last_sent_at is None
    # Not tried again every quarter of an hour: at the next regular sending.
    assert failing.next_run_at == _aware("2025-06-09T06:00")


# Celery -------------------------------------------------------------------------------------------


def test_the_beat_schedule_names_the_task():
    from lms import celery_app
    from lms.reports.tasks import scheduled_reports_send_due_task

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "lms.reports.tasks.scheduled_reports_send_due_task" in names
    assert scheduled_reports_send_due_task.name == "lms.reports.tasks.scheduled_reports_send_due_task"
    celery_app.loader.import_default_modules()
    assert "lms.reports.tasks.scheduled_reports_send_due_task" in celery_app.tasks


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_periodic_task_sends_due_reports_on_a_real_worker(workers, tmp_path):
    from lms.reports.tasks import scheduled_reports_send_due_task

    data = _data()
    schedule = _schedule(data["manager"], filters={"cohort": data["cohort"].pk})
    workers()
    assert scheduled_reports_send_due_task.delay().get(timeout=60) == 1
    (sent,) = list(Path(tmp_path).glob("*.log"))
    text = sent.read_text()
    assert "priya.raman@example.org" in text
    assert 'filename="roster-' in text and ".xlsx" in text
    schedule.refresh_from_db()
    assert schedule.last_sent_at is not None and schedule.next_run_at > timezone.now()
    # Run again: already sent.
    assert scheduled_reports_send_due_task.delay().get(timeout=60) == 0
    assert len(list(Path(tmp_path).glob("*.log"))) == 1
