"""Writes for assessments: starting an attempt, saving answers, submitting, grading, regrading.

Every write locks the attempt row and checks its status first, so a double
click, a retried request or a deadline passing mid-request changes nothing
twice. A refusal raises ``AttemptRefused`` with a message for the student and
writes nothing.
"""

import json
import logging
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.api import (
    Enrolment,
    EnrolmentStatus,
    ModulePage,
    enrolment_activity_record,
    enrolment_completion_check,
    module_complete,
)
from lms.accounts.api import user_email_send

from . import frozen
from .grading import AnswerInvalid, answer_shape_clean, grade, question_snapshot
from .models import Assessment, Attempt, AttemptQuestion, AttemptStatus, GradeChange, Question, QuestionTranslation
from .translation import assessment_in_language, assessment_wording, content_language, course_source_language

logger = logging.getLogger(__name__)

# Answers that arrive this long after the deadline (network latency) still count.
DEADLINE_GRACE = timezone.timedelta(seconds=5)


class AttemptRefused(Exception):
    overdue_submitted = False  # attempt_start: an open attempt whose time was up was submitted first

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _plan_build(assessment: Assessment, language: str) -> list[tuple]:
    """What the assessment asks, as snapshots: ("fixed", snapshot) and ("draw", count, [pool snapshots]).

    Fixed questions and pools hold only the assessment's own course's questions,
    whatever the items say; a pool leaves out the fixed questions, and is in id order.
    The wording is in ``language`` where a question has an up-to-date translation
    in it (``grading.question_snapshot``); otherwise in the source's words.
    """
    source_language = course_source_language(assessment.course_id)
    wanted = Prefetch(
        "translations",
        queryset=QuestionTranslation.objects.filter(language=language).prefetch_related("options"),
        to_attr="wanted_translations",
    )

    def snapshot(question):
        translation = None
        if language != source_language and question.wanted_translations:
            translation = question.wanted_translations[0]
        return question_snapshot(question, translation=translation, source_language=source_language)

    items = list(
        assessment.items.select_related("question")
        .prefetch_related(
            "question__options",
            Prefetch("question__translations", queryset=wanted.queryset, to_attr="wanted_translations"),
        )
        .order_by("sort_order", "pk")
    )
    fixed_ids = {item.question_id for item in items if item.question_id}
    plan = []
    for item in items:
        if item.question_id:
            if item.question.course_id == assessment.course_id:
                plan.append(("fixed", snapshot(item.question)))
            continue
        pool = (
            Question.objects.filter(category_id=item.category_id, course_id=assessment.course_id)
            .exclude(pk__in=fixed_ids)
            .prefetch_related("options", wanted)
            .order_by("pk")
        )
        plan.append(("draw", item.draw_count, [snapshot(question) for question in pool]))
    return plan


def _plan_for(assessment: Assessment, language: str) -> list[tuple]:
    """The assessment's plan in a language, kept per process under the bank version (``frozen``).

    One cache read on a hit.
    """
    key = (assessment.pk, assessment.course_id, language, frozen.bank_version())
    plan = frozen.plan_get(key)
    if plan is None:
        plan = _plan_build(assessment, language)
        frozen.plan_keep(key, plan)
        # The question pages show the assessment's title in this language: keep it now, with the plan.
        assessment_wording(assessment=assessment, language=language)
    return plan


def _questions_for(assessment: Assessment, rng: random.Random, language: str) -> list[dict]:
    """The snapshots to freeze: fixed questions and random draws, each question at most once, in the authored order.

    The snapshots are shared with the kept plan: copy one before changing it.
    """
    chosen: list[dict] = []
    seen: set[int] = set()
    for entry in _plan_for(assessment, language):
        if entry[0] == "fixed":
            snapshot = entry[1]
            if snapshot["question_id"] not in seen:
                chosen.append(snapshot)
                seen.add(snapshot["question_id"])
            continue
        _draw, count, pool = entry
        pool = [snapshot for snapshot in pool if snapshot["question_id"] not in seen]
        for snapshot in rng.sample(pool, min(count, len(pool))):
            chosen.append(snapshot)
            seen.add(snapshot["question_id"])
    return chosen


def _enrolment_for(user, assessment: Assessment) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().filter(user=user, course_id=assessment.course_id).first()
    if enrolment is None or enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
        raise AttemptRefused(_("Enrol in the course before taking its assessments."), "not_enrolled")
    return enrolment


