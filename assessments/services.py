"""Writes for assessments: starting an attempt, saving answers, submitting, grading, regrading.

Every write locks the attempt row and checks its status first, so a double
click, a retried request or a deadline passing mid-request changes nothing
twice. A refusal raises ``AttemptRefused`` with a message for the student and
writes nothing.
"""

import logging
import random
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.api import (
    Enrolment,
    EnrolmentStatus,
    ModulePage,
    enrolment_completion_check,
    module_complete,
)
from lms.accounts.api import user_email_send

from .grading import AnswerInvalid, answer_clean, grade, question_snapshot
from .models import Assessment, Attempt, AttemptQuestion, AttemptStatus, GradeChange, Question

logger = logging.getLogger(__name__)

# Answers that arrive this long after the deadline (network latency) still count.
DEADLINE_GRACE = timezone.timedelta(seconds=5)


class AttemptRefused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _questions_for(assessment: Assessment, rng: random.Random) -> list[Question]:
    """The fixed questions and the random draws, each question at most once, in the authored order."""
    chosen: list[Question] = []
    seen: set[int] = set()
    items = list(
        assessment.items.select_related("question").prefetch_related("question__options").order_by("sort_order", "pk")
    )
    fixed_ids = {item.question_id for item in items if item.question_id}
    for item in items:
        if item.question_id:
            # Only the assessment's own course's questions, whatever the items say.
            if item.question.course_id == assessment.course_id and item.question_id not in seen:
                chosen.append(item.question)
                seen.add(item.question_id)
            continue
        pool = list(
            Question.objects.filter(category_id=item.category_id, course_id=assessment.course_id)
            .exclude(pk__in=seen | fixed_ids)
            .prefetch_related("options")
            .order_by("pk")
        )
        for question in rng.sample(pool, min(item.draw_count, len(pool))):
            chosen.append(question)
            seen.add(question.pk)
    return chosen


def _enrolment_for(user, assessment: Assessment) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().filter(user=user, course_id=assessment.course_id).first()
    if enrolment is None or enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
        raise AttemptRefused(_("Enrol in the course before taking its assessments."), "not_enrolled")
    return enrolment


@transaction.atomic
def attempt_start(*, user, assessment: Assessment, now=None) -> Attempt:
    """Start an attempt, or return the one already open (one open attempt per student and assessment).

    Refused before the assessment opens, after it closes, and when the
    attempts allowed are used up. The questions, their order and their
    options' order are frozen now.
    """
    now = now or timezone.now()
    if not user.is_authenticated:
        raise AttemptRefused(_("Sign in to take this assessment."), "anonymous")
    enrolment = _enrolment_for(user, assessment)  # the lock serialises this student's starts
    open_attempt = Attempt.objects.filter(assessment=assessment, user=user, status=AttemptStatus.IN_PROGRESS).first()
    if open_attempt is not None and not _past_deadline(open_attempt, now):
        return open_attempt
    if open_attempt is not None:  # its time is up: submitted with what was saved, then a new one
        attempt_submit(user=user, attempt_id=open_attempt.pk, now=now, auto=True)
    if assessment.opens_at and now < assessment.opens_at:
        raise AttemptRefused(_("This assessment is not open yet."), "not_open")
    if assessment.closes_at and now >= assessment.closes_at:
        raise AttemptRefused(_("This assessment has closed."), "closed")
    used = Attempt.objects.filter(assessment=assessment, user=user).aggregate(n=Max("number"))["n"] or 0
    if assessment.attempts_allowed is not None and used >= assessment.attempts_allowed:
        raise AttemptRefused(_("You have used all your attempts at this assessment."), "no_attempts_left")
    rng = random.SystemRandom()
    questions = _questions_for(assessment, rng)
    if not questions:
        raise AttemptRefused(_("This assessment has no questions yet."), "empty")
    if assessment.shuffle_questions:
        rng.shuffle(questions)
    deadline = None
    if assessment.time_limit_minutes:
        deadline = now + timezone.timedelta(minutes=assessment.time_limit_minutes)
    if assessment.closes_at:
        deadline = min(deadline, assessment.closes_at) if deadline else assessment.closes_at
    attempt = Attempt.objects.create(
        assessment=assessment,
        user=user,
        enrolment=enrolment,
        number=used + 1,
        status=AttemptStatus.IN_PROGRESS,
        started_at=now,
        deadline=deadline,
        max_score=sum((q.points for q in questions), Decimal(0)),
    )
    rows = []
    for position, question in enumerate(questions, start=1):
        order = None
        if assessment.shuffle_options and question.type != "true_false":
            order = [option.pk for option in question.options.all()]
            rng.shuffle(order)
        rows.append(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                question=question,
                snapshot=question_snapshot(question, option_order=order),
            )
        )
    AttemptQuestion.objects.bulk_create(rows)
    return attempt


