"""Attempts on PostgreSQL: starting, answering, submitting, deadlines, grading, regrading, completion."""

from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from assessments.factories import AssessmentFactory, QuestionFactory
from assessments.models import AttemptStatus, GradeChange, QuestionOption
from assessments.services import (
    AttemptRefused,
    answer_save,
    attempt_start,
    attempt_submit,
    attempts_overdue_submit,
    essay_grade,
    question_regrade,
)
from courses.factories import EnrolmentFactory, ModulePageFactory
from courses.models import EnrolmentStatus, ModuleProgress

pytestmark = pytest.mark.django_db


def _option(attempt, position, text):
    item = attempt.questions.get(position=position)
    return next(o["id"] for o in item.snapshot["options"] if o["text"] == text)


def _refused(code, function, **kwargs):
    with pytest.raises(AttemptRefused) as refusal:
        function(**kwargs)
    assert refusal.value.code == code, refusal.value.message
    return refusal.value


def test_only_enrolled_students_start(student, quiz):
    _refused("not_enrolled", attempt_start, user=student, assessment=quiz)


def test_starting_freezes_the_questions_against_later_edits(student, enrolment, quiz, single):
    attempt = attempt_start(user=student, assessment=quiz)
    single.prompt = "<p>Edited after the start</p>"
    single.save()
    QuestionOption.objects.filter(question=single, text="Parliament").update(text="Changed")
    item = attempt.questions.get(position=1)
    assert "Which body approves" in item.snapshot["prompt"]
    assert [o["text"] for o in item.snapshot["options"]] == ["Parliament", "The general staff", "The president alone"]
    assert attempt.max_score == Decimal("3")


def test_starting_again_resumes_the_open_attempt(student, enrolment, quiz):
    first = attempt_start(user=student, assessment=quiz)
    assert attempt_start(user=student, assessment=quiz).pk == first.pk


def test_attempts_allowed_are_enforced(student, enrolment, course, single):
    once = AssessmentFactory(course=course, attempts_allowed=1, questions=[single])
    attempt = attempt_start(user=student, assessment=once)
    attempt_submit(user=student, attempt_id=attempt.pk)
    _refused("no_attempts_left", attempt_start, user=student, assessment=once)


def test_open_and_close_dates_are_enforced(student, enrolment, course, single):
    now = timezone.now()
    later = AssessmentFactory(course=course, opens_at=now + timezone.timedelta(days=1), questions=[single])
    _refused("not_open", attempt_start, user=student, assessment=later)
    closed = AssessmentFactory(
        course=course,
        opens_at=now - timezone.timedelta(days=2),
        closes_at=now - timezone.timedelta(days=1),
        questions=[single],
    )
    _refused("closed", attempt_start, user=student, assessment=closed)


def test_random_draws_take_distinct_questions_from_the_category(student, enrolment, course):
    from assessments.factories import QuestionCategoryFactory
    from assessments.models import AssessmentItem

    category = QuestionCategoryFactory(course=course, name="Doctrine")
    pool = [QuestionFactory(course=course, category=category, options=[("Yes", True), ("No", False)]) for _ in range(6)]
    drawn = AssessmentFactory(course=course)
    AssessmentItem.objects.create(assessment=drawn, category=category, draw_count=4)
    attempt = attempt_start(user=student, assessment=drawn)
    ids = [item.question_id for item in attempt.questions.all()]
    assert len(ids) == len(set(ids)) == 4 and set(ids) <= {q.pk for q in pool}


def test_answers_are_checked_against_the_attempt(student, other_student, enrolment, course, quiz, single):
    attempt = attempt_start(user=student, assessment=quiz)
    _refused("unknown_question", answer_save, user=student, attempt_id=attempt.pk, position=9, raw="1")
    _refused("invalid_answer", answer_save, user=student, attempt_id=attempt.pk, position=1, raw="999999")
    EnrolmentFactory(user=other_student, course=course)
    _refused("not_found", answer_save, user=other_student, attempt_id=attempt.pk, position=1, raw="1")
    assert not attempt.questions.filter(answer__isnull=False).exists()


def test_saving_again_replaces_the_answer(student, enrolment, quiz):
    attempt = attempt_start(user=student, assessment=quiz)
    answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "The general staff"))
    answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "Parliament"))
    assert attempt.questions.get(position=1).answer == {"option": _option(attempt, 1, "Parliament")}