def attempt_start(*, user, assessment: Assessment, now=None, language: str | None = None) -> Attempt:
    """Start an attempt, or return the one already open (one open attempt per student and assessment).

    Refused before the assessment opens, after it closes, and when the
    attempts allowed are used up. The questions, their order and their
    options' order are frozen now. An open attempt whose time is up is
    submitted first, with what was saved, even when the start is then refused;
    ``overdue_submitted`` on the attempt returned (or on the refusal) says so.
    The questions are frozen in ``language`` (default: the active language)
    where they have a translation in it, the source's wording otherwise; ids,
    keys and points are always the source's.
    """
    now = now or timezone.now()
    language = content_language(language)
    try:
        return _attempt_start(user=user, assessment=assessment, now=now, language=language)
    except AttemptRefused as refusal:
        # The refusal rolled back the overdue attempt's submission too: submit it on its own.
        refusal.overdue_submitted = any(
            attempt_submit_overdue(attempt_id=pk)
            for pk in Attempt.objects.filter(
                assessment=assessment, user_id=user.pk, status=AttemptStatus.IN_PROGRESS
            ).values_list("pk", flat=True)
        )
        raise


@transaction.atomic
def _attempt_start(*, user, assessment: Assessment, now, language: str) -> Attempt:
    if not user.is_authenticated:
        raise AttemptRefused(_("Sign in to take this assessment."), "anonymous")
    enrolment = _enrolment_for(user, assessment)  # the lock serialises this student's starts
    # The open attempt, if any, is the latest: a new one never starts while one is open.
    latest = Attempt.objects.filter(assessment=assessment, user=user).order_by("-number").first()
    open_attempt = latest if latest is not None and latest.status == AttemptStatus.IN_PROGRESS else None
    if open_attempt is not None and not _past_deadline(open_attempt, now):
        open_attempt.overdue_submitted = False
        return open_attempt
    if open_attempt is not None:  # its time is up: submitted with what was saved, then a new one
        attempt_submit(user=user, attempt_id=open_attempt.pk, now=now, auto=True)
    if assessment.opens_at and now < assessment.opens_at:
        raise AttemptRefused(_("This assessment is not open yet."), "not_open")
    if assessment.closes_at and now >= assessment.closes_at:
        raise AttemptRefused(_("This assessment has closed."), "closed")
    used = latest.number if latest is not None else 0
    if assessment.attempts_allowed is not None and used >= assessment.attempts_allowed:
        raise AttemptRefused(_("You have used all your attempts at this assessment."), "no_attempts_left")
    rng = random.SystemRandom()
    snapshots = _questions_for(assessment, rng, language)
    if not snapshots:
        raise AttemptRefused(_("This assessment has no questions yet."), "empty")
    if assessment.shuffle_questions:
        rng.shuffle(snapshots)
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
        max_score=sum((Decimal(snapshot["points"]) for snapshot in snapshots), Decimal(0)),
    )
    attempt.overdue_submitted = open_attempt is not None
    # Starting an assessment is activity on the course, as opening a module is (reports count it).
    enrolment_activity_record(enrolment_id=enrolment.pk)
    rows = []
    for position, snapshot in enumerate(snapshots, start=1):
        if assessment.shuffle_options and snapshot["type"] != "true_false":
            options = list(snapshot["options"])
            rng.shuffle(options)
            snapshot = dict(snapshot, options=options)
        rows.append(
            AttemptQuestion(attempt=attempt, position=position, question_id=snapshot["question_id"], snapshot=snapshot)
        )
    AttemptQuestion.objects.bulk_create(rows)
    frozen.attempt_shape_keep(
        attempt.pk, frozen.shape_from_snapshots(user.pk, {row.position: row.snapshot for row in rows})
    )
    return attempt


def _attempt_locked(*, user, attempt_id) -> Attempt:
    # Lock the attempt only ("of self"): locking the joined assessment row too would make every
    # student of an exam wait for each other's autosaves and submissions.
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("assessment", "enrolment")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or attempt.user_id != user.pk:
        # The same answer for someone else's attempt as for none: ids reveal nothing.
        raise AttemptRefused(_("There is no such attempt of yours."), "not_found")
    return attempt


def _past_deadline(attempt: Attempt, now) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


