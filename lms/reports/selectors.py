"""Reads behind the program managers' reports: every figure is aggregated by the database.

Everything starts from ``report_condition``: the enrolments the manager may see
(their scope of countries and programs), narrowed by the shared filters. Each selector issues a fixed number of queries
whatever the number of students, enrolments, attempts or certificates; Python
only shapes what the database has already counted (one row per month, per
country, per question).

The funnel is a cohort view of the period: of the students who got their
place in the period (``activated_at``), how many started (any activity: a
module opened or an assessment started), were assessed (a graded attempt),
completed the course, and hold a valid certificate, whenever that happened.
Each of those is a column of the enrolment: ``assessed_at`` and ``certified_at``
are kept there by assessments and certificates (``assessments/facts.py``,
``certificates/facts.py``), so the funnel over every enrolment reads one table.
"""

import dataclasses
import datetime

from django.db import connections
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DurationField,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Round, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.api import Assessment, Attempt, AttemptStatus, question_statistics
from certificates.api import Certificate, CertificateStatus, certificate_verify_url
from courses.api import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    enrolment_progress_annotate,
    required_module_ids,
)
from lms.accounts.api import Role, manager_scope_filter, user_has_role
from lms.core.db import reads_at_once

from .filters import NO_PROGRAM, NOT_GIVEN, ReportFilters