def test_submitting_grades_objective_questions_and_twice_records_once(student, enrolment, quiz):
    attempt = attempt_start(user=student, assessment=quiz)
    answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "Parliament"))
    answer_save(
        user=student,
        attempt_id=attempt.pk,
        position=2,
        raw=[_option(attempt, 2, "Parliament"), _option(attempt, 2, "Audit office")],
    )
    first = attempt_submit(user=student, attempt_id=attempt.pk)
    second = attempt_submit(user=student, attempt_id=attempt.pk)
    assert first.status == second.status == AttemptStatus.GRADED
    # 1 point + 2/3 of 2 points (two of three correct options, no wrong one) = 2.33 of 3 = 77.67%.
    assert first.score == Decimal("2.33") and first.percent == Decimal("77.67") and first.passed
    assert second.submitted_at == first.submitted_at
    _refused("submitted", answer_save, user=student, attempt_id=attempt.pk, position=1, raw=None)


def test_answers_after_the_deadline_are_refused_and_the_attempt_submitted(student, enrolment, course, single):
    timed = AssessmentFactory(course=course, time_limit_minutes=10, questions=[single])
    start = timezone.now() - timezone.timedelta(minutes=11)
    attempt = attempt_start(user=student, assessment=timed, now=start)
    answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "Parliament"), now=start)
    _refused("deadline", answer_save, user=student, attempt_id=attempt.pk, position=1, raw=None)
    assert attempt.questions.get(position=1).answer is not None  # what was saved stands
    assert attempts_overdue_submit() == 0  # already submitted by the late answer
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.auto_submitted and attempt.passed
    assert attempt.submitted_at == attempt.deadline


def test_essays_wait_for_the_course_instructor(
    student, enrolment, course, essay, single, instructor, other_instructor, django_capture_on_commit_callbacks
):
    from django.core import mail

    exam = AssessmentFactory(course=course, questions=[single, essay], pass_mark_percent=50)
    attempt = attempt_start(user=student, assessment=exam)
    answer_save(user=student, attempt_id=attempt.pk, position=2, raw="Parliament and the courts.")
    attempt = attempt_submit(user=student, attempt_id=attempt.pk)
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.passed is None
    item = attempt.questions.get(position=2)
    _refused("not_found", essay_grade, grader=other_instructor, attempt_question_id=item.pk, points=4)
    _refused("invalid_points", essay_grade, grader=instructor, attempt_question_id=item.pk, points=5)
    with django_capture_on_commit_callbacks(execute=True):
        essay_grade(grader=instructor, attempt_question_id=item.pk, points="3.5", feedback="Good examples.")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal("3.50") and attempt.passed
    change = GradeChange.objects.get(attempt_question=item)
    assert (change.old_points, change.new_points, change.changed_by) == (None, Decimal("3.50"), instructor)
    assert len(mail.outbox) == 1 and "70%" in mail.outbox[0].body


def test_regrading_after_a_key_fix_updates_scores_with_a_record(student, enrolment, course, single, instructor):
    exam = AssessmentFactory(course=course, questions=[single], pass_mark_percent=100)
    attempt = attempt_start(user=student, assessment=exam)
    answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "The general staff"))
    attempt = attempt_submit(user=student, attempt_id=attempt.pk)
    assert attempt.score == 0 and not attempt.passed
    QuestionOption.objects.filter(question=single, text="The general staff").update(is_correct=True)
    assert question_regrade(actor=instructor, question_id=single.pk) == 1
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.00") and attempt.passed
    change = GradeChange.objects.get(attempt_question__attempt=attempt)
    assert change.changed_by == instructor and change.reason == "regraded after a key change"


def test_a_required_course_assessment_holds_completion_until_passed(student, enrolment, course, quiz):
    from courses.services import module_complete

    module = ModulePageFactory(parent=course)
    module_complete(user=student, module=module)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    attempt = attempt_start(user=student, assessment=quiz)
    answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "Parliament"))
    answer_save(user=student, attempt_id=attempt.pk, position=2, raw=[_option(attempt, 2, "Parliament")])
    failed = attempt_submit(user=student, attempt_id=attempt.pk)  # 1 + 2/3 of 3 points: 56%, pass mark 60%
    enrolment.refresh_from_db()
    assert not failed.passed and enrolment.status == EnrolmentStatus.ACTIVE
    attempt = attempt_start(user=student, assessment=quiz)
    answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "Parliament"))
    attempt_submit(user=student, attempt_id=attempt.pk)  # 1 of 3 points on the first only: 33%
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    attempt = attempt_start(user=student, assessment=quiz)
    answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "Parliament"))
    answer_save(
        user=student,
        attempt_id=attempt.pk,
        position=2,
        raw=[_option(attempt, 2, text) for text in ("Parliament", "Audit office", "Courts")],
    )
    assert attempt_submit(user=student, attempt_id=attempt.pk).passed
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_passing_a_module_assessment_completes_the_module(student, enrolment, course, single):
    module = ModulePageFactory(parent=course)
    ModulePageFactory(parent=course)
    check = AssessmentFactory(course=course, module=module, questions=[single])
    attempt = attempt_start(user=student, assessment=check)
    answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "Parliament"))
    attempt_submit(user=student, attempt_id=attempt.pk)
    assert ModuleProgress.objects.get(enrolment=enrolment, module=module).completed_at is not None


