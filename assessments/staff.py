"""Reads for the staff's admin screens: question banks, the grading queue, attempts, gradebooks, statistics.

Every selector starts from the courses the person teaches
(``course_list_taught_by``): instructors see their courses only,
administrators every course, anyone else nothing. Each issues a fixed number
of queries whatever the number of students, attempts or questions.
"""

import dataclasses
import math
from collections import Counter
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, NullIf

from courses.api import CoursePage, EnrolmentStatus, ModulePage
from lms.accounts.api import Role, User, user_has_role

from .models import (
    Assessment,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    GradeChange,
    GradeRule,
    Question,
    QuestionCategory,
    QuestionType,
)

# Students who hold or held a place: the gradebook's rows.
GRADEBOOK_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


# Scope ----------------------------------------------------------------------


def user_may_teach(*, user) -> bool:
    """Instructors and administrators use the assessment screens; program managers and students do not."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user_has_role(user=user, role=Role.INSTRUCTOR)


def course_list_taught_by(*, user) -> QuerySet:
    """Courses whose banks, assessments and results this person may see: all for administrators."""
    courses = CoursePage.objects.only("title", "path", "depth").order_by("title", "pk")
    if not user_may_teach(user=user):
        return courses.none()
    if user.is_superuser:
        return courses
    return courses.filter(instructors=user)


def module_list_taught_by(*, user) -> QuerySet:
    """Modules of the courses this person teaches, in tree order (an assessment may be on one of them)."""
    paths = list(course_list_taught_by(user=user).values_list("path", flat=True))
    if not paths:
        return ModulePage.objects.none()
    return (
        ModulePage.objects.filter(reduce(or_, (Q(path__startswith=path) for path in paths)))
        .only("title", "path", "depth")
        .order_by("path")
    )


def question_list_for_staff(*, user) -> QuerySet:
    """Questions of the banks of the courses this person teaches, with course and category."""
    return Question.objects.filter(course__in=course_list_taught_by(user=user).values("pk")).select_related(
        "course", "category"
    )


def category_list_for_staff(*, user) -> QuerySet:
    """Question categories of the courses this person teaches."""
    return (
        QuestionCategory.objects.filter(course__in=course_list_taught_by(user=user).values("pk"))
        .select_related("course")
        .order_by("course__title", "name")
    )


def assessment_list_for_staff(*, user) -> QuerySet:
    """Assessments of the courses this person teaches, with course and module."""
    return Assessment.objects.filter(course__in=course_list_taught_by(user=user).values("pk")).select_related(
        "course", "module"
    )


def question_for_staff(*, user, question_id: int) -> Question | None:
    """A question of a course this person teaches, or None."""
    return question_list_for_staff(user=user).filter(pk=question_id).first()


def answer_count_for_question(*, question_id: int) -> int:
    """Submitted answers to this question: what a regrade would look at."""
    return (
        AttemptQuestion.objects.filter(question_id=question_id)
        .exclude(attempt__status=AttemptStatus.IN_PROGRESS)
        .count()
    )


# Grading queue ----------------------------------------------------------------


def essay_queue_for_staff(*, user, course_id: int | None = None) -> QuerySet:
    """Submitted essays awaiting points in this person's courses, oldest submission first."""
    queue = AttemptQuestion.objects.filter(
        attempt__assessment__course__in=course_list_taught_by(user=user).values("pk"),
        attempt__status=AttemptStatus.SUBMITTED,
        points_awarded__isnull=True,
        snapshot__type=QuestionType.ESSAY,
    )
    if course_id is not None:
        queue = queue.filter(attempt__assessment__course_id=course_id)
    return queue.select_related("attempt__assessment__course", "attempt__user").order_by(
        "attempt__submitted_at", "attempt_id", "position"
    )