def user_may_report(*, user) -> bool:
    """Reports are for program managers (within their scope) and administrators."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user_has_role(user=user, role=Role.PROGRAM_MANAGER))
    )


def report_condition(
    *, user, filters: ReportFilters, enrolment: str = "", student: str = "", course: str = ""
) -> Q | None:
    """The enrolments a report covers, as a condition on the enrolment reached through ``enrolment``
    ("" from an Enrolment, "enrolment" from an Attempt or a Certificate…); None for none at all.

    Reports are for program managers and administrators, whose visible enrolments
    (``enrolment_list_visible_to``) are those of the students in their scope:
    applied here as a join condition, so an unscoped, unfiltered report reads the
    rows it counts and no semi-join over every enrolment.

    A row that names its student (an attempt's ``user``, a certificate's ``holder``) or
    its course (a certificate's ``course``) itself, always the enrolment's since the
    services that write them take them from it, passes those paths as ``student`` and
    ``course``: the scope and the student filters then join the students to the rows
    counted, not to every enrolment first (measured: a scoped count of certificates
    went from a scan of every enrolment, 70 ms, to a join with the few thousand students
    in scope, 30 ms). An attempt's course is its enrolment's, not its assessment's: an
    assessment can be moved to another course after it was taken.
    """
    if filters.refused or not user_may_report(user=user):
        return None
    prefix = f"{enrolment}__" if enrolment else ""
    student = student or f"{prefix}user"
    course = course or f"{prefix}course"
    condition = Q()
    scope = manager_scope_filter(user=user, student=student)
    if scope is not None:
        condition &= scope
    if filters.course_id:
        condition &= Q(**{f"{course}_id": filters.course_id})
    if filters.cohort_id:
        condition &= Q(**{f"{prefix}cohort_id": filters.cohort_id})
    if filters.country == NOT_GIVEN:
        condition &= Q(**{f"{student}__country": ""})
    elif filters.country:
        condition &= Q(**{f"{student}__country": filters.country})
    if filters.program_id == NO_PROGRAM:
        condition &= Q(**{f"{student}__sponsoring_program__isnull": True})
    elif filters.program_id:
        condition &= Q(**{f"{student}__sponsoring_program_id": filters.program_id})
    if filters.service:
        condition &= Q(**{f"{student}__service": filters.service})
    return condition


def _covered(queryset: QuerySet, *, user, filters: ReportFilters, **paths) -> QuerySet:
    condition = report_condition(user=user, filters=filters, **paths)
    return queryset.none() if condition is None else queryset.filter(condition)


def report_enrolments(*, user, filters: ReportFilters) -> QuerySet:
    """Enrolments in the manager's scope that match the filters (all but the period)."""
    return _covered(Enrolment.objects.all(), user=user, filters=filters)


# Stages of the funnel, and the other sets of students a figure can stand for -----------------


class Stage:
    ENROLLED = "enrolled"
    STARTED = "started"
    ASSESSED = "assessed"
    COMPLETED = "completed"
    CERTIFIED = "certified"
    # Not funnel stages: the students behind other figures of the dashboard.
    COMPLETED_IN_PERIOD = "completed_in_period"
    PASSED = "passed"
    CERTIFICATE_ISSUED = "certificate_issued"
    CERTIFICATE_REVOKED = "certificate_revoked"


FUNNEL = (
    # A context apart from the enrolment statuses of the same names.
    (Stage.ENROLLED, pgettext_lazy("report stage", "Enrolled")),
    (Stage.STARTED, pgettext_lazy("report stage", "Started")),
    (Stage.ASSESSED, pgettext_lazy("report stage", "Assessed")),
    (Stage.COMPLETED, pgettext_lazy("report stage", "Completed")),
    (Stage.CERTIFIED, pgettext_lazy("report stage", "Certified")),
)

STAGE_LABELS = dict(
    FUNNEL,
    **{
        Stage.COMPLETED_IN_PERIOD: _("Completed in the period"),
        Stage.PASSED: _("Passed"),
        Stage.CERTIFICATE_ISSUED: _("Certificate issued in the period"),
        Stage.CERTIFICATE_REVOKED: _("Certificate revoked in the period"),
    },
)


def _stage_conditions(filters: ReportFilters) -> dict[str, Q]:
    start, end = filters.period
    enrolled = Q(activated_at__gte=start, activated_at__lt=end)
    return {
        Stage.ENROLLED: enrolled,
        Stage.STARTED: enrolled & Q(last_activity_at__isnull=False),
        Stage.ASSESSED: enrolled & Q(assessed_at__isnull=False),
        Stage.COMPLETED: enrolled & Q(completed_at__isnull=False),
        Stage.CERTIFIED: enrolled & Q(certified_at__isnull=False),
    }


def students_behind_with_count(
    *, user, filters: ReportFilters, stage: str, assessment_id: int | None = None
) -> tuple[QuerySet, QuerySet]:
    """The enrolments behind one figure of the dashboard (a funnel stage, a month, an assessment…), as rows,
    and the same enrolments to count them by (see ``ROWS_COUNTED``)."""
    enrolments = report_enrolments(user=user, filters=filters)
    start, end = filters.period
    conditions = _stage_conditions(filters)
    if stage in conditions:
        condition = conditions[stage]
        if stage == Stage.ASSESSED and assessment_id:
            graded = Attempt.objects.filter(status=AttemptStatus.GRADED, assessment_id=assessment_id)
            condition = conditions[Stage.ENROLLED] & Q(pk__in=graded.values("enrolment_id"))
    elif stage == Stage.COMPLETED_IN_PERIOD:
        condition = Q(completed_at__gte=start, completed_at__lt=end)
    elif stage == Stage.PASSED:
        graded = Attempt.objects.filter(
            status=AttemptStatus.GRADED, passed=True, graded_at__gte=start, graded_at__lt=end
        )
        if assessment_id:
            graded = graded.filter(assessment_id=assessment_id)
        condition = Q(pk__in=graded.values("enrolment_id"))
    elif stage in (Stage.CERTIFICATE_ISSUED, Stage.CERTIFICATE_REVOKED):
        certificates = _certificates_in_period(filters, revoked=stage == Stage.CERTIFICATE_REVOKED)
        condition = Q(pk__in=certificates.values("enrolment_id"))
    else:
        return enrolments.none(), enrolments.none()
    chosen = enrolments.filter(condition)
    return student_rows(chosen), chosen


def _certificates_in_period(filters: ReportFilters, *, revoked: bool) -> QuerySet:
    start, end = filters.period
    if revoked:
        return Certificate.objects.filter(revoked_at__gte=start, revoked_at__lt=end)
    # A reissued certificate's replaced predecessor is not a second certificate.
    return Certificate.objects.filter(issued_at__gte=start, issued_at__lt=end).exclude(
        status=CertificateStatus.REPLACED
    )


def _current_certificate() -> FilteredRelation:
    """The enrolment's current certificate (valid, revoked, or on its way), joined: the database
    allows one that is not replaced per enrolment, so the join never repeats a row."""
    return FilteredRelation("certificates", condition=~Q(certificates__status=CertificateStatus.REPLACED))


def _with_certificate(enrolments: QuerySet) -> QuerySet:
    return enrolments.annotate(current=_current_certificate()).annotate(
        certificate_code=F("current__code"), certificate_status=F("current__status")
    )


STUDENT_ROW_FIELDS = (
    "pk",
    "status",
    "activated_at",
    "completed_at",
    "last_activity_at",
    "user__email",
    "user__first_name",
    "user__last_name",
    "user__name_native",
    "user__country",
    "user__service",
    "user__rank",
    "user__sponsoring_program__name",
    "course__title",
    "cohort__name",
)


# ROWS_COUNTED: a list's rows join the student, the course and the certificate for the columns they
# show; each joined row is one per enrolment (inner joins on required keys, and one current certificate
# per enrolment, a database constraint), so counting the enrolments alone gives the same number and
# spares the database those joins over every row of a long list (the page shows fifty).


def student_rows(enrolments: QuerySet) -> QuerySet:
    """Enrolments as the student lists show them: who, where from, which course, how far, which certificate."""
    return (
        _with_certificate(enrolments)
        .values(*STUDENT_ROW_FIELDS, "certificate_code", "certificate_status")
        .order_by("user__last_name", "user__first_name", "user__email", "pk")
    )


# Dashboard --------------------------------------------------------------------------------------


@dataclasses.dataclass
class FunnelStep:
    stage: str
    label: str
    count: int
    of_enrolled: float | None  # share of the enrolled, 0..1
    of_previous: float | None  # share of the stage before, 0..1


@dataclasses.dataclass
class Bucket:
    start: datetime.date
    end: datetime.date  # inclusive
    enrolled: int
    completed: int


@dataclasses.dataclass
class AssessmentResult:
    assessment_id: int
    title: str
    course_title: str
    attempts: int
    students: int
    passed: int
    mean_percent: float | None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.students if self.students else None


@dataclasses.dataclass
class Dashboard:
    funnel: list[FunnelStep]
    buckets: list[Bucket]
    granularity: str  # "day", "week" or "month"
    median_days_to_complete: float | None
    completions_in_period: int
    assessments: list[AssessmentResult]
    certificates_issued: int
    certificates_revoked: int

    @property
    def is_empty(self) -> bool:
        return not self.funnel[0].count and not self.completions_in_period and not self.certificates_issued


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _enrolled_by_bucket(*, user, filters: ReportFilters, granularity: str) -> dict[datetime.date, dict]:
    """The students who got a place in the period, per day, week or month, with how far they went.

    One grouped query over the enrolments alone: whether a student was assessed
    or holds a valid certificate is kept on the enrolment, so neither attempts nor
    certificates are joined, and on PostgreSQL the covering index of ``activated_at`` holds every column
    it counts (hence ``COUNT(*)``, not of the id). The funnel is the sum of the buckets (``_funnel``), so
    the dashboard reads these rows once for both.
    """
    start, end = filters.period
    bucket = _TRUNC[granularity]("activated_at", tzinfo=timezone.get_current_timezone())
    rows = (
        report_enrolments(user=user, filters=filters)
        .filter(activated_at__gte=start, activated_at__lt=end)
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            **{
                # COUNT of a column counts the rows where it is set.
                Stage.ENROLLED: Count("*"),
                Stage.STARTED: Count("last_activity_at"),
                Stage.ASSESSED: Count("assessed_at"),
                Stage.COMPLETED: Count("completed_at"),
                Stage.CERTIFIED: Count("certified_at"),
            }
        )
        .order_by()
    )
    return {_as_date(row.pop("bucket")): row for row in rows}


