"""The grading queue, regrading and an attempt's detail in the admin, for the course's instructors only."""

from decimal import Decimal

import pytest

from assessments.factories import AssessmentFactory
from assessments.models import AttemptStatus, GradeChange, QuestionOption
from assessments.services import answer_save, attempt_start, attempt_submit
from courses.factories import EnrolmentFactory
from lms.accounts.factories import UserFactory
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db

QUEUE = "/admin/assessments/grading/"


def _refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _take(student, assessment, answers):
    """Start, answer (position -> raw answer, option texts for choice questions) and submit an attempt."""
    attempt = attempt_start(user=student, assessment=assessment)
    for item in attempt.questions.all():
        raw = answers.get(item.position)
        if isinstance(raw, str) and item.snapshot["options"]:
            raw = next(o["id"] for o in item.snapshot["options"] if o["text"] == raw)
        if raw is not None:
            answer_save(user=student, attempt_id=attempt.pk, position=item.position, raw=raw)
    return attempt_submit(user=student, attempt_id=attempt.pk)


@pytest.fixture
def exam(course, single, essay):
    return AssessmentFactory(course=course, title="Final exam", questions=[single, essay])


@pytest.fixture
def submitted(student, enrolment, exam):
    return _take(student, exam, {1: "Parliament", 2: "Civilian control rests with parliament."})


def _essay_item(attempt):
    return attempt.questions.get(position=2)


def test_the_queue_lists_submitted_essays_of_the_instructors_courses_oldest_first(
    client, instructor, course, exam, submitted
):
    later_student = UserFactory(email="late@example.org", first_name="Zeynep", last_name="Late", roles=[Role.STUDENT])
    EnrolmentFactory(user=later_student, course=course)
    later = _take(later_student, exam, {2: "Later essay"})
    client.force_login(instructor)
    html = client.get(QUEUE).content.decode()
    assert "2 essays awaiting grading" in html
    assert html.index(f"/grading/{_essay_item(submitted).pk}/") < html.index(f"/grading/{_essay_item(later).pk}/")


def test_other_instructors_see_an_empty_queue_and_cannot_open_the_essay(client, other_instructor, submitted):
    client.force_login(other_instructor)
    assert "Nothing to grade" in client.get(QUEUE).content.decode()
    assert _refused(client.get(f"{QUEUE}{_essay_item(submitted).pk}/"))
    response = client.post(f"{QUEUE}{_essay_item(submitted).pk}/", {"points": "4", "feedback": "Good"})
    assert _refused(response)
    assert _essay_item(submitted).points_awarded is None


def test_managers_and_students_are_refused_the_queue(client, manager, student, submitted):
    for person in (manager, student):
        client.force_login(person)
        assert _refused(client.get(QUEUE))


def test_the_grading_page_shows_prompt_rubric_and_answer(client, instructor, submitted):
    client.force_login(instructor)
    html = client.get(f"{QUEUE}{_essay_item(submitted).pk}/").content.decode()
    assert "Discuss." in html and "Two examples." in html and "Civilian control rests with parliament." in html
    assert "Points" in html and "Feedback to the student" in html


def test_grading_records_points_and_feedback_finalises_the_attempt_and_opens_the_next(
    client, instructor, course, exam, submitted
):
    second_student = UserFactory(email="second@example.org", roles=[Role.STUDENT])
    EnrolmentFactory(user=second_student, course=course)
    second = _take(second_student, exam, {2: "Another essay"})
    client.force_login(instructor)
    response = client.post(f"{QUEUE}{_essay_item(submitted).pk}/", {"points": "3.5", "feedback": "Two good examples."})
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}{_essay_item(second).pk}/"
    item = _essay_item(submitted)
    assert item.points_awarded == Decimal("3.50") and item.grader_feedback == "Two good examples."
    assert item.graded_by == instructor
    submitted.refresh_from_db()
    assert submitted.status == AttemptStatus.GRADED and submitted.score == Decimal("4.50")
    # The last one sends the grader back to an empty queue.
    response = client.post(f"{QUEUE}{_essay_item(second).pk}/", {"points": "1", "feedback": ""}, follow=True)
    assert "Every essay in the queue is graded." in response.content.decode()


@pytest.mark.parametrize("points,message", [("9", "Award between 0 and 4.00 points."), ("-1", "Award between 0")])
def test_points_out_of_range_are_a_form_error_and_nothing_is_written(client, instructor, submitted, points, message):
    client.force_login(instructor)
    response = client.post(f"{QUEUE}{_essay_item(submitted).pk}/", {"points": points, "feedback": "x"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _essay_item(submitted).points_awarded is None
    assert not GradeChange.objects.filter(attempt_question__attempt=submitted).exists()


def test_regrade_asks_first_then_reports_the_grades_changed_and_the_attempt_shows_who(
    client, instructor, student, enrolment, course, single
):
    quiz = AssessmentFactory(course=course, title="Key quiz", questions=[single])
    attempt = _take(student, quiz, {1: "The general staff"})
    assert attempt.score == Decimal("0.00")
    # The key was wrong: the general staff was meant to be correct too... fix it to that alone.
    QuestionOption.objects.filter(question=single).update(is_correct=False)
    QuestionOption.objects.filter(question=single, text="The general staff").update(is_correct=True)
    client.force_login(instructor)
    url = f"/admin/assessments/questions/{single.pk}/regrade/"
    confirm = client.get(url).content.decode()
    assert "1 submitted answer will be graded again" in confirm and 'method="post"' in confirm
    response = client.post(url, follow=True)
    assert "1 grade changed" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.00") and attempt.passed
    detail = client.get(f"/admin/assessments/attempts/{attempt.pk}/").content.decode()
    assert "regraded after a key change" in detail
    assert instructor.get_full_name() in detail
    assert "0.00" in detail and "1.00" in detail


def test_regrade_is_refused_to_other_instructors_and_changes_nothing(client, other_instructor, single, submitted):
    QuestionOption.objects.filter(question=single).update(is_correct=True)
    client.force_login(other_instructor)
    assert _refused(client.post(f"/admin/assessments/questions/{single.pk}/regrade/"))
    assert not GradeChange.objects.exists()


def test_the_edit_screen_offers_the_regrade(client, instructor, single):
    client.force_login(instructor)
    html = client.get(f"/admin/snippets/assessments/question/edit/{single.pk}/").content.decode()
    assert f"/admin/assessments/questions/{single.pk}/regrade/" in html


def test_attempt_detail_shows_questions_answers_points_and_grade_changes(client, instructor, submitted):
    client.force_login(instructor)
    client.post(f"{QUEUE}{_essay_item(submitted).pk}/", {"points": "2", "feedback": "Only one example."})
    html = client.get(f"/admin/assessments/attempts/{submitted.pk}/").content.decode()
    assert "Budget approval" in html and "Reflection" in html
    assert "Civilian control rests with parliament." in html and "Only one example." in html
    assert "graded by hand" in html and "3.00 of 5.00" in html


def test_attempt_detail_is_for_the_courses_instructors_and_administrators(
    client, other_instructor, manager, student, admin_user, submitted
):
    url = f"/admin/assessments/attempts/{submitted.pk}/"
    for person in (other_instructor, manager, student):
        client.force_login(person)
        assert _refused(client.get(url)), person
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    assert client.get("/admin/assessments/attempts/999999/").status_code == 404
