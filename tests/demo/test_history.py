"""`seed_demo --history`: two years of made-up students and results, for program managers' reports.

One test loads the history and checks what a manager would notice, what the database
must hold, and that a second run adds nothing. It loads a fifth of the students to
keep the suite quick; tests/demo/test_make_run_sqlite.py loads all of them, as
`make run` does.
"""

import datetime
import statistics
from collections import Counter
from decimal import Decimal
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Min, Q
from django.utils import timezone

import pytest

from assessments.grading import grade, question_snapshot
from assessments.models import Assessment, Attempt, AttemptQuestion, AttemptStatus, Question
from assessments.staff import question_statistics_for_assessment
from certificates.models import Certificate, CertificateStatus, HolderName
from courses.models import Cohort, Enrolment, EnrolmentEvent, EnrolmentStatus, ModuleProgress
from courses.selectors import enrolment_progress_annotate
from lms.accounts.models import User
from lms.demo import history
from lms.demo.history import DOMAIN

pytestmark = pytest.mark.django_db

DEMO_STUDENTS = ("student@example.org", "layla.haddad@example.org", "min-jun.kim@example.org")


def _demo_students_state():
    """Everything the demo's own students hold, to show the history leaves it alone."""
    people = User.objects.filter(email__in=DEMO_STUDENTS)
    return (
        sorted(Enrolment.objects.filter(user__in=people).values_list("pk", "status", "cohort_id", "last_activity_at")),
        sorted(Attempt.objects.filter(user__in=people).values_list("pk", "status", "score")),
        sorted(Certificate.objects.filter(holder__in=people).values_list("pk", "status", "issued_at", "pdf_sha256")),
        sorted(Cohort.objects.values_list("pk", "capacity", "starts_on")),
    )


