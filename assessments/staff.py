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
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, NullIf

from courses.api import CoursePage, EnrolmentStatus, ModulePage, source_only
from lms.accounts.api import Role, User, user_has_role
from lms.core.db import reads_at_once

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
    # The sources: a translation lends its words, never has banks, assessments or results of its own.
    courses = source_only(CoursePage.objects.only("title", "path", "depth")).order_by("title", "pk")
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


def assessment_course_taken_in(*, assessment_id: int) -> int | None:
    """The course (as stored, whatever revision an editor is looking at) of an assessment some student has
    started, or None when nobody has: its attempts belong to places in that course."""
    return (
        Assessment.objects.filter(pk=assessment_id, attempts__isnull=False).values_list("course_id", flat=True).first()
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


# The statistics read each answered question of the assessment twice, whatever its size: once
# for the sums (each row's values worked out once, in the derived table, then summed), once for
# the options chosen (a single answer as one chosen option, a multiple answer as several). The
# outer statements are written here because the ORM would repeat each row's expressions in every
# sum, and cannot turn an array into rows; their inner queries are built by the ORM.
_SUMS = """
    SELECT m.qid, COUNT(*), SUM(m.answered), COUNT(m.earned), SUM(m.earned),
        SUM(CASE WHEN m.earned IS NOT NULL AND m.rest IS NOT NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN m.rest IS NOT NULL THEN m.earned END),
        SUM(CASE WHEN m.earned IS NOT NULL THEN m.rest END),
        SUM(m.earned * m.rest),
        SUM(CASE WHEN m.rest IS NOT NULL THEN m.earned * m.earned END),
        SUM(CASE WHEN m.earned IS NOT NULL THEN m.rest * m.rest END),
        MAX(m.id)
    FROM ({rows}) m GROUP BY m.qid
"""
_CHOSEN = {
    "postgresql": """
        SELECT c.qid, chosen.value, COUNT(*) FROM ({rows}) c
        CROSS JOIN LATERAL jsonb_array_elements_text(
            CASE WHEN c.kind = 'multiple' THEN c.answer->'options' ELSE jsonb_build_array(c.answer->'option') END
        ) AS chosen(value)
        GROUP BY 1, 2
    """,
    "sqlite": """
        SELECT c.qid, chosen.value, COUNT(*) FROM ({rows}) c,
        json_each(c.answer, CASE WHEN c.kind = 'multiple' THEN '$.options' ELSE '$' END) AS chosen
        WHERE c.kind = 'multiple' OR chosen.key = 'option'
        GROUP BY 1, 2
    """,
}


def _fetch(statement: str, rows: QuerySet) -> list[tuple]:
    sql, params = rows.query.sql_with_params()
    if connection.vendor == "postgresql":
        # OFFSET 0 keeps PostgreSQL from merging the inner query into the outer one, which would
        # work each row's values out again in every sum (measured: twice as long).
        sql += " OFFSET 0"
    with connection.cursor() as cursor:
        cursor.execute(statement.format(rows=sql), params)
        return cursor.fetchall()


def question_statistics_for_assessment(
    *, user, assessment_id: int
) -> tuple[Assessment, list[QuestionStatistic]] | None:
    """Per question (by the question id in the attempts' snapshots): responses, difficulty, discrimination, options.

    Difficulty is the mean fraction of the question's points earned.
    Discrimination is the correlation (Pearson's r; the point-biserial for a
    right-or-wrong question) between the fraction earned on the question and
    the fraction earned on the rest of the test, over graded attempts. Counted
    over submitted and graded attempts. Four queries whatever the number of
    attempts: the assessment, the sums per question, the count of each option
    chosen (single, true/false and multiple choice), and one snapshot per
    question for its wording.
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
        .order_by()
    )
    if attempts is not None:
        items = items.filter(attempts)
    measured = items.annotate(
        answered=Case(When(answer__isnull=False, then=Value(1)), default=Value(0), output_field=IntegerField()),
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
    ).values("id", "qid", "answered", "earned", "rest")
    names = ("qid", "presented", "responses", "graded", "sum_earned", "n", "sx", "sy", "sxy", "sxx", "syy", "last")
    answers = items.filter(
        answer__isnull=False,
        snapshot__type__in=(QuestionType.SINGLE, QuestionType.TRUE_FALSE, QuestionType.MULTIPLE),
    ).values("qid", "answer", kind=KT("snapshot__type"))
    choices_statement = _CHOSEN[connection.vendor]
    # Two passes over the answers, side by side on PostgreSQL.
    sums, choices = reads_at_once(lambda: _fetch(_SUMS, measured), lambda: _fetch(choices_statement, answers))
    by_question = {row[0]: dict(zip(names, row, strict=True)) for row in sums}
    chosen = Counter()
    for qid, option, count in choices:
        chosen[(qid, str(option))] += count
    # The wording and options as most recently asked stand for the question.
    representatives = {
        item.qid: item.snapshot
        for item in AttemptQuestion.objects.annotate(qid=Cast(KT("snapshot__question_id"), IntegerField())).filter(
            pk__in=[row["last"] for row in by_question.values()]
        )
    }
    type_labels = dict(QuestionType.choices)
    statistics = []
    for qid, row in by_question.items():
        snapshot = representatives.get(qid, {})
        options = [
            OptionStatistic(
                # A translated attempt keeps the source's text beside its own: statistics speak the source's.
                text=option.get("source_text", option["text"]),
                is_correct=option["is_correct"],
                chosen=chosen[(qid, str(option["id"]))],
                share=chosen[(qid, str(option["id"]))] / row["responses"] if row["responses"] else None,
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