def essay_for_staff(*, user, attempt_question_id: int) -> AttemptQuestion | None:
    """One essay answer of a submitted attempt in this person's courses (graded or not), or None."""
    return (
        AttemptQuestion.objects.filter(
            pk=attempt_question_id,
            attempt__assessment__course__in=course_list_taught_by(user=user).values("pk"),
            snapshot__type=QuestionType.ESSAY,
        )
        .exclude(attempt__status=AttemptStatus.IN_PROGRESS)
        .select_related("attempt__assessment__course", "attempt__user", "graded_by")
        .first()
    )


# Attempts ---------------------------------------------------------------------


def attempt_detail_for_staff(*, user, attempt_id: int) -> Attempt | None:
    """An attempt of a course this person teaches, with its questions and every change of their grades.

    Three queries: the attempt, its questions, their grade changes (with who made them).
    """
    return (
        Attempt.objects.filter(pk=attempt_id, assessment__course__in=course_list_taught_by(user=user).values("pk"))
        .select_related("assessment__course", "user")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=AttemptQuestion.objects.select_related("graded_by")
                .prefetch_related(
                    Prefetch(
                        "grade_changes",
                        queryset=GradeChange.objects.select_related("changed_by").order_by("at", "pk"),
                    )
                )
                .order_by("position"),
            )
        )
        .first()
    )


# Gradebook ----------------------------------------------------------------------


@dataclasses.dataclass
class GradebookCell:
    """The score that counts for one student and assessment (per the assessment's grade rule)."""

    attempt_id: int | None = None
    percent: Decimal | None = None
    passed: bool | None = None
    attempts: int = 0
    awaiting_grading: int = 0


@dataclasses.dataclass
class GradebookRow:
    student: User
    cells: list[GradebookCell]


@dataclasses.dataclass
class Gradebook:
    course: CoursePage
    assessments: list[Assessment]
    rows: list[GradebookRow]


def _counted_attempt(order: tuple[str, ...]) -> QuerySet:
    return Attempt.objects.filter(
        assessment_id=OuterRef("assessment_id"), user_id=OuterRef("user_id"), status=AttemptStatus.GRADED
    ).order_by(*order)


def _by_rule(field: str, output_field) -> Case:
    """The field of the attempt that counts: the best (highest percent, then latest) or the latest graded."""
    best = Subquery(_counted_attempt(("-percent", "-number")).values(field)[:1], output_field=output_field)
    latest = Subquery(_counted_attempt(("-number",)).values(field)[:1], output_field=output_field)
    return Case(When(assessment__grade_rule=GradeRule.BEST, then=best), default=latest, output_field=output_field)


def gradebook_for_course(*, user, course_id: int) -> Gradebook | None:
    """Students with a place by the course's assessments, each cell the score that counts, or None.

    Four queries whatever the number of students and attempts: the course, its
    assessments, its students, and one aggregate over the attempts grouped by
    assessment and student (the counted attempt picked in SQL per grade rule).
    """
    course = course_list_taught_by(user=user).filter(pk=course_id).first()
    if course is None:
        return None
    assessments = list(
        Assessment.objects.filter(course_id=course_id)
        .only("title", "grade_rule", "pass_mark_percent", "module_id", "course_id")
        .order_by("module__path", "title", "pk")
    )
    students = list(
        User.objects.filter(enrolments__course_id=course_id, enrolments__status__in=GRADEBOOK_STATUSES)
        .only("first_name", "last_name", "email", "name_native", "country")
        .order_by("last_name", "first_name", "email", "pk")
    )
    results = (
        Attempt.objects.filter(assessment__course_id=course_id)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .values("assessment_id", "user_id")
        .annotate(
            attempts=Count("pk"),
            awaiting=Count("pk", filter=Q(status=AttemptStatus.SUBMITTED)),
            counted_id=_by_rule("pk", Attempt._meta.pk),
            counted_percent=_by_rule("percent", DecimalField(max_digits=5, decimal_places=2)),
            counted_passed=_by_rule("passed", Attempt._meta.get_field("passed")),
        )
        .order_by()
    )
    cells = {
        (row["assessment_id"], row["user_id"]): GradebookCell(
            attempt_id=row["counted_id"],
            percent=row["counted_percent"],
            passed=row["counted_passed"],
            attempts=row["attempts"],
            awaiting_grading=row["awaiting"],
        )
        for row in results
    }
    rows = [
        GradebookRow(
            student=student,
            cells=[cells.get((assessment.pk, student.pk), GradebookCell()) for assessment in assessments],
        )
        for student in students
    ]
    return Gradebook(course=course, assessments=assessments, rows=rows)


