"""Autosave and submit under concurrency: 200 attempts taken in parallel on PostgreSQL.

Worker threads, each with its own database connection as each web process
would have, take 200 attempts at once: start, autosave every answer (some
change their mind on the first question), submit. A quarter of the attempts are
submitted twice at the same moment from two threads (a double click, a retried
request). Every answer must be recorded exactly once, every attempt graded
once, and every score must be the one its answers earn.
"""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.core import mail
from django.db import connection
from django.utils import timezone

import pytest

from assessments.factories import AssessmentFactory, QuestionFactory
from assessments.grading import answer_clean
from assessments.models import Attempt, AttemptQuestion, AttemptStatus, GradeChange
from assessments.services import answer_save, attempt_start, attempt_submit
from courses.factories import CoursePageFactory, EnrolmentFactory, ModulePageFactory, catalogue_get
from courses.models import Enrolment, EnrolmentStatus
from lms.accounts.factories import UserFactory
from lms.demo.questions import answer_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _celery_join_flag_reset():
    """Celery's eager mode keeps "inside a task" in one process-wide flag, set and reset around each
    task without a lock: tasks run eagerly from many threads at once can leave it set, and later
    tests that wait on a real worker's result would be refused. Put it back afterwards."""
    from celery._state import _set_task_join_will_block

    yield
    _set_task_join_will_block(False)


ATTEMPTS = 200
WORKERS = 16  # each double submission borrows one more thread: at most 32 connections at once


def _questions(course):
    return [
        QuestionFactory(
            course=course,
            title="Budget",
            options=[("Parliament", True), ("The general staff", False), ("The president alone", False)],
        ),
        QuestionFactory(
            course=course,
            title="Oversight",
            type="multiple",
            points=2,
            options=[("Parliament", True), ("Audit office", True), ("Band", False), ("Courts", True)],
        ),
        QuestionFactory(course=course, title="Coups", type="true_false", options=[("True", False), ("False", True)]),
        QuestionFactory(
            course=course, title="Model", type="short_answer", accepted_answers="objective\nobjective control"
        ),
        QuestionFactory(course=course, title="Year", type="numeric", numeric_answer=Decimal("1957")),
    ]


def _in_thread(function, *args):
    """Run ``function`` with its own database connection, closed afterwards."""
    try:
        return function(*args)
    finally:
        connection.close()


def test_two_hundred_attempts_in_parallel_record_every_answer_once_and_grade_once():
    course = CoursePageFactory(parent=catalogue_get(), title="Crowded exam", publish="direct")
    # An unread module keeps the course open: passing the exam does not complete it.
    ModulePageFactory(parent=course, title="Still to read")
    assessment = AssessmentFactory(
        course=course, pass_mark_percent=60, shuffle_questions=True, shuffle_options=True, questions=_questions(course)
    )
    students = [UserFactory(email=f"rush{n:03d}@example.org") for n in range(ATTEMPTS)]
    for student in students:
        EnrolmentFactory(user=student, course=course)
    mail.outbox = []

    base = timezone.now()
    stamps = itertools.count(1)
    stamps_lock = threading.Lock()

    def stamp():
        """A distinct submission time per call: the time an attempt keeps tells which call submitted it."""
        with stamps_lock:
            return base + timezone.timedelta(microseconds=next(stamps))

    def take(index, student):
        attempt = attempt_start(user=student, assessment=assessment)
        expected_answers, expected_score, saves = {}, Decimal(0), 0
        for item in attempt.questions.order_by("position"):
            right = (index + item.position) % 4 != 0
            final = answer_for(item.snapshot, correct=right)
            if index % 5 == 0 and item.position == 1:
                # A first thought, autosaved, then replaced by the final answer.
                answer_save(
                    user=student, attempt_id=attempt.pk, position=1, raw=answer_for(item.snapshot, correct=not right)
                )
                saves += 1
            answer_save(user=student, attempt_id=attempt.pk, position=item.position, raw=final)
            saves += 1
            expected_answers[item.position] = answer_clean(item.snapshot, final)
            if right:
                expected_score += Decimal(item.snapshot["points"])
        calls = 2 if index % 4 == 0 else 1
        submissions = []
        if calls == 1:
            now = stamp()
            submissions.append((now, attempt_submit(user=student, attempt_id=attempt.pk, now=now)))
        else:
            barrier = threading.Barrier(2)

            def submit():
                now = stamp()
                barrier.wait(timeout=30)
                return now, attempt_submit(user=student, attempt_id=attempt.pk, now=now)

            with ThreadPoolExecutor(max_workers=1) as twin:
                other = twin.submit(_in_thread, submit)
                submissions.append(submit())
                submissions.append(other.result(timeout=60))
        return {
            "attempt_id": attempt.pk,
            "answers": expected_answers,
            "score": expected_score,
            "saves": saves,
            # Calls whose time the attempt kept: the ones that submitted it.
            "submitted_by": sum(result.submitted_at == now for now, result in submissions),
            "calls": calls,
        }

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(_in_thread, take, index, student) for index, student in enumerate(students)]
        outcomes = [future.result(timeout=120) for future in futures]

    assert len({outcome["attempt_id"] for outcome in outcomes}) == ATTEMPTS
    assert sum(outcome["calls"] == 2 for outcome in outcomes) == ATTEMPTS // 4
    assert all(outcome["submitted_by"] == 1 for outcome in outcomes), "an attempt was submitted by two calls"

    # Every answer recorded exactly once: one row per question, holding the final answer.
    rows = AttemptQuestion.objects.filter(attempt__assessment=assessment)
    assert rows.count() == ATTEMPTS * 5
    assert sum(outcome["saves"] for outcome in outcomes) == ATTEMPTS * 5 + ATTEMPTS // 5
    stored = {(row.attempt_id, row.position): row for row in rows}
    for outcome in outcomes:
        for position, answer in outcome["answers"].items():
            row = stored[(outcome["attempt_id"], position)]
            assert row.answer == answer and row.answered_at is not None

    # Every attempt graded once, with the score its answers earn.
    attempts = {attempt.pk: attempt for attempt in Attempt.objects.filter(assessment=assessment)}
    assert len(attempts) == ATTEMPTS
    for outcome in outcomes:
        attempt = attempts[outcome["attempt_id"]]
        assert attempt.status == AttemptStatus.GRADED and attempt.number == 1
        assert attempt.score == outcome["score"]
        assert attempt.passed == (attempt.percent >= 60)
        item_times = {row.graded_at for key, row in stored.items() if key[0] == attempt.pk}
        assert item_times == {attempt.submitted_at} == {attempt.graded_at}
    assert not GradeChange.objects.exists()
    assert len({attempt.score for attempt in attempts.values()}) > 2  # right and wrong answers both counted
    assert len(mail.outbox) == ATTEMPTS  # each student told their result once
    assert Enrolment.objects.filter(course=course, status=EnrolmentStatus.ACTIVE).count() == ATTEMPTS