@dataclass(frozen=True)
class SavedAnswer:
    position: int
    answer: dict | None
    answered_at: object


# One statement, so one round trip and no transaction of its own: the attempt's row is locked
# (as submission locks it) and must be open, the student's and within its time; then the answer
# is written. An autosave racing a submission either lands before it, and is graded, or finds
# the attempt submitted and writes nothing.
_ANSWER_UPDATE = """
WITH open_attempt AS (
    SELECT id FROM assessments_attempt WHERE id = %(attempt)s AND user_id = %(user)s AND status = %(open)s
        AND (deadline IS NULL OR deadline >= %(cutoff)s)
    FOR NO KEY UPDATE
)
UPDATE assessments_attemptquestion SET answer = %(answer)s::jsonb, answered_at = %(now)s
WHERE attempt_id = (SELECT id FROM open_attempt) AND position = %(position)s
"""


def answer_save(*, user, attempt_id: int, position: int, raw, now=None) -> SavedAnswer:
    """Save (or autosave) one answer of an open attempt, replacing the previous one.

    Refused for another student's attempt, a question not in the attempt, an
    option not in the question, a submitted attempt, and after the deadline
    (the attempt is then submitted with what was saved). The answer is checked
    against the attempt's shape (``frozen``), then written by one conditional
    UPDATE; the reasons for a refusal are read only when there is one.
    """
    now = now or timezone.now()
    shape = frozen.attempt_shape(attempt_id)
    if shape is None or shape.user_id != user.pk:
        # The same answer for someone else's attempt as for none: ids reveal nothing.
        raise AttemptRefused(_("There is no such attempt of yours."), "not_found")
    try:
        if position not in shape.questions:
            raise AttemptRefused(_("That question is not part of this attempt."), "unknown_question")
        kind, option_ids = shape.questions[position]
        try:
            answer = answer_shape_clean(kind, option_ids, raw)
        except AnswerInvalid as error:
            raise AttemptRefused(str(error), "invalid_answer") from error
    except AttemptRefused:
        _refuse_if_closed(attempt_id, now)  # a closed attempt says so first, as it did before reading the answer
        raise
    params = {
        "attempt": attempt_id,
        "user": user.pk,
        "open": AttemptStatus.IN_PROGRESS.value,
        "cutoff": now - DEADLINE_GRACE,
        "answer": None if answer is None else json.dumps(answer),
        "now": now,
        "position": position,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_ANSWER_UPDATE, params)
            saved = cursor.rowcount == 1
    else:  # SQLite (`make run` without services): the same rule through the ORM, in a transaction
        saved = _answer_update_portable(user=user, attempt_id=attempt_id, position=position, answer=answer, now=now)
    if not saved:
        _refuse_if_closed(attempt_id, now)
        raise AttemptRefused(_("That question is not part of this attempt."), "unknown_question")
    return SavedAnswer(position=position, answer=answer, answered_at=now)


@transaction.atomic
def _answer_update_portable(*, user, attempt_id: int, position: int, answer, now) -> bool:
    """``_ANSWER_UPDATE`` for databases without its PostgreSQL syntax (development on SQLite)."""
    still_open = (
        Attempt.objects.select_for_update()
        .filter(pk=attempt_id, user_id=user.pk, status=AttemptStatus.IN_PROGRESS)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=now - DEADLINE_GRACE))
        .exists()
    )
    return still_open and (
        AttemptQuestion.objects.filter(attempt_id=attempt_id, position=position).update(answer=answer, answered_at=now)
        == 1
    )


def _refuse_if_closed(attempt_id: int, now) -> None:
    """Raise the refusal for an attempt that takes no more answers: submitted, or past its deadline (then submit it)."""
    attempt = Attempt.objects.filter(pk=attempt_id).values("status", "deadline").first()
    if attempt is None:
        raise AttemptRefused(_("There is no such attempt of yours."), "not_found")
    if attempt["status"] != AttemptStatus.IN_PROGRESS:
        raise AttemptRefused(_("This attempt has been submitted; answers can no longer change."), "submitted")
    if attempt["deadline"] is not None and now > attempt["deadline"] + DEADLINE_GRACE:
        attempt_submit_overdue(attempt_id=attempt_id)
        raise AttemptRefused(_("Time is up: answers after the deadline are not accepted."), "deadline")


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
    enrolment = attempt.enrolment
    if enrolment.status != EnrolmentStatus.ACTIVE:
        return  # a completed (or left) place has nothing more to complete
    if assessment.module_id and assessment.is_required:
        module = ModulePage.objects.filter(pk=assessment.module_id, live=True).first()
        if module is not None:
            module_complete(user=attempt.user, module=module)
            return  # module_complete checks the course's completion
    enrolment_completion_check(enrolment=enrolment)