def _counts():
    models = (
        User,
        Cohort,
        Enrolment,
        EnrolmentEvent,
        ModuleProgress,
        Attempt,
        AttemptQuestion,
        Certificate,
        HolderName,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_history_gives_managers_two_years_to_report_on(
    catalogue, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(history, "STUDENTS", 600)
    call_command("seed_demo", verbosity=0)
    demo_before = _demo_students_state()
    demo_cohorts = set(Cohort.objects.values_list("pk", flat=True))
    with (
        mock.patch("certificates.tasks.certificate_render_task.delay") as render,
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("seed_demo", "--history", verbosity=0)
    now = timezone.now()
    assert not render.called, "the history's certificates must not be rendered one by one"
    assert _demo_students_state()[:3] == demo_before[:3]
    assert set(Cohort.objects.values_list("pk", flat=True)) >= demo_cohorts

    students = User.objects.filter(email__endswith=f"@{DOMAIN}")
    assert students.count() == 600
    assert not any(user.has_usable_password() for user in students[:50])
    assert students.values("country").distinct().count() >= 35
    assert students.filter(name_native__regex=r"[\u0600-\u06FF]").exists()  # Arabic
    assert students.filter(name_native__regex=r"[\u0400-\u04FF]").exists()  # Cyrillic
    assert students.filter(name_native__regex=r"[\uAC00-\uD7AF]").exists()  # Korean
    assert students.values("service").distinct().count() == 6
    assert students.values("sponsoring_program").distinct().count() == 3

    # Cohorts over two years: ended, running and coming ones, with sponsoring programs.
    cohorts = Cohort.objects.exclude(pk__in=demo_cohorts)
    today = timezone.localdate()
    assert cohorts.filter(ends_on__lt=today).count() >= 15
    assert cohorts.filter(starts_on__lte=today, ends_on__gte=today).count() == 5
    assert cohorts.filter(starts_on__gt=today).count() == len(history.UPCOMING)  # an intake soon on two courses
    assert cohorts.order_by("starts_on").first().starts_on < today - datetime.timedelta(days=600)
    assert cohorts.exclude(sponsoring_program=None).count() >= 10
    held = Q(enrolments__status__in=(EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED))
    for cohort in cohorts.exclude(capacity=None).annotate(held=Count("enrolments", filter=held)):
        assert cohort.held <= cohort.capacity, cohort

    # The funnel: every status, and more completed than dropped.
    enrolments = Enrolment.objects.filter(user__email__endswith=f"@{DOMAIN}")
    statuses = Counter(enrolments.values_list("status", flat=True))
    assert set(statuses) == set(EnrolmentStatus.values)
    assert statuses[EnrolmentStatus.COMPLETED] > 250
    assert statuses[EnrolmentStatus.COMPLETED] > 3 * statuses[EnrolmentStatus.WITHDRAWN]
    assert statuses[EnrolmentStatus.PENDING] >= 2 and statuses[EnrolmentStatus.REJECTED] >= 5
    assert not enrolments.filter(cohort_id__in=demo_cohorts).exists()
    completed = enrolments.filter(status=EnrolmentStatus.COMPLETED)
    months = {moment.strftime("%Y-%m") for moment in completed.values_list("completed_at", flat=True)}
    assert len(months) >= 12
    days = sorted((e.completed_at - e.activated_at).days for e in completed.only("completed_at", "activated_at"))
    assert 40 <= days[len(days) // 2] <= 120, "median time to completion"
    by_country = completed.values("user__country").distinct().count()
    by_program = completed.values("cohort__sponsoring_program").distinct().count()
    assert by_country >= 30 and by_program == 4  # three programs, and cohorts of mixed funding

    # Timestamps that match the status, and nothing in the future.
    assert not enrolments.filter(status=EnrolmentStatus.COMPLETED, completed_at__lt=F("activated_at")).exists()
    assert not enrolments.filter(status=EnrolmentStatus.PENDING, requested_at=None).exists()
    assert not enrolments.filter(status=EnrolmentStatus.REJECTED, rejected_at=None).exists()
    assert not enrolments.filter(status=EnrolmentStatus.WITHDRAWN, withdrawn_at=None).exists()
    assert not enrolments.filter(status=EnrolmentStatus.PENDING).exclude(activated_at=None).exists()
    for name in ("requested_at", "activated_at", "completed_at", "withdrawn_at", "rejected_at", "last_activity_at"):
        assert not enrolments.filter(**{f"{name}__gt": now}).exists(), name
    assert not enrolments.exclude(status_changed_at=F("created_at")).filter(status=EnrolmentStatus.PENDING).exists()
    events = EnrolmentEvent.objects.filter(enrolment__in=enrolments)
    assert events.filter(to_status=EnrolmentStatus.COMPLETED).count() == statuses[EnrolmentStatus.COMPLETED]
    # Decisions were emailed long ago: the ten-minute sweep has nothing to send.
    assert not events.filter(from_status=EnrolmentStatus.PENDING, notified_at=None).exists()
    progress = ModuleProgress.objects.filter(enrolment__in=enrolments)
    assert not progress.filter(completed_at__lt=F("started_at")).exists()
    assert not progress.filter(started_at__gt=now).exists()

    # Completed places did everything; active ones did not (or a completion check would complete them).
    annotated = enrolment_progress_annotate(enrolments)
    assert not annotated.filter(status=EnrolmentStatus.COMPLETED, required_done__lt=F("required_total")).exists()
    finished_reading = annotated.filter(status=EnrolmentStatus.ACTIVE, required_done__gte=F("required_total"))
    assert finished_reading.exists()
    assert not Attempt.objects.filter(
        enrolment__in=finished_reading.values("pk"), assessment__module=None, passed=True
    ).exists()

    # Students at risk: active places gone quiet, and places behind their running cohort.
    active = enrolments.filter(status=EnrolmentStatus.ACTIVE, cohort__starts_on__lt=today)
    assert active.filter(last_activity_at__lt=now - datetime.timedelta(days=21)).count() >= 25
    assert active.filter(last_activity_at__gt=now - datetime.timedelta(days=7)).count() >= 25
    running = annotated.filter(
        status=EnrolmentStatus.ACTIVE,
        cohort__starts_on__lt=today - datetime.timedelta(days=40),
        cohort__ends_on__gte=today,
    )
    assert running.filter(required_done=0).count() >= 3
    assert running.filter(required_done__gte=2).count() >= 20

    # Graded attempts with real frozen questions, varied scores, and statistics worth reading.
    attempts = Attempt.objects.filter(user__email__endswith=f"@{DOMAIN}")
    assert attempts.count() > 600
    assert set(attempts.values_list("status", flat=True)) == {AttemptStatus.GRADED}
    percents = [float(p) for p in attempts.values_list("percent", flat=True)]
    assert statistics.pstdev(percents) > 10 and 55 < statistics.mean(percents) < 85
    assert attempts.filter(passed=False).count() > 120
    assert not attempts.filter(submitted_at__lt=F("started_at")).exists()
    assert not attempts.filter(Q(graded_at__gt=now) | Q(result_notified_at=None)).exists()
    keys = set(question_snapshot(Question.objects.first()))
    for attempt in attempts.prefetch_related("questions").order_by("pk")[::23]:
        rows = list(attempt.questions.all())
        assert attempt.score == sum(row.points_awarded for row in rows)
        assert attempt.max_score == sum(Decimal(row.snapshot["points"]) for row in rows)
        for row in rows:
            assert set(row.snapshot) == keys
            if row.snapshot["type"] != "essay":
                assert grade(row.snapshot, row.answer) == row.points_awarded
            else:
                assert row.graded_by_id is not None
    admin = User.objects.get(email="admin@example.org")
    final = Assessment.objects.get(title="Civilian control: final assessment")
    _assessment, questions = question_statistics_for_assessment(user=admin, assessment_id=final.pk)
    difficulties = [q.difficulty for q in questions]
    assert min(difficulties) < 0.5 < 0.85 < max(difficulties)
    assert sum(1 for q in questions if q.discrimination and q.discrimination > 0.15) >= len(questions) // 2
    single = next(q for q in questions if q.type == "single")
    assert sum(1 for option in single.options if option.chosen) >= 3

    # Certificates: issued for most completions, a few revoked, some awaiting a name; no file rendered.
    certificates = Certificate.objects.filter(holder__email__endswith=f"@{DOMAIN}")
    by_status = Counter(certificates.values_list("status", flat=True))
    assert by_status[CertificateStatus.ISSUED] > 0.85 * statuses[EnrolmentStatus.COMPLETED]
    assert 3 <= by_status[CertificateStatus.REVOKED] <= 0.05 * by_status[CertificateStatus.ISSUED]
    assert by_status[CertificateStatus.AWAITING_NAME] >= 1
    assert by_status[CertificateStatus.PENDING] == 0
    assert sum(by_status.values()) == statuses[EnrolmentStatus.COMPLETED]
    assert not certificates.exclude(pdf="").exists()
    assert not certificates.filter(status=CertificateStatus.ISSUED, notified_at=None).exists()
    assert not certificates.filter(status=CertificateStatus.ISSUED, issued_at__lt=F("enrolment__completed_at")).exists()

    # The facts the reports' funnel reads from each enrolment are those of its attempts and certificates.
    first_graded = dict(
        Attempt.objects.filter(enrolment__in=enrolments, status=AttemptStatus.GRADED)
        .values("enrolment_id")
        .annotate(first=Min("graded_at"))
        .values_list("enrolment_id", "first")
    )
    valid = dict(certificates.filter(status=CertificateStatus.ISSUED).values_list("enrolment_id", "issued_at"))
    assert len(first_graded) > 300 and len(valid) > 250
    facts = enrolments.values_list("pk", "assessed_at", "certified_at")
    assert {pk: at for pk, at, _certified in facts if at} == first_graded
    assert {pk: at for pk, _assessed, at in facts if at} == valid
    kept = dict(enrolments.values_list("pk", "required_modules_done"))
    worked_out = dict(enrolment_progress_annotate(enrolments).values_list("pk", "required_done"))
    assert kept == worked_out and sum(kept.values()) > 1000, "the required modules done that students at risk reads"
    assert (
        len({d.strftime("%Y-%m") for d in certificates.exclude(issued_at=None).values_list("issued_at", flat=True)})
        >= 15
    )

    # The periodic sweeps find nothing to create, render or email.
    from assessments.services import attempt_results_unsent_notify
    from certificates.services import certificates_sweep
    from courses.services.enrolment import enrolment_decisions_unsent_notify

    with (
        mock.patch("certificates.tasks.certificate_render_task.delay") as render,
        mock.patch("certificates.tasks.certificate_ready_notify_task.delay") as ready,
    ):
        assert certificates_sweep() == {"created": 0, "queued": 0, "emails": 0}
        assert enrolment_decisions_unsent_notify() == 0
        assert attempt_results_unsent_notify() == 0
    assert not render.called and not ready.called

    # A second run adds nothing.
    before = _counts()
    call_command("seed_demo", "--history", verbosity=0)
    assert _counts() == before


def test_seed_demo_history_is_for_development_only(catalogue, settings):
    settings.LMS_DEMO_USERS = False
    with pytest.raises(CommandError, match="development settings only"):
        call_command("seed_demo", "--history", verbosity=0)
    assert not User.objects.filter(email__endswith=f"@{DOMAIN}").exists()
