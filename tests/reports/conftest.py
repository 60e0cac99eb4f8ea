"""A small known data set for the reports, described student by student so tests work out what
every figure should be from the description, never from what the reports return.

Times are "days ago" from the moment the fixture runs. The default period of the tests is the
last ``PERIOD_DAYS`` days (``data.period``). Two courses: "Civilian Control" with three required
modules, two cohorts and a required final exam (a single-choice question worth 1 point and an
all-or-nothing multiple-choice question worth 2), and "Export Controls" with one module and a
quiz. Certificates are issued, reissued (the replaced one must not count twice) and revoked.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from assessments.factories import AssessmentFactory, QuestionFactory
from assessments.services import answer_save, attempt_start, attempt_submit
from certificates.codes import code_generate
from certificates.models import Certificate, CertificateStatus
from courses.factories import CohortFactory, CoursePageFactory, EnrolmentFactory, ModulePageFactory
from courses.facts import enrolment_required_done_refresh
from courses.models import Enrolment, EnrolmentStatus, ModuleProgress
from lms.accounts.factories import SponsoringProgramFactory, UserFactory

PERIOD_DAYS = 60
SINGLE_POINTS, MULTIPLE_POINTS = 1, 2
PASS_MARK = 60

# The options of the final exam's questions, and what a right or a wrong answer chooses.
SINGLE_OPTIONS = [("Parliament", True), ("The general staff", False), ("The president alone", False)]
MULTIPLE_OPTIONS = [("Parliament", True), ("Audit office", True), ("Regimental band", False), ("Courts", True)]
SINGLE_ANSWERS = {True: "Parliament", False: "The general staff"}
MULTIPLE_ANSWERS = {True: ["Parliament", "Audit office", "Courts"], False: ["Parliament", "Regimental band"]}


@dataclasses.dataclass
class Attempted:
    """One graded attempt at the final exam, or (``multiple_right=None``) at the other course's
    quiz of one single-choice question."""

    days_ago: int
    single_right: bool
    multiple_right: bool | None = False

    @property
    def percent(self) -> Decimal:
        earned = SINGLE_POINTS * self.single_right + MULTIPLE_POINTS * bool(self.multiple_right)
        out_of = SINGLE_POINTS + (MULTIPLE_POINTS if self.multiple_right is not None else 0)
        return (Decimal(100) * earned / out_of).quantize(Decimal("0.01"))

    @property
    def passed(self) -> bool:
        return self.percent >= PASS_MARK


@dataclasses.dataclass
class Student:
    key: str
    first_name: str
    last_name: str
    country: str
    program: str | None
    service: str
    status: str
    course: str = "course"  # or "other"
    cohort: str | None = None  # "spring" or "autumn"
    requested: int | None = None
    activated: int | None = None
    completed: int | None = None
    withdrawn: int | None = None
    rejected: int | None = None
    last_activity: int | None = None
    modules_done: int = 0
    attempts: tuple[Attempted, ...] = ()
    certificate: str | None = None  # "issued", "reissued" or "revoked"
    issued: int | None = None
    reissued: int | None = None
    revoked: int | None = None
    # Filled in by the fixture.
    user: object = None
    enrolment: object = None
    certificate_code: str = ""
    replaced_code: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def students_spec() -> list[Student]:
    return [
        Student(
            "ana", "Ana", "Silva", "BR", "imet", "Army", EnrolmentStatus.COMPLETED, cohort="spring",
            activated=40, completed=10, last_activity=10, modules_done=3,
            attempts=(Attempted(35, False, False), Attempted(12, True, True)),
            certificate="issued", issued=9,
        ),
        Student(
            "ben", "Ben", "Mensah", "GH", "imet", "Navy", EnrolmentStatus.COMPLETED, cohort="spring",
            activated=50, completed=5, last_activity=5, modules_done=3,
            attempts=(Attempted(8, False, True),),
            certificate="reissued", issued=6, reissued=3,
        ),
        Student(
            "chen", "Chen", "Boateng", "GH", "partners", "Army", EnrolmentStatus.COMPLETED, cohort="autumn",
            activated=20, completed=8, last_activity=8, modules_done=3,
            attempts=(Attempted(10, True, True),),
            certificate="revoked", issued=7, revoked=2,
        ),
        Student(
            "dina", "Dina", "Haddad", "JO", "partners", "Air Force", EnrolmentStatus.ACTIVE, cohort="autumn",
            activated=15, last_activity=1, modules_done=1, attempts=(Attempted(4, True, False),),
        ),
        Student(
            "emil", "Emil", "Novak", "PL", None, "Navy", EnrolmentStatus.ACTIVE, cohort="spring",
            activated=25, last_activity=None, modules_done=0,
        ),
        Student(
            "farah", "Farah", "Saleh", "JO", "imet", "Army", EnrolmentStatus.WITHDRAWN, cohort="spring",
            activated=30, withdrawn=20, last_activity=28, modules_done=1,
        ),
        Student(
            "gus", "Gus", "Pereira", "BR", "partners", "Army", EnrolmentStatus.PENDING, cohort="spring", requested=3,
        ),
        Student(
            "rui", "Rui", "Costa", "BR", "imet", "Navy", EnrolmentStatus.REJECTED, cohort="autumn",
            requested=20, rejected=18,
        ),
        Student(
            "hana", "Hana", "Owusu", "GH", "imet", "Navy", EnrolmentStatus.COMPLETED,
            activated=400, completed=380, last_activity=380, modules_done=3,
            attempts=(Attempted(390, True, True),),
            certificate="revoked", issued=370, revoked=5,
        ),
        Student(
            "ivan", "Ivan", "Petrov", "BR", "imet", "Army", EnrolmentStatus.ACTIVE, course="other",
            activated=10, last_activity=6, attempts=(Attempted(6, True, None),),
        ),
        Student(
            "kai", "Kai", "Tanaka", "", "imet", "Army", EnrolmentStatus.ACTIVE, cohort="spring",
            activated=45, last_activity=20, modules_done=2,
        ),
        Student(
            "lea", "Lea", "Kowalski", "PL", "partners", "Navy", EnrolmentStatus.ACTIVE, cohort="spring",
            activated=40, last_activity=2, modules_done=0,
        ),
    ]  # fmt: skip


@dataclasses.dataclass
class ReportData:
    now: datetime.datetime
    today: datetime.date
    course: object
    other_course: object
    modules: list
    exam: object
    quiz: object
    single: object
    multiple: object
    cohorts: dict
    programs: dict
    students: dict

    def ago(self, days: int | None) -> datetime.datetime | None:
        return None if days is None else self.now - datetime.timedelta(days=days)

    def day(self, days: int | None) -> datetime.date | None:
        return None if days is None else timezone.localtime(self.ago(days)).date()

    @property
    def start(self) -> datetime.date:
        return self.today - datetime.timedelta(days=PERIOD_DAYS - 1)

    @property
    def period(self) -> dict:
        """The default period of the tests, as query parameters."""
        return {"start": self.start.isoformat(), "end": self.today.isoformat()}

    def in_period(self, days: int | None, start=None, end=None) -> bool:
        if days is None:
            return False
        return (start or self.start) <= self.day(days) <= (end or self.today)

    def select(self, predicate=lambda s: True) -> list[Student]:
        return [s for s in self.students.values() if predicate(s)]


def _take(user, assessment, attempted: Attempted, at: datetime.datetime, *, multiple: bool = True):
    attempt = attempt_start(user=user, assessment=assessment, now=at)
    for item in attempt.questions.all():
        by_text = {option["text"]: option["id"] for option in item.snapshot["options"]}
        if item.snapshot["type"] == "multiple":
            raw = [by_text[text] for text in MULTIPLE_ANSWERS[attempted.multiple_right]]
        else:
            raw = by_text[SINGLE_ANSWERS[attempted.single_right]]
        answer_save(user=user, attempt_id=attempt.pk, position=item.position, raw=raw, now=at)
    return attempt_submit(user=user, attempt_id=attempt.pk, now=at)


def _certificate(student: Student, at, *, status, **fields) -> Certificate:
    enrolment = student.enrolment
    return Certificate.objects.create(
        code=code_generate(),
        enrolment=enrolment,
        holder=student.user,
        course_id=enrolment.course_id,
        status=status,
        course_title="Civilian Control",
        hours=6,
        completed_on=timezone.localtime(enrolment.completed_at).date(),
        issued_at=at,
        **fields,
    )


def student_add(data: ReportData, student: Student) -> Student:
    """Create the student, their place, progress, attempts and certificates as ``student`` describes."""
    programs = data.programs
    # Built then saved: the post-generation role set-up costs more than the whole student otherwise.
    student.user = UserFactory.build(
        email=f"{student.key}@example.org",
        first_name=student.first_name,
        last_name=student.last_name,
        country=student.country,
        service=student.service,
        rank="Major",
        sponsoring_program=programs[student.program] if student.program else None,
    )
    student.user.save()
    changed = min(d for d in (student.requested, student.activated) if d is not None)
    for days in (student.completed, student.withdrawn, student.rejected):
        if days is not None:
            changed = days
    student.enrolment = EnrolmentFactory(
        user=student.user,
        course=data.course if student.course == "course" else data.other_course,
        cohort=data.cohorts[student.cohort] if student.cohort else None,
        status=student.status,
        status_changed_at=data.ago(changed),
        requested_at=data.ago(student.requested if student.requested is not None else student.activated),
        activated_at=data.ago(student.activated),
        completed_at=data.ago(student.completed),
        withdrawn_at=data.ago(student.withdrawn),
        rejected_at=data.ago(student.rejected),
    )
    start = data.ago(student.activated)
    ModuleProgress.objects.bulk_create(
        ModuleProgress(enrolment=student.enrolment, module=module, started_at=start, completed_at=start)
        for module in data.modules[: student.modules_done]
    )
    # Written in bulk, as the demo's history writes progress: the kept count follows by hand (courses/facts.py).
    enrolment_required_done_refresh(enrolment_ids=[student.enrolment.pk])
    assessment = data.exam if student.course == "course" else data.quiz
    for attempted in student.attempts:
        _take(student.user, assessment, attempted, data.ago(attempted.days_ago))
    # Starting an attempt records activity "now": put back the described last activity.
    Enrolment.objects.filter(pk=student.enrolment.pk).update(last_activity_at=data.ago(student.last_activity))
    student.enrolment.refresh_from_db()
    if student.certificate == "issued":
        student.certificate_code = _certificate(student, data.ago(student.issued), status=CertificateStatus.ISSUED).code
    elif student.certificate == "reissued":
        old = _certificate(
            student, data.ago(student.issued), status=CertificateStatus.REPLACED, replaced_at=data.ago(student.reissued)
        )
        student.replaced_code = old.code
        new = _certificate(student, data.ago(student.reissued), status=CertificateStatus.ISSUED, replaces=old)
        student.certificate_code = new.code
    elif student.certificate == "revoked":
        student.certificate_code = _certificate(
            student,
            data.ago(student.issued),
            status=CertificateStatus.REVOKED,
            revoked_at=data.ago(student.revoked),
            revoke_reason="Plagiarism",
        ).code
    data.students[student.key] = student
    return student


@pytest.fixture
def data(catalogue) -> ReportData:
    now = timezone.now()
    today = timezone.localdate(now)
    # Published without revisions or instructors: the reports need neither, and it halves the set-up.
    course = CoursePageFactory(parent=catalogue, title="Civilian Control", slug="civilian-control", publish="direct")
    other_course = CoursePageFactory(
        parent=catalogue, title="Export Controls", slug="export-controls", publish="direct"
    )
    modules = [
        ModulePageFactory(parent=course, title=f"Part {n}", slug=f"part-{n}", is_required=True, publish="direct")
        for n in (1, 2, 3)
    ]
    ModulePageFactory(parent=other_course, title="Licences", slug="licences", is_required=True, publish="direct")
    single = QuestionFactory(course=course, title="Budget approval", options=SINGLE_OPTIONS, points=SINGLE_POINTS)
    multiple = QuestionFactory(
        course=course,
        title="Oversight bodies",
        type="multiple",
        points=MULTIPLE_POINTS,
        scoring_rule="all_or_nothing",
        options=MULTIPLE_OPTIONS,
    )
    exam = AssessmentFactory(
        course=course, title="Final exam", pass_mark_percent=PASS_MARK, questions=[single, multiple]
    )
    licence = QuestionFactory(course=other_course, title="Licence types", options=SINGLE_OPTIONS)
    quiz = AssessmentFactory(
        course=other_course, title="Licensing quiz", pass_mark_percent=PASS_MARK, is_required=False, questions=[licence]
    )
    programs = {
        "imet": SponsoringProgramFactory(code="imet", name="IMET"),
        "partners": SponsoringProgramFactory(code="partners", name="Partnership for Peace"),
    }
    cohorts = {
        "spring": CohortFactory(
            course=course,
            name="Spring intake",
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today + datetime.timedelta(days=60),
            sponsoring_program=programs["imet"],
        ),
        "autumn": CohortFactory(
            course=course,
            name="Autumn intake",
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=90),
        ),
    }
    data = ReportData(
        now=now,
        today=today,
        course=course,
        other_course=other_course,
        modules=modules,
        exam=exam,
        quiz=quiz,
        single=single,
        multiple=multiple,
        cohorts=cohorts,
        programs=programs,
        students={},
    )
    for student in students_spec():
        student_add(data, student)
    return data


@pytest.fixture
def manager_client(client, manager, settings):
    """A program manager (unscoped) signed in to the admin; the second factor is off, as in the admin tests."""
    settings.LMS_STAFF_REQUIRE_2FA = False
    client.force_login(manager)
    return client


@pytest.fixture
def admin_client_(client, admin_user, settings):
    settings.LMS_STAFF_REQUIRE_2FA = False
    client.force_login(admin_user)
    return client


def report_url(key: str) -> str:
    return reverse("reports:report", args=[key])


def export_url(key: str, fmt: str) -> str:
    return reverse("reports:export", args=[key, fmt])