@transaction.atomic
def attempt_submit(*, user, attempt_id: int, now=None, auto: bool | None = False) -> Attempt:
    """Submit an attempt: graded at once for objective questions, essays go to the grading queue.

    Submitting again returns the attempt as it is: a double click records once.
    ``auto=None`` (the student's Submit button, or the countdown at zero): a
    submission at or after the deadline counts as made at the deadline; the
    attempt returned says ``overdue_submitted`` when this call submitted it
    past the deadline's grace.
    """
    now = now or timezone.now()
    attempt = _attempt_locked(user=user, attempt_id=attempt_id)
    attempt.overdue_submitted = False
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return attempt
    if auto is None:
        auto = attempt.deadline is not None and now >= attempt.deadline
        attempt.overdue_submitted = _past_deadline(attempt, now)
    attempt.submitted_at = min(now, attempt.deadline) if (auto and attempt.deadline) else now
    attempt.auto_submitted = auto
    items = list(attempt.questions.all())
    for item in items:
        item.points_awarded = grade(item.snapshot, item.answer)
        if item.points_awarded is not None:
            item.graded_at = now
    _grades_write(items)
    # One UPDATE of the attempt: submitted, and graded too when nothing waits for an instructor.
    _finalise_if_graded(attempt, now, items, also_save=("submitted_at", "auto_submitted"))
    return attempt


# Every question's points in one statement: bulk_update's CASE expressions cost more to build
# than the database takes to run them.
_GRADES_UPDATE = """
UPDATE assessments_attemptquestion AS item SET points_awarded = grade.points, graded_at = grade.at
FROM unnest(%s::bigint[], %s::numeric[], %s::timestamptz[]) AS grade(id, points, at)
WHERE item.id = grade.id
"""


def _grades_write(items: list[AttemptQuestion]) -> None:
    if connection.vendor != "postgresql":  # SQLite (`make run` without services): the ORM's CASE form
        AttemptQuestion.objects.bulk_update(items, ["points_awarded", "graded_at"])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _GRADES_UPDATE,
            [[item.pk for item in items], [item.points_awarded for item in items], [item.graded_at for item in items]],
        )


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
    answers, number and tolerance); their wording stays as asked. An attempt
    asked in a translation accepts that language's answers only while the
    translation is up to date with the source: once the source's wording or
    key changed, it is graded against the source's key alone (and its review
    shows the source's accepted answers) until a translator saves the
    translation again. Returns how many grades changed; scores and pass/fail follow.
    """
    now = now or timezone.now()
    from .selectors import user_teaches_course

    question = Question.objects.prefetch_related("options", "translations__options").filter(pk=question_id).first()
    if question is None or not user_teaches_course(user=actor, course_id=question.course_id):
        raise AttemptRefused(_("There is no such question in your courses."), "not_found")
    fresh = question_snapshot(question)
    correct_now = {option["id"]: option["is_correct"] for option in fresh["options"]}
    # A translated attempt keeps accepting its language's accepted answers too, while that translation is up to date.
    translations = {translation.language: translation for translation in question.translations.all()}
    fresh_in = {}
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
        language = snapshot.get("language")
        if language not in fresh_in:
            fresh_in[language] = question_snapshot(question, translation=translations.get(language))
        key_now = fresh_in[language] if fresh_in[language].get("language") == language else fresh
        for key in ("accepted_answers", "case_sensitive", "numeric_answer", "numeric_tolerance", "scoring_rule"):
            snapshot[key] = key_now[key]
        if "accepted_answers_shown" in key_now:
            snapshot["accepted_answers_shown"] = key_now["accepted_answers_shown"]
        else:  # graded by the source's key now: the review shows that key, not the translation's old answers
            snapshot.pop("accepted_answers_shown", None)
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
        context={
            "attempt": attempt,
            "assessment": assessment_in_language(attempt.assessment, attempt.user.preferred_language),
        },
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
