"""Reads for the student side of assessments: what a student may take, their attempts, and their review.

Everything a student's browser receives about a question before the attempt
is graded goes through ``question_for_student`` (``grading.student_view``):
correct options, accepted answers, the number, explanations, option feedback
and the rubric never leave the server before then. ``attempt_review`` decides,
per the assessment's feedback policy, what a graded attempt may show.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from wagtail.images import get_image_model

from courses.api import EnrolmentStatus, enrolment_get, titles_in_language

from .grading import is_correct, student_view
from .models import Assessment, Attempt, AttemptQuestion, AttemptStatus, FeedbackPolicy, QuestionType
from .services import DEADLINE_GRACE
from .translation import assessment_titles, language_direction

IMAGE_SPEC = "max-800x600"
PLACE_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


def assessment_get_for_student(*, assessment_id: int) -> Assessment | None:
    """An assessment of a published course (and, for a module's, a published module), or None."""
    return (
        Assessment.objects.select_related("course", "module")
        .filter(pk=assessment_id, course__live=True)
        .filter(Q(module__isnull=True) | Q(module__live=True))
        .first()
    )


def assessment_get_for_start(*, assessment_id: int) -> Assessment | None:
    """``assessment_get_for_student`` without reading the course and module pages (a start needs neither)."""
    return (
        Assessment.objects.filter(pk=assessment_id, course__live=True)
        .filter(Q(module__isnull=True) | Q(module__live=True))
        .order_by()
        .first()
    )


def student_holds_place(*, user, course_id: int) -> bool:
    """Only students with an active or completed place take a course's assessments."""
    enrolment = enrolment_get(user=user, course_id=course_id)
    return enrolment is not None and enrolment.status in PLACE_STATUSES


def attempt_list_for_assessment(*, user, assessment_id: int) -> list[Attempt]:
    """The student's attempts at one assessment, the first one first."""
    return list(Attempt.objects.filter(user=user, assessment_id=assessment_id).order_by("number"))


def attempt_get_for_student(*, user, attempt_id: int, with_course: bool = True) -> Attempt | None:
    """The student's own attempt with its assessment (and course); None for another student's (ids reveal nothing).

    ``with_course=False`` for pages that never show the course: reading a
    course page's row costs more than the rest of the query.
    """
    if not user.is_authenticated:
        return None
    related = ("assessment", "assessment__course") if with_course else ("assessment",)
    return Attempt.objects.select_related(*related).filter(pk=attempt_id, user_id=user.pk).order_by().first()


def attempt_is_overdue(*, attempt: Attempt, now=None) -> bool:
    """An open attempt whose deadline (and the grace for answers in flight) has passed."""
    now = now or timezone.now()
    return (
        attempt.status == AttemptStatus.IN_PROGRESS
        and attempt.deadline is not None
        and now > attempt.deadline + DEADLINE_GRACE
    )


def attempt_seconds_left(*, attempt: Attempt, now=None) -> int | None:
    """Seconds until the deadline, rounded up (a countdown reaching zero is never early), or None without one."""
    if attempt.deadline is None:
        return None
    now = now or timezone.now()
    return max(0, math.ceil((attempt.deadline - now).total_seconds()))


def attempt_navigation(*, attempt: Attempt) -> list[dict]:
    """Every question's position and whether it has an answer, without reading the questions themselves."""
    rows = AttemptQuestion.objects.filter(attempt=attempt).order_by("position").values_list("position", "answer")
    return [{"position": position, "answered": answer is not None} for position, answer in rows]


class _AnswerFields:
    """The stored answer's text and number, for the templates (``answer`` is set by the dataclass)."""

    answer: dict | None

    @property
    def text(self) -> str:
        return (self.answer or {}).get("text", "")

    @property
    def number(self) -> str:
        return (self.answer or {}).get("number", "")


@dataclass
class StudentQuestion(_AnswerFields):
    """A question as the student may see it before grading, with their saved answer."""

    position: int
    type: str
    prompt: str
    points: Decimal
    options: list[dict]
    answer: dict | None
    answered_at: object
    image: object = None
    chosen: set = field(default_factory=set)
    language: str = ""  # the language of the wording (the attempt's, or the source's when untranslated)

    @property
    def answered(self) -> bool:
        return self.answer is not None

    @property
    def direction(self) -> str:
        return language_direction(self.language)


def question_for_student(item: AttemptQuestion, images: dict) -> StudentQuestion:
    view = student_view(item.snapshot)
    answer = item.answer
    chosen = set()
    if answer:
        chosen = set(answer.get("options", [])) | ({answer["option"]} if "option" in answer else set())
    return StudentQuestion(
        position=item.position,
        type=view["type"],
        prompt=view["prompt"],
        points=Decimal(view["points"]),
        options=view["options"],
        answer=answer,
        answered_at=item.answered_at,
        image=images.get(view["image_id"]),
        chosen=chosen,
        language=view["language"],
    )


def _images_for(items) -> dict:
    ids = {item.snapshot.get("image_id") for item in items} - {None}
    if not ids:
        return {}
    return {image.pk: image for image in get_image_model().objects.filter(pk__in=ids).prefetch_renditions(IMAGE_SPEC)}


def attempt_page_for_student(*, attempt: Attempt, position: int | None = None) -> tuple[list[dict], list]:
    """The question list (every position, answered or not) and the questions shown, from one read.

    ``position``: the one question shown, or None for all; a position the
    attempt does not have shows none. Two queries at most whatever the number
    of questions: the questions, and their images with renditions if any.
    """
    items = list(AttemptQuestion.objects.filter(attempt=attempt).order_by("position"))
    navigation = [{"position": item.position, "answered": item.answer is not None} for item in items]
    shown = [item for item in items if position is None or item.position == position]
    images = _images_for(shown)
    return navigation, [question_for_student(item, images) for item in shown]


def review_visible(*, attempt: Attempt, now=None) -> bool:
    """Whether a graded attempt may show correctness, correct answers and explanations (the feedback policy).

    Never before the attempt is graded; "after close" needs a closing date that has passed.
    """
    if attempt.status != AttemptStatus.GRADED:
        return False
    policy = attempt.assessment.feedback_policy
    if policy == FeedbackPolicy.IMMEDIATE:
        return True
    if policy == FeedbackPolicy.AFTER_CLOSE:
        closes_at = attempt.assessment.closes_at
        return closes_at is not None and (now or timezone.now()) >= closes_at
    return False


@dataclass
class ReviewedQuestion(_AnswerFields):
    """One question of a graded attempt with what the feedback policy allows the student to see."""

    position: int
    type: str
    prompt: str
    points: Decimal
    points_awarded: Decimal | None
    correct: bool | None
    options: list[dict]
    answer: dict | None
    accepted_answers: list[str]
    numeric_answer: str | None
    numeric_tolerance: str | None
    explanation: str
    grader_feedback: str
    image: object = None
    language: str = ""

    @property
    def direction(self) -> str:
        return language_direction(self.language)

    @property
    def is_essay(self) -> bool:
        return self.type == QuestionType.ESSAY

    @property
    def verdict(self) -> str:
        """ "correct", "partly", "incorrect", or "pending" for an essay not graded yet."""
        if self.points_awarded is None:
            return "pending"
        if self.correct:
            return "correct"
        return "partly" if self.points_awarded > 0 else "incorrect"


def attempt_review(*, attempt: Attempt) -> list[ReviewedQuestion]:
    """The questions of a graded attempt with their key, explanations and option feedback.

    Call only when ``review_visible`` says so: this hands out the answers.
    """
    items = list(AttemptQuestion.objects.filter(attempt=attempt).order_by("position"))
    images = _images_for(items)
    reviewed = []
    for item in items:
        snapshot, answer = item.snapshot, item.answer or {}
        chosen = set(answer.get("options", [])) | ({answer["option"]} if "option" in answer else set())
        options = [
            {
                "id": o["id"],
                "text": o["text"],
                "is_correct": o["is_correct"],
                "chosen": o["id"] in chosen,
                "feedback": o["feedback"] if o["id"] in chosen else "",
            }
            for o in snapshot["options"]
        ]
        numeric = snapshot["type"] == QuestionType.NUMERIC
        reviewed.append(
            ReviewedQuestion(
                position=item.position,
                type=snapshot["type"],
                prompt=snapshot["prompt"],
                points=Decimal(snapshot["points"]),
                points_awarded=item.points_awarded,
                correct=is_correct(snapshot, item.points_awarded),
                options=options,
                answer=item.answer,
                accepted_answers=(
                    snapshot.get("accepted_answers_shown", snapshot["accepted_answers"])
                    if snapshot["type"] == QuestionType.SHORT_ANSWER
                    else []
                ),
                numeric_answer=snapshot["numeric_answer"] if numeric else None,
                numeric_tolerance=(
                    snapshot["numeric_tolerance"] if numeric and Decimal(snapshot["numeric_tolerance"]) else None
                ),
                explanation=snapshot["explanation"],
                grader_feedback=item.grader_feedback,
                image=images.get(snapshot["image_id"]),
                language=snapshot.get("language", settings.LANGUAGE_CODE),
            )
        )
    return reviewed


def attempt_essay_feedback(*, attempt: Attempt) -> list[dict]:
    """Graders' feedback on the attempt's graded essays: shown whatever the feedback policy, it holds no key."""
    rows = (
        AttemptQuestion.objects.filter(attempt=attempt, graded_by__isnull=False)
        .exclude(grader_feedback="")
        .order_by("position")
        .values("position", "points_awarded", "snapshot__points", "grader_feedback")
    )
    return [
        {
            "position": row["position"],
            "points_awarded": row["points_awarded"],
            "points": Decimal(row["snapshot__points"]),
            "feedback": row["grader_feedback"],
        }
        for row in rows
    ]


def assessment_statuses_for_course(*, user, course_id: int, language: str | None = None) -> list[dict] | None:
    """The course's assessments with this student's standing on each, as plain data (cached by the caller).

    None when the student holds no active or completed place. Times stay as
    values so that "opens on" and "closed" are worked out when shown.
    """
    if not student_holds_place(user=user, course_id=course_id):
        return None
    assessments = list(
        Assessment.objects.filter(course_id=course_id, items__isnull=False)
        .filter(Q(module__isnull=True) | Q(module__live=True))
        .select_related("module")
        .distinct()
        .order_by("module__path", "title")
        .only(
            "pk",
            "title",
            "opens_at",
            "closes_at",
            "attempts_allowed",
            "is_required",
            "pass_mark_percent",
            "module__title",
            "module__path",
            "module__translation_key",
        )
    )
    by_assessment: dict[int, list[Attempt]] = {}
    for attempt in (
        Attempt.objects.filter(user=user, assessment__course_id=course_id)
        .only("pk", "assessment_id", "number", "status", "deadline", "percent", "passed")
        .order_by("number")
    ):
        by_assessment.setdefault(attempt.assessment_id, []).append(attempt)
    titles = {}
    if language:  # titles in the reader's language where translated (a fixed number more queries)
        titles = assessment_titles(assessment_ids=[a.pk for a in assessments], language=language)
        titles_in_language([a.module for a in assessments if a.module_id], language)
    statuses = []
    for assessment in assessments:
        attempts = by_assessment.get(assessment.pk, [])
        latest = attempts[-1] if attempts else None
        graded = [a for a in attempts if a.status == AttemptStatus.GRADED]
        best = max((a.percent for a in graded), default=None)
        statuses.append(
            {
                "id": assessment.pk,
                "title": titles.get(assessment.pk, assessment.title),
                "module": assessment.module.title if assessment.module_id else "",
                "is_required": assessment.is_required,
                "pass_mark_percent": assessment.pass_mark_percent,
                "opens_at": assessment.opens_at,
                "closes_at": assessment.closes_at,
                "attempts_used": len(attempts),
                "attempts_allowed": assessment.attempts_allowed,
                "latest_status": latest.status if latest else None,
                "latest_id": latest.pk if latest else None,
                "passed": any(a.passed for a in graded),
                "best_percent": best,
            }
        )
    return statuses


def attempt_results_for_student(*, user, language: str | None = None) -> list[dict]:
    """Per assessment the student tried: its latest attempt, how many attempts, and the best graded percent.

    One query whatever the number of attempts.
    """
    attempts = (
        Attempt.objects.filter(user=user)
        .select_related("assessment", "assessment__course")
        .only(
            "pk",
            "number",
            "status",
            "started_at",
            "submitted_at",
            "score",
            "max_score",
            "percent",
            "passed",
            "assessment__id",
            "assessment__title",
            "assessment__course__title",
            "assessment__course__translation_key",
        )
        .order_by("assessment_id", "number")
    )
    results: dict[int, dict] = {}
    for attempt in attempts:
        row = results.setdefault(
            attempt.assessment_id,
            {"assessment": attempt.assessment, "course": attempt.assessment.course, "count": 0},
        )
        row["count"] += 1
        row["latest"] = attempt
        if attempt.status == AttemptStatus.GRADED and (row.get("best") is None or attempt.percent > row["best"]):
            row["best"] = attempt.percent
    if language:  # titles in the reader's language where translated (a fixed number more queries)
        titles = assessment_titles(assessment_ids=results, language=language)
        for assessment_id, row in results.items():
            row["assessment"].title = titles.get(assessment_id, row["assessment"].title)
        titles_in_language([row["course"] for row in results.values()], language)
    for row in results.values():
        row["course_title"] = row.pop("course").title
    return sorted(results.values(), key=lambda row: row["latest"].started_at, reverse=True)