def test_autosaves_racing_a_submission_are_graded_if_acknowledged_and_never_written_after():
    """Each student's autosaves and a submission at the same moment: an answer the server acknowledged is
    in the graded attempt, with its points; an answer refused as submitted is not written at all."""
    from assessments.services import AttemptRefused

    course = CoursePageFactory(parent=catalogue_get(), title="Racing exam", publish="direct")
    ModulePageFactory(parent=course, title="Still to read")
    questions = _questions(course)
    assessment = AssessmentFactory(course=course, pass_mark_percent=60, questions=questions)
    students = [UserFactory(email=f"race{n:03d}@example.org") for n in range(40)]
    for student in students:
        EnrolmentFactory(user=student, course=course)

    def race(student):
        attempt = attempt_start(user=student, assessment=assessment)
        items = list(attempt.questions.order_by("position"))
        barrier = threading.Barrier(len(items) + 1)
        acknowledged = {}

        def save(item):
            barrier.wait(timeout=30)
            try:
                saved = answer_save(
                    user=student,
                    attempt_id=attempt.pk,
                    position=item.position,
                    raw=answer_for(item.snapshot, correct=True),
                )
            except AttemptRefused as refusal:
                assert refusal.code == "submitted", refusal.code
                return item.position, None
            return item.position, saved.answer

        def submit():
            barrier.wait(timeout=30)
            return attempt_submit(user=student, attempt_id=attempt.pk)

        with ThreadPoolExecutor(max_workers=len(items) + 1) as pool:
            saves = [pool.submit(_in_thread, save, item) for item in items]
            submitted = pool.submit(_in_thread, submit)
            for future in saves:
                position, answer = future.result(timeout=60)
                acknowledged[position] = answer
            submitted.result(timeout=60)
        return attempt.pk, acknowledged

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = [future.result(timeout=120) for future in [pool.submit(_in_thread, race, s) for s in students]]

    points = {}
    for attempt_id, acknowledged in outcomes:
        attempt = Attempt.objects.get(pk=attempt_id)
        assert attempt.status == AttemptStatus.GRADED
        rows = {row.position: row for row in AttemptQuestion.objects.filter(attempt_id=attempt_id)}
        for position, answer in acknowledged.items():
            row = rows[position]
            assert row.answer == answer, "an acknowledged answer was lost, or a refused one written"
            expected = Decimal(row.snapshot["points"]) if answer is not None else Decimal(0)
            assert row.points_awarded == expected
        assert attempt.score == sum(row.points_awarded for row in rows.values())
        points[attempt_id] = attempt.score
    assert len(points) == len(students)