def test_grading_takes_a_bounded_number_of_queries(student, enrolment, course):
    def exam(count):
        questions = [QuestionFactory(course=course, options=[("Yes", True), ("No", False)]) for _ in range(count)]
        return AssessmentFactory(course=course, questions=questions, is_required=False)

    counts = []
    for size in (3, 30):
        attempt = attempt_start(user=student, assessment=exam(size))
        with CaptureQueriesContext(connection) as captured:
            attempt_submit(user=student, attempt_id=attempt.pk)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_only_the_courses_instructors_regrade(other_instructor, single):
    _refused("not_found", question_regrade, actor=other_instructor, question_id=single.pk)
    _refused("not_found", question_regrade, actor=other_instructor, question_id=999999)


def test_another_courses_question_is_never_asked(student, enrolment, course, other_course, single):
    foreign = QuestionFactory(course=other_course, options=[("Yes", True), ("No", False)])
    mixed = AssessmentFactory(course=course, questions=[foreign, single])
    attempt = attempt_start(user=student, assessment=mixed)
    assert [item.question_id for item in attempt.questions.all()] == [single.pk]


def test_a_course_with_assessments_cannot_be_deleted_from_the_admin(client, admin_user, course, quiz):
    from courses.models import CoursePage

    client.force_login(admin_user)
    response = client.post(f"/admin/pages/{course.pk}/delete/", follow=True)
    assert "has assessments" in response.text
    assert CoursePage.objects.filter(pk=course.pk).exists()


def test_starting_takes_a_bounded_number_of_queries(student, enrolment, course):
    counts = []
    for size in (3, 30):
        questions = [QuestionFactory(course=course, options=[("Yes", True), ("No", False)]) for _ in range(size)]
        exam = AssessmentFactory(course=course, questions=questions, is_required=False, shuffle_options=True)
        cache.clear()  # each start records activity on the enrolment (at most once per few minutes)
        with CaptureQueriesContext(connection) as captured:
            attempt_start(user=student, assessment=exam)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_an_answer_after_the_deadline_submits_the_attempt(student, enrolment, course, single):
    timed = AssessmentFactory(course=course, time_limit_minutes=1, questions=[single])
    attempt = attempt_start(user=student, assessment=timed, now=timezone.now() - timezone.timedelta(minutes=5))
    _refused("deadline", answer_save, user=student, attempt_id=attempt.pk, position=1, raw=None)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.auto_submitted


def test_the_periodic_task_submits_attempts_left_open(student, enrolment, course, single):
    from assessments.tasks import attempts_overdue_submit_task

    timed = AssessmentFactory(course=course, time_limit_minutes=10, questions=[single])
    attempt = attempt_start(user=student, assessment=timed, now=timezone.now() - timezone.timedelta(minutes=11))
    fresh = AssessmentFactory(course=course, time_limit_minutes=10, questions=[single])
    still_open = attempt_start(user=student, assessment=fresh)
    assert attempts_overdue_submit_task.apply().get() == 1
    attempt.refresh_from_db()
    still_open.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.auto_submitted
    assert still_open.status == AttemptStatus.IN_PROGRESS


def test_starting_again_after_the_deadline_submits_the_old_attempt_first(student, enrolment, course, single):
    timed = AssessmentFactory(course=course, time_limit_minutes=10, questions=[single])
    old = attempt_start(user=student, assessment=timed, now=timezone.now() - timezone.timedelta(minutes=11))
    new = attempt_start(user=student, assessment=timed)
    old.refresh_from_db()
    assert new.pk != old.pk and old.status == AttemptStatus.GRADED and old.auto_submitted