# Statistics ---------------------------------------------------------------------


@dataclasses.dataclass
class OptionStatistic:
    text: str
    is_correct: bool
    chosen: int
    share: float | None  # of the responses to the question


@dataclasses.dataclass
class QuestionStatistic:
    question_id: int
    title: str
    type: str
    type_label: str
    presented: int  # submitted attempts that asked it
    responses: int  # of which answered
    graded: int
    difficulty: float | None  # mean fraction of the points earned (1.0: everyone got it right)
    discrimination: float | None  # correlation with the rest of the test, -1..1
    options: list[OptionStatistic]


def _correlation(n, sx, sy, sxy, sxx, syy) -> float | None:
    """Pearson's r from sums (the point-biserial when the question is right or wrong)."""
    if n is None or n < 2:
        return None
    numerator = n * sxy - sx * sy
    spread = (n * sxx - sx * sx) * (n * syy - sy * sy)
    if spread <= 1e-12:
        return None  # everyone scored the same on the question or on the rest: it separates nobody
    return max(-1.0, min(1.0, numerator / math.sqrt(spread)))


# Each chosen option of a multiple-choice answer as a row of its own, counted by the database.
_MULTIPLE_CHOICE_COUNTS = {
    "postgresql": (
        "SELECT (aq.snapshot->>'question_id')::integer, chosen.value, COUNT(*) "
        "FROM assessments_attemptquestion aq "
        "CROSS JOIN LATERAL jsonb_array_elements_text(aq.answer->'options') AS chosen(value) "
        "WHERE aq.id IN ({items}) GROUP BY 1, 2"
    ),
    "sqlite": (
        "SELECT CAST(json_extract(aq.snapshot, '$.question_id') AS integer), chosen.value, COUNT(*) "
        "FROM assessments_attemptquestion aq, json_each(aq.answer, '$.options') AS chosen "
        "WHERE aq.id IN ({items}) GROUP BY 1, 2"
    ),
}


def _multiple_choice_counts(items: QuerySet) -> Counter:
    """How often each option of each multiple-choice question was chosen: {(question id, option id): n}."""
    sql, params = items.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_MULTIPLE_CHOICE_COUNTS[connection.vendor].format(items=sql), params)
        return Counter({(qid, str(option)): count for qid, option, count in cursor.fetchall()})


def question_statistics_for_assessment(
    *, user, assessment_id: int
) -> tuple[Assessment, list[QuestionStatistic]] | None:
    """Per question (by the question id in the attempts' snapshots): responses, difficulty, discrimination, options.

    Difficulty is the mean fraction of the question's points earned.
    Discrimination is the correlation (Pearson's r; the point-biserial for a
    right-or-wrong question) between the fraction earned on the question and
    the fraction earned on the rest of the test, over graded attempts. Counted
    over submitted and graded attempts. Five queries whatever the number of
    attempts: the assessment, one aggregate per question, one count per chosen
    option (single choice and true/false), the multiple-choice answers, and one
    snapshot per question for its wording.
    """
    assessment = assessment_list_for_staff(user=user).filter(pk=assessment_id).first()
    if assessment is None:
        return None
    return assessment, question_statistics(assessment_id=assessment_id)