def _funnel(by_bucket: dict) -> list[FunnelStep]:
    """Enrolled → started → assessed → completed → certified: the sum of ``_enrolled_by_bucket``."""
    counts = {stage: sum(row[stage] for row in by_bucket.values()) for stage, _label in FUNNEL}
    steps, previous = [], None
    for stage, label in FUNNEL:
        count = counts[stage]
        steps.append(
            FunnelStep(
                stage=stage,
                label=str(label),
                count=count,
                of_enrolled=_ratio(count, counts[Stage.ENROLLED]),
                of_previous=None if previous is None else _ratio(count, previous),
            )
        )
        previous = count
    return steps


def granularity_for(filters: ReportFilters) -> str:
    days = (filters.end - filters.start).days + 1
    return "day" if days <= 31 else "week" if days <= 190 else "month"


def _bucket_start(day: datetime.date, granularity: str) -> datetime.date:
    if granularity == "week":
        return day - datetime.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _next_bucket(day: datetime.date, granularity: str) -> datetime.date:
    if granularity == "month":
        return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return day + datetime.timedelta(days=7 if granularity == "week" else 1)


_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def _completed_by_bucket(*, user, filters: ReportFilters, granularity: str) -> dict[datetime.date, int]:
    start, end = filters.period
    rows = (
        report_enrolments(user=user, filters=filters)
        .filter(completed_at__gte=start, completed_at__lt=end)
        .annotate(bucket=_TRUNC[granularity]("completed_at", tzinfo=timezone.get_current_timezone()))
        .values("bucket")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {_as_date(row["bucket"]): row["n"] for row in rows}


def _buckets(*, filters: ReportFilters, granularity: str, by_bucket: dict, completed: dict) -> list[Bucket]:
    """Places given and courses completed per day, week or month of the period (empty ones too)."""
    buckets, day = [], _bucket_start(filters.start, granularity)
    while day <= filters.end:
        following = _next_bucket(day, granularity)
        buckets.append(
            Bucket(
                start=max(day, filters.start),
                end=min(following - datetime.timedelta(days=1), filters.end),
                enrolled=by_bucket.get(day, {}).get(Stage.ENROLLED, 0),
                completed=completed.get(day, 0),
            )
        )
        day = following
    return buckets


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


class _Median(Aggregate):
    """PostgreSQL's median of a column, worked out in one pass of the aggregate."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def median_days_to_complete(*, user, filters: ReportFilters) -> float | None:
    """The median time from getting a place to completing, in days, over the completions of the period
    that have the date their place was given. PostgreSQL works it out in one query; elsewhere (the
    SQLite of ``make run``) the database sorts the durations and hands back the middle one or two."""
    start, end = filters.period
    completed = (
        report_enrolments(user=user, filters=filters)
        .filter(completed_at__gte=start, completed_at__lt=end, activated_at__isnull=False)
        .annotate(taken=F("completed_at") - F("activated_at"))
    )
    if connections[completed.db].vendor == "postgresql":
        median = completed.aggregate(median=_Median("taken"))["median"]
        return None if median is None else _seconds(median) / 86400
    count = completed.count()
    if not count:
        return None
    middle = list(completed.order_by("taken").values_list("taken", flat=True)[(count - 1) // 2 : count // 2 + 1])
    return sum(_seconds(value) for value in middle) / len(middle) / 86400


def _seconds(value) -> float:
    # PostgreSQL gives an interval (timedelta); SQLite microseconds.
    return value.total_seconds() if isinstance(value, datetime.timedelta) else value / 1_000_000


def assessment_results(*, user, filters: ReportFilters) -> list[AssessmentResult]:
    """Per assessment, over attempts graded in the period: attempts, students, who passed, mean score.

    Two queries: the counts grouped by the assessment's id alone (grouping by its
    titles would sort every attempt with them), then the titles of those few.
    """
    start, end = filters.period
    rows = list(
        _covered(
            Attempt.objects.filter(status=AttemptStatus.GRADED, graded_at__gte=start, graded_at__lt=end),
            user=user,
            filters=filters,
            enrolment="enrolment",
            student="user",
        )
        .values("assessment_id")
        .annotate(
            attempts=Count("*"),  # not the id: the covering index of graded attempts answers alone
            students=Count("user_id", distinct=True),
            passed=Count("user_id", filter=Q(passed=True), distinct=True),
            mean_percent=Avg("percent"),
        )
        .order_by()
    )
    titles = {
        row["pk"]: (row["course__title"], row["title"])
        for row in Assessment.objects.filter(pk__in=[row["assessment_id"] for row in rows]).values(
            "pk", "title", "course__title"
        )
    }
    results = [
        AssessmentResult(
            assessment_id=row["assessment_id"],
            title=titles[row["assessment_id"]][1],
            course_title=titles[row["assessment_id"]][0],
            attempts=row["attempts"],
            students=row["students"],
            passed=row["passed"],
            mean_percent=float(row["mean_percent"]) if row["mean_percent"] is not None else None,
        )
        for row in rows
    ]
    results.sort(key=lambda result: (result.course_title, result.title, result.assessment_id))
    return results


def certificates_in_period(*, user, filters: ReportFilters) -> tuple[int, int]:
    """Certificates issued (reissues not counted twice) and revoked in the period, in one query."""
    start, end = filters.period
    counts = _covered(
        Certificate.objects.all(), user=user, filters=filters, enrolment="enrolment", student="holder", course="course"
    ).aggregate(
        issued=Count("pk", filter=Q(issued_at__gte=start, issued_at__lt=end) & ~Q(status=CertificateStatus.REPLACED)),
        revoked=Count("pk", filter=Q(revoked_at__gte=start, revoked_at__lt=end)),
    )
    return counts["issued"], counts["revoked"]


def dashboard(*, user, filters: ReportFilters) -> Dashboard:
    """Every figure of the dashboard: six queries on PostgreSQL (seven elsewhere) whatever the size of the data,
    run side by side (``lms.core.db.reads_at_once``)."""
    granularity = granularity_for(filters)
    by_bucket, completed, (issued, revoked), median, assessments = reads_at_once(
        lambda: _enrolled_by_bucket(user=user, filters=filters, granularity=granularity),
        lambda: _completed_by_bucket(user=user, filters=filters, granularity=granularity),
        lambda: certificates_in_period(user=user, filters=filters),
        lambda: median_days_to_complete(user=user, filters=filters),
        lambda: assessment_results(user=user, filters=filters),
    )
    return Dashboard(
        funnel=_funnel(by_bucket),
        buckets=_buckets(filters=filters, granularity=granularity, by_bucket=by_bucket, completed=completed),
        granularity=granularity,
        median_days_to_complete=median,
        # Every completion of the period, as its chart and its list of students count them.
        completions_in_period=sum(completed.values()),
        assessments=assessments,
        certificates_issued=issued,
        certificates_revoked=revoked,
    )


# Completion by country and sponsoring program ----------------------------------------------------


def completion_by_country_and_program(*, user, filters: ReportFilters) -> QuerySet:
    """One row per country and sponsoring program of the students who got a place in the period:
    enrolled, still active, completed, withdrawn, certified. The report a sponsor asks for."""
    conditions = _stage_conditions(filters)
    return (
        report_enrolments(user=user, filters=filters)
        .filter(conditions[Stage.ENROLLED])
        .values("user__country", "user__sponsoring_program_id", "user__sponsoring_program__name")
        .annotate(
            enrolled=Count("pk"),
            active=Count("pk", filter=Q(status=EnrolmentStatus.ACTIVE)),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            withdrawn=Count("pk", filter=Q(status=EnrolmentStatus.WITHDRAWN)),
            certified=Count("pk", filter=Q(certified_at__isnull=False)),
        )
        .order_by("user__country", "user__sponsoring_program__name")
    )


# Cohort roster ------------------------------------------------------------------------------------


def roster_assessments(*, filters: ReportFilters) -> list[Assessment]:
    """The assessments of the cohort's course, each a pair of columns of the roster."""
    cohort = Cohort.objects.filter(pk=filters.cohort_id).only("course_id").first()
    if cohort is None:
        return []
    return list(Assessment.objects.filter(course_id=cohort.course_id).only("title").order_by("title", "pk"))