def test_feedback_after_closing_needs_a_closing_date(course):
    from django.core.exceptions import ValidationError

    assessment = AssessmentFactory.build(course=course, feedback_policy="after_close", closes_at=None)
    with pytest.raises(ValidationError) as error:
        assessment.clean()
    assert "closing date" in str(error.value)


def test_result_emails_lost_at_commit_are_sent_by_the_sweep_once(student, enrolment, quiz):
    from django.core import mail

    from assessments.services import attempt_results_unsent_notify

    attempt = attempt_start(user=student, assessment=quiz)
    attempt_submit(user=student, attempt_id=attempt.pk)  # graded; its email was never queued
    later = timezone.now() + timezone.timedelta(minutes=11)
    assert attempt_results_unsent_notify() == 0
    assert attempt_results_unsent_notify(now=later) == 1 and len(mail.outbox) == 1
    assert attempt_results_unsent_notify(now=later) == 0


# What each process keeps (assessments.frozen): never stale


def test_a_start_after_editing_a_question_freezes_the_edited_question(student, enrolment, course, quiz, single):
    first = attempt_start(user=student, assessment=quiz)
    attempt_submit(user=student, attempt_id=first.pk)
    single.prompt = "<p>Who approves the budget, in the end?</p>"
    single.save()
    option = single.options.get(text="The general staff")
    option.text = "The chief of defence"
    option.save()
    QuestionOption.objects.create(question=single, text="The audit office", is_correct=False, sort_order=9)
    second = attempt_start(user=student, assessment=quiz)
    snapshot = second.questions.get(position=1).snapshot
    assert snapshot["prompt"] == "<p>Who approves the budget, in the end?</p>"
    assert [o["text"] for o in snapshot["options"]] == [
        "Parliament",
        "The chief of defence",
        "The president alone",
        "The audit office",
    ]
    # The first attempt keeps the question as it was asked.
    assert first.questions.get(position=1).snapshot["options"][1]["text"] == "The general staff"
    # And the new option is one autosave accepts.
    answer_save(user=student, attempt_id=second.pk, position=1, raw=_option(second, 1, "The audit office"))


def test_a_start_after_adding_a_question_asks_it(student, enrolment, course, quiz):
    from assessments.models import AssessmentItem

    attempt_submit(user=student, attempt_id=attempt_start(user=student, assessment=quiz).pk)
    added = QuestionFactory(course=course, title="Added", options=[("Yes", True), ("No", False)])
    AssessmentItem.objects.create(assessment=quiz, question=added, sort_order=5)
    second = attempt_start(user=student, assessment=quiz)
    assert [item.question_id for item in second.questions.order_by("position")][-1] == added.pk


def test_autosave_checks_answers_the_same_without_the_kept_shape(student, other_student, enrolment, course, quiz):
    """A process that did not start the attempt (another gunicorn worker) reads its shape from the database."""
    from assessments import frozen

    attempt = attempt_start(user=student, assessment=quiz)
    frozen.forget_all()
    EnrolmentFactory(user=other_student, course=course)
    _refused("not_found", answer_save, user=other_student, attempt_id=attempt.pk, position=1, raw="1")
    _refused("unknown_question", answer_save, user=student, attempt_id=attempt.pk, position=3, raw="1")
    _refused("invalid_answer", answer_save, user=student, attempt_id=attempt.pk, position=2, raw=["x", 1])
    saved = answer_save(user=student, attempt_id=attempt.pk, position=1, raw=_option(attempt, 1, "Parliament"))
    assert saved.position == 1 and saved.answer == {"option": _option(attempt, 1, "Parliament")}
    assert attempt.questions.get(position=1).answer == saved.answer
    _refused("not_found", answer_save, user=student, attempt_id=attempt.pk + 1000, position=1, raw="1")


def test_a_refused_start_still_submits_the_overdue_attempt(student, enrolment, course, single):
    once = AssessmentFactory(course=course, time_limit_minutes=10, attempts_allowed=1, questions=[single])
    old = attempt_start(user=student, assessment=once, now=timezone.now() - timezone.timedelta(hours=1))
    refusal = _refused("no_attempts_left", attempt_start, user=student, assessment=once)
    assert refusal.overdue_submitted
    old.refresh_from_db()
    assert old.status == AttemptStatus.GRADED and old.auto_submitted and old.submitted_at == old.deadline


def test_starting_an_assessment_counts_as_activity_on_the_enrolment(student, enrolment, course, single):
    quiz = AssessmentFactory(course=course, questions=[single], is_required=False)
    assert enrolment.last_activity_at is None
    attempt_start(user=student, assessment=quiz)
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None