def question_statistics(*, assessment_id: int, attempts: Q | None = None) -> list[QuestionStatistic]:
    """Per question of the assessment, over its submitted and graded attempts (those matching
    ``attempts``, a condition on AttemptQuestion, when given: the reports pass a program
    manager's students and a period, having decided who may see what)."""
    points = Cast(KT("snapshot__points"), FloatField())
    items = (
        AttemptQuestion.objects.filter(attempt__assessment_id=assessment_id)
        .exclude(attempt__status=AttemptStatus.IN_PROGRESS)
        .annotate(qid=Cast(KT("snapshot__question_id"), IntegerField()))
    )
    if attempts is not None:
        items = items.filter(attempts)
    measured = items.annotate(
        earned=Cast("points_awarded", FloatField()) / NullIf(points, Value(0.0)),
        # The rest of the test: the attempt's score without this question, as a fraction of what
        # the rest was worth; none for an attempt not graded yet or a test of one question.
        rest=Case(
            When(
                attempt__status=AttemptStatus.GRADED,
                then=(Cast("attempt__score", FloatField()) - Cast("points_awarded", FloatField()))
                / NullIf(Cast("attempt__max_score", FloatField()) - points, Value(0.0)),
            ),
            output_field=FloatField(),
        ),
    )
    paired = Q(earned__isnull=False, rest__isnull=False)
    aggregates = (
        measured.values("qid")
        .annotate(
            presented=Count("pk"),
            responses=Count("pk", filter=Q(answer__isnull=False)),
            graded=Count("pk", filter=Q(earned__isnull=False)),
            sum_earned=Sum("earned"),
            n=Count("pk", filter=paired),
            sx=Sum("earned", filter=paired),
            sy=Sum("rest", filter=paired),
            sxy=Sum(F("earned") * F("rest"), filter=paired),
            sxx=Sum(F("earned") * F("earned"), filter=paired),
            syy=Sum(F("rest") * F("rest"), filter=paired),
        )
        .order_by()
    )
    by_question = {row["qid"]: row for row in aggregates}
    single_counts = Counter()
    for row in (
        items.filter(snapshot__type__in=(QuestionType.SINGLE, QuestionType.TRUE_FALSE), answer__isnull=False)
        .annotate(option=KT("answer__option"))
        .values("qid", "option")
        .annotate(chosen=Count("pk"))
        .order_by()
    ):
        single_counts[(row["qid"], str(row["option"]))] += row["chosen"]
    multiple_counts = _multiple_choice_counts(
        items.filter(snapshot__type=QuestionType.MULTIPLE, answer__isnull=False).values("pk")
    )
    # The wording and options as most recently asked stand for the question.
    # (One grouped MAX, not a subquery per row: an assessment taken 30,000 times asks 250,000 questions.)
    representatives = {
        item.qid: item.snapshot
        for item in AttemptQuestion.objects.annotate(qid=Cast(KT("snapshot__question_id"), IntegerField())).filter(
            pk__in=items.order_by().values("qid").annotate(last=Max("pk")).values("last")
        )
    }
    type_labels = dict(QuestionType.choices)
    statistics = []
    for qid, row in by_question.items():
        snapshot = representatives.get(qid, {})
        counts = multiple_counts if snapshot.get("type") == QuestionType.MULTIPLE else single_counts
        options = [
            OptionStatistic(
                text=option["text"],
                is_correct=option["is_correct"],
                chosen=counts[(qid, str(option["id"]))],
                share=counts[(qid, str(option["id"]))] / row["responses"] if row["responses"] else None,
            )
            for option in snapshot.get("options", [])
        ]
        statistics.append(
            QuestionStatistic(
                question_id=qid,
                title=snapshot.get("title", ""),
                type=snapshot.get("type", ""),
                type_label=str(type_labels.get(snapshot.get("type"), "")),
                presented=row["presented"],
                responses=row["responses"],
                graded=row["graded"],
                difficulty=row["sum_earned"] / row["graded"]
                if row["graded"] and row["sum_earned"] is not None
                else None,
                discrimination=_correlation(row["n"], row["sx"], row["sy"], row["sxy"], row["sxx"], row["syy"]),
                options=options,
            )
        )
    statistics.sort(key=lambda statistic: (statistic.title.casefold(), statistic.question_id))
    return statistics