def _attempt_locked(*, user, attempt_id) -> Attempt:
    # Lock the attempt only ("of self"): locking the joined assessment row too would make every
    # student of an exam wait for each other's autosaves and submissions.
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("assessment").filter(pk=attempt_id).first()
    if attempt is None or attempt.user_id != user.pk:
        # The same answer for someone else's attempt as for none: ids reveal nothing.
        raise AttemptRefused(_("There is no such attempt of yours."), "not_found")
    return attempt


def _past_deadline(attempt: Attempt, now) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


def answer_save(*, user, attempt_id: int, position: int, raw, now=None) -> AttemptQuestion:
    """Save (or autosave) one answer of an open attempt, replacing the previous one.

    Refused for another student's attempt, a question not in the attempt, an
    option not in the question, a submitted attempt, and after the deadline
    (the attempt is then submitted with what was saved).
    """
    try:
        return _answer_save(user=user, attempt_id=attempt_id, position=position, raw=raw, now=now)
    except AttemptRefused as refusal:
        if refusal.code == "deadline":  # the refusal rolled its transaction back: submit in a new one
            attempt_submit_overdue(attempt_id=attempt_id)
        raise


@transaction.atomic
def _answer_save(*, user, attempt_id: int, position: int, raw, now=None) -> AttemptQuestion:
    now = now or timezone.now()
    attempt = _attempt_locked(user=user, attempt_id=attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AttemptRefused(_("This attempt has been submitted; answers can no longer change."), "submitted")
    if _past_deadline(attempt, now):
        raise AttemptRefused(_("Time is up: answers after the deadline are not accepted."), "deadline")
    item = AttemptQuestion.objects.filter(attempt=attempt, position=position).first()
    if item is None:
        raise AttemptRefused(_("That question is not part of this attempt."), "unknown_question")
    try:
        item.answer = answer_clean(item.snapshot, raw)
    except AnswerInvalid as error:
        raise AttemptRefused(str(error), "invalid_answer") from error
    item.answered_at = now
    item.save(update_fields=["answer", "answered_at"])
    return item


def _finalise_if_graded(attempt: Attempt, now, items=None, also_save=()) -> None:
    """Score the attempt once every question has points; then passing may complete the module and course.

    ``also_save`` names fields the caller changed, written in the same UPDATE.
    """
    items = list(attempt.questions.all()) if items is None else items
    if any(item.points_awarded is None for item in items):
        attempt.status = AttemptStatus.SUBMITTED
        attempt.save(update_fields=["status", *also_save])
        return
    was_passed = attempt.passed
    attempt.score = sum((item.points_awarded for item in items), Decimal(0))
    attempt.percent = (100 * attempt.score / attempt.max_score).quantize(Decimal("0.01")) if attempt.max_score else 0
    attempt.passed = attempt.percent >= attempt.assessment.pass_mark_percent
    attempt.status = AttemptStatus.GRADED
    attempt.graded_at = attempt.graded_at or now
    attempt.save(update_fields=["score", "percent", "passed", "status", "graded_at", *also_save])
    if attempt.passed and not was_passed:
        _passed(attempt)
    from .tasks import attempt_result_notify_task

    if was_passed is None:
        transaction.on_commit(lambda: attempt_result_notify_task.delay(attempt.pk))


def _passed(attempt: Attempt) -> None:
    """Passing a module's assessment completes the module; any pass may complete the course."""
    assessment = attempt.assessment
    enrolment = Enrolment.objects.get(pk=attempt.enrolment_id)
    if assessment.module_id and assessment.is_required:
        module = ModulePage.objects.filter(pk=assessment.module_id, live=True).first()
        if module is not None and enrolment.status == EnrolmentStatus.ACTIVE:
            module_complete(user=attempt.user, module=module)
            return  # module_complete checks the course's completion
    enrolment_completion_check(enrolment=enrolment)


@transaction.atomic
def attempt_submit(*, user, attempt_id: int, now=None, auto: bool = False) -> Attempt:
    """Submit an attempt: graded at once for objective questions, essays go to the grading queue.

    Submitting again returns the attempt as it is: a double click records once.
    """
    now = now or timezone.now()
    attempt = _attempt_locked(user=user, attempt_id=attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return attempt
    attempt.submitted_at = min(now, attempt.deadline) if (auto and attempt.deadline) else now
    attempt.auto_submitted = auto
    items = list(attempt.questions.all())
    for item in items:
        item.points_awarded = grade(item.snapshot, item.answer)
        if item.points_awarded is not None:
            item.graded_at = now
    AttemptQuestion.objects.bulk_update(items, ["points_awarded", "graded_at"])
    # One UPDATE of the attempt: submitted, and graded too when nothing waits for an instructor.
    _finalise_if_graded(attempt, now, items, also_save=("submitted_at", "auto_submitted"))
    return attempt


def attempt_submit_overdue(*, attempt_id: int) -> bool:
    """Submit an open attempt whose deadline has passed, with what was saved. Returns whether it did."""
    attempt = Attempt.objects.filter(pk=attempt_id, status=AttemptStatus.IN_PROGRESS).select_related("user").first()
    if attempt is None or not _past_deadline(attempt, timezone.now()):
        return False
    attempt_submit(user=attempt.user, attempt_id=attempt.pk, auto=True)
    return True


def attempts_overdue_submit() -> int:
    """Submit every open attempt past its deadline (the periodic task); returns how many."""
    cutoff = timezone.now() - DEADLINE_GRACE
    ids = list(
        Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lt=cutoff).values_list("pk", flat=True)
    )
    return sum(attempt_submit_overdue(attempt_id=pk) for pk in ids)


def _grade_change(item: AttemptQuestion, new_points: Decimal, *, by, reason: str, now) -> None:
    GradeChange.objects.create(
        attempt_question=item,
        old_points=item.points_awarded,
        new_points=new_points,
        changed_by=by,
        at=now,
        reason=reason,
    )
    item.points_awarded = new_points
    item.graded_at = now


@transaction.atomic
def essay_grade(*, grader, attempt_question_id: int, points, feedback: str = "", now=None) -> AttemptQuestion:
    """An instructor of the course awards points (0 to the question's points) and feedback to an essay."""
    now = now or timezone.now()
    item = (
        AttemptQuestion.objects.select_for_update(of=("self",))
        .select_related("attempt__assessment")
        .filter(pk=attempt_question_id)
        .first()
    )
    from .selectors import user_teaches_course

    if item is None or not user_teaches_course(user=grader, course_id=item.attempt.assessment.course_id):
        raise AttemptRefused(_("There is no such answer to grade in your courses."), "not_found")
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("assessment").get(pk=item.attempt_id)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        raise AttemptRefused(_("The attempt has not been submitted yet."), "in_progress")
    try:
        points = Decimal(str(points)).quantize(Decimal("0.01"))
    except ArithmeticError as error:
        raise AttemptRefused(_("Enter the points as a number."), "invalid_points") from error
    maximum = Decimal(item.snapshot["points"])
    if not Decimal(0) <= points <= maximum:
        raise AttemptRefused(_("Award between 0 and %(max)s points.") % {"max": maximum}, "invalid_points")
    _grade_change(item, points, by=grader, reason="graded by hand", now=now)
    item.graded_by, item.grader_feedback = grader, feedback.strip()
    item.save(update_fields=["points_awarded", "graded_at", "graded_by", "grader_feedback"])
    _finalise_if_graded(attempt, now)
    return item


@transaction.atomic
def question_regrade(*, actor, question_id: int, now=None) -> int:
    """Apply a question's current key to every answer already given to it, with a record of each change.

    The attempts' snapshots take the new key (correct options, accepted
    answers, number and tolerance); their wording stays as asked. Returns how
    many grades changed; scores and pass/fail follow.
    """
    now = now or timezone.now()
    from .selectors import user_teaches_course

    question = Question.objects.prefetch_related("options").filter(pk=question_id).first()
    if question is None or not user_teaches_course(user=actor, course_id=question.course_id):
        raise AttemptRefused(_("There is no such question in your courses."), "not_found")
    fresh = question_snapshot(question)
    correct_now = {option["id"]: option["is_correct"] for option in fresh["options"]}
    changed = 0
    touched: set[int] = set()
    items = (
        AttemptQuestion.objects.select_for_update()
        .filter(question_id=question_id)
        .exclude(attempt__status=AttemptStatus.IN_PROGRESS)
    )
    for item in items:
        snapshot = dict(item.snapshot)
        snapshot["options"] = [
            dict(o, is_correct=correct_now.get(o["id"], o["is_correct"])) for o in snapshot["options"]
        ]
        for key in ("accepted_answers", "case_sensitive", "numeric_answer", "numeric_tolerance", "scoring_rule"):
            snapshot[key] = fresh[key]
        item.snapshot = snapshot
        new_points = grade(snapshot, item.answer)
        if new_points is not None and new_points != item.points_awarded:
            _grade_change(item, new_points, by=actor, reason="regraded after a key change", now=now)
            changed += 1
            touched.add(item.attempt_id)
        item.save(update_fields=["snapshot", "points_awarded", "graded_at"])
    for attempt in Attempt.objects.select_for_update(of=("self",)).select_related("assessment").filter(pk__in=touched):
        if attempt.status == AttemptStatus.GRADED:
            _finalise_if_graded(attempt, now)
    return changed


def attempt_start_guarded(**kwargs) -> Attempt:
    """``attempt_start``, turning a concurrent twin (two tabs, a double click) into the open attempt."""
    try:
        return attempt_start(**kwargs)
    except IntegrityError:
        return Attempt.objects.get(
            assessment=kwargs["assessment"], user=kwargs["user"], status=AttemptStatus.IN_PROGRESS
        )


@transaction.atomic
def attempt_result_notify(*, attempt_id: int) -> bool:
    """Email the student their final result once (the score is final when every question is graded)."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("user", "assessment")
        .filter(pk=attempt_id, status=AttemptStatus.GRADED, result_notified_at=None)
        .first()
    )
    if attempt is None:
        return False
    user_email_send(
        user=attempt.user,
        template="assessments/email/result",
        context={"attempt": attempt, "assessment": attempt.assessment},
    )
    attempt.result_notified_at = timezone.now()
    attempt.save(update_fields=["result_notified_at"])
    return True


def attempt_results_unsent_notify(*, now=None) -> int:
    """Queue the result emails of graded attempts that were never sent (the broker was down); how many."""
    from courses.api import NOTIFY_SWEEP_AFTER, NOTIFY_SWEEP_WITHIN

    from .tasks import attempt_result_notify_task

    now = now or timezone.now()
    ids = list(
        Attempt.objects.filter(
            status=AttemptStatus.GRADED,
            result_notified_at=None,
            graded_at__lt=now - NOTIFY_SWEEP_AFTER,
            graded_at__gt=now - NOTIFY_SWEEP_WITHIN,
        ).values_list("pk", flat=True)
    )
    for attempt_id in ids:
        attempt_result_notify_task.delay(attempt_id)
    return len(ids)