ROSTER_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN)


def cohort_roster(*, user, filters: ReportFilters, assessments: list[Assessment]) -> QuerySet:
    """Every student of the cohort (who holds or held a place: requests pending or refused are not
    students of it) with status, progress, best result per assessment and certificate.

    One query: progress, results and certificates are correlated subqueries of
    each enrolment (a cohort is hundreds of students, not hundreds of thousands).
    """
    if not filters.cohort_id:
        return Enrolment.objects.none()
    enrolments = enrolment_progress_annotate(
        report_enrolments(user=user, filters=filters).filter(status__in=ROSTER_STATUSES)
    )
    results = {}
    for assessment in assessments:
        graded = Attempt.objects.filter(
            enrolment=OuterRef("pk"), assessment_id=assessment.pk, status=AttemptStatus.GRADED
        ).order_by("-percent", "-pk")
        results[f"best_{assessment.pk}"] = Subquery(graded.values("percent")[:1])
        results[f"passed_{assessment.pk}"] = Subquery(graded.values("passed")[:1])
    return (
        _with_certificate(enrolments.annotate(**results))
        .values(*STUDENT_ROW_FIELDS, "progress_percent", "certificate_code", "certificate_status", *results)
        .order_by("user__last_name", "user__first_name", "user__email", "pk")
    )


# Students at risk --------------------------------------------------------------------------------


def students_at_risk_with_count(
    *, user, filters: ReportFilters, idle_days: int, pace_margin: int, today: datetime.date | None = None
) -> tuple[QuerySet, QuerySet]:
    """Active enrolments with no activity for ``idle_days`` days, or behind their cohort's pace.

    A cohort's pace is the share of its weeks that have passed; a student is
    behind when the share of the required modules they have completed trails it
    by more than ``pace_margin`` percentage points. The expected share is worked
    out per cohort (a few hundred rows) and handed to the database as a CASE, so
    the one query over the enrolments stays in SQL. Returns the rows, and the
    same enrolments to count them by (see ``ROWS_COUNTED``).
    """
    today = today or timezone.localdate()
    now = timezone.now()
    idle_since = now - datetime.timedelta(days=idle_days)
    enrolments = report_enrolments(user=user, filters=filters).filter(status=EnrolmentStatus.ACTIVE)
    required = {course_id: ids for course_id, ids in required_module_ids().items() if ids}
    cohorts = Cohort.objects.filter(starts_on__lte=today)
    if filters.cohort_id:
        cohorts = cohorts.filter(pk=filters.cohort_id)
    elif filters.course_id:
        cohorts = cohorts.filter(course_id=filters.course_id)
    # One WHEN per value, not per cohort or course: most cohorts have ended (100 %) and most courses
    # share a length, so the statement the database plans (and Django writes) stays short.
    by_pace: dict[int, list[int]] = {}
    for pk, starts_on, ends_on in cohorts.values_list("pk", "starts_on", "ends_on"):
        length = max((ends_on - starts_on).days, 1)
        share = min(max((today - starts_on).days / length, 0.0), 1.0)
        by_pace.setdefault(round(share * 100), []).append(pk)
    expected = [When(cohort_id__in=pks, then=Value(pace)) for pace, pks in sorted(by_pace.items())]
    by_length: dict[int, list[int]] = {}
    for course_id, ids in required.items():
        by_length.setdefault(len(ids), []).append(course_id)
    total = Case(
        *(When(course_id__in=pks, then=Value(length)) for length, pks in sorted(by_length.items())),
        default=Value(0),
        output_field=IntegerField(),
    )
    # No cohort under way sets a pace: nobody is behind.
    expected_percent = (
        Case(*expected, default=Value(None), output_field=IntegerField())
        if expected
        else Value(None, output_field=IntegerField())
    )
    # The idle clock starts when the place was given, or when the cohort started if that was later:
    # a student placed weeks before their cohort begins is waiting, not idle.
    idle_before = (today - datetime.timedelta(days=idle_days)).isoformat()
    idle = Q(last_activity_at__lt=idle_since) | (
        Q(last_activity_at__isnull=True, activated_at__lt=idle_since)
        & (Q(cohort__isnull=True) | Q(cohort__starts_on__lte=idle_before))
    )
    annotated = enrolments.annotate(
        required_total=total,
        expected_percent=expected_percent,
    ).annotate(
        progress_percent=Case(
            # As the roster shows it: nothing required and not completed yet is 0 %.
            When(required_total=0, then=Value(0)),
            # Rounded as the roster and the enrolment screens round it (integer division would show 66 for 2 of 3).
            # Kept on the enrolment (courses.facts): counting progress rows per student was the slow part.
            default=Cast(Round(F("required_modules_done") * 100.0 / F("required_total")), IntegerField()),
            output_field=IntegerField(),
        )
    )
    # A course with no required module sets no pace to fall behind.
    behind = Q(
        expected_percent__isnull=False,
        required_total__gt=0,
        progress_percent__lt=F("expected_percent") - pace_margin,
    )
    at_risk = annotated.filter(idle | behind)
    rows = (
        at_risk.annotate(
            idle=Case(When(idle, then=Value(True)), default=Value(False)),
            behind=Case(When(behind, then=Value(True)), default=Value(False)),
        )
        .values(*STUDENT_ROW_FIELDS, "progress_percent", "expected_percent", "idle", "behind")
        .order_by("last_activity_at", "user__last_name", "user__first_name", "pk")
    )
    return rows, at_risk


# Assessment analysis -------------------------------------------------------------------------------


def assessment_list_for_reports(*, filters: ReportFilters) -> QuerySet:
    assessments = Assessment.objects.select_related("course").only("title", "course__title")
    if filters.course_id:
        assessments = assessments.filter(course_id=filters.course_id)
    return assessments.order_by("course__title", "title", "pk")


def assessment_analysis(*, user, filters: ReportFilters, assessment_id: int):
    """Per question of one assessment: difficulty, discrimination and option choices, over the
    attempts of the students in scope that match the filters and were submitted in the period."""
    assessment = assessment_list_for_reports(filters=filters).filter(pk=assessment_id).first()
    if assessment is None:
        return None, []
    start, end = filters.period
    condition = report_condition(
        user=user,
        filters=filters,
        enrolment="attempt__enrolment",
        student="attempt__user",
    )
    if condition is None:
        return assessment, []
    condition &= Q(attempt__submitted_at__gte=start, attempt__submitted_at__lt=end)
    return assessment, question_statistics(assessment_id=assessment.pk, attempts=condition)


def certificate_url(code: str | None) -> str:
    return certificate_verify_url(code) if code else ""
