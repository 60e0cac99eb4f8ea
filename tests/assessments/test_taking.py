"""A student takes an assessment through the pages: start, answer (JSON and plain forms), submit, result."""

import json
import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from assessments.factories import AssessmentFactory, QuestionFactory
from assessments.models import Attempt, AttemptQuestion, AttemptStatus
from assessments.services import attempt_start, attempt_submit, essay_grade
from courses.factories import EnrolmentFactory, ModulePageFactory

pytestmark = pytest.mark.django_db


def _option(attempt, position, text):
    item = attempt.questions.get(position=position)
    return next(o["id"] for o in item.snapshot["options"] if o["text"] == text)


def _autosave(client, attempt_id, payload):
    return client.post(
        f"/assessments/attempts/{attempt_id}/answers/", data=json.dumps(payload), content_type="application/json"
    )


@pytest.fixture
def started(student, enrolment, quiz):
    return attempt_start(user=student, assessment=quiz)


# The start page


def test_start_page_shows_rules_and_a_start_button_to_an_enrolled_student(student_client, enrolment, course, single):
    quiz = AssessmentFactory(
        course=course,
        title="Oversight exam",
        instructions="<p>Answer every question.</p>",
        time_limit_minutes=20,
        attempts_allowed=2,
        pass_mark_percent=75,
        questions=[single],
    )
    response = student_client.get(f"/assessments/{quiz.pk}/")
    assert response.status_code == 200
    text = response.text
    assert "Oversight exam" in text and "Answer every question." in text
    assert "20 minutes" in text and "0 of 2 used" in text and "75%" in text
    assert ">Start</button>" in text
    assert "You have not taken this assessment yet." in text


def test_start_page_lists_previous_attempts_with_scores_and_offers_resume(student_client, student, enrolment, quiz):
    first = attempt_start(user=student, assessment=quiz)
    _autosave(student_client, first.pk, {"position": 1, "answer": _option(first, 1, "Parliament")})
    attempt_submit(user=student, attempt_id=first.pk)
    attempt_start(user=student, assessment=quiz)
    text = student_client.get(f"/assessments/{quiz.pk}/").text
    assert "33.33%" in text  # 1 of 3 points
    assert "Not passed" in text and "In progress" in text
    assert ">Resume</button>" in text


def test_start_page_explains_to_a_student_without_a_place(client, other_student, quiz):
    client.force_login(other_student)
    response = client.get(f"/assessments/{quiz.pk}/")
    assert response.status_code == 403
    assert "This assessment is for students enrolled in “Civilian Control”" in response.text
    assert "<form" not in response.text.split("<main", 1)[1].split("</main>")[0]


@pytest.mark.parametrize("status", ["pending", "withdrawn", "rejected"])
def test_start_page_refuses_students_whose_place_is_not_active(client, other_student, course, quiz, status):
    EnrolmentFactory(user=other_student, course=course, status=status)
    client.force_login(other_student)
    assert client.get(f"/assessments/{quiz.pk}/").status_code == 403


def test_start_page_is_open_to_students_who_completed_the_course(client, other_student, course, quiz):
    EnrolmentFactory(user=other_student, course=course, status="completed")
    client.force_login(other_student)
    assert client.get(f"/assessments/{quiz.pk}/").status_code == 200


def test_start_page_sends_anonymous_visitors_to_sign_in(client, quiz):
    response = client.get(f"/assessments/{quiz.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_start_page_of_an_unknown_assessment_or_unpublished_course_is_not_found(student_client, enrolment, quiz):
    assert student_client.get("/assessments/999999/").status_code == 404
    quiz.course.unpublish()
    assert student_client.get(f"/assessments/{quiz.pk}/").status_code == 404


def test_start_page_says_when_the_assessment_opens(student_client, enrolment, course, single):
    later = AssessmentFactory(course=course, opens_at=timezone.now() + timezone.timedelta(days=2), questions=[single])
    text = student_client.get(f"/assessments/{later.pk}/").text
    assert "This assessment opens on" in text and ">Start</button>" not in text


# Starting


def test_start_creates_an_attempt_and_goes_to_its_questions(student_client, student, enrolment, quiz):
    response = student_client.post(f"/assessments/{quiz.pk}/start/")
    attempt = Attempt.objects.get(user=student)
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/attempts/{attempt.pk}/"


def test_start_twice_resumes_the_same_attempt(student_client, student, enrolment, quiz):
    first = student_client.post(f"/assessments/{quiz.pk}/start/")["Location"]
    assert student_client.post(f"/assessments/{quiz.pk}/start/")["Location"] == first
    assert Attempt.objects.filter(user=student).count() == 1


def test_start_refusal_is_shown_on_the_start_page_and_writes_nothing(student_client, enrolment, course, single):
    once = AssessmentFactory(course=course, attempts_allowed=1, questions=[single])
    student_client.post(f"/assessments/{once.pk}/start/")
    attempt = Attempt.objects.get()
    student_client.post(f"/assessments/attempts/{attempt.pk}/submit/")
    response = student_client.post(f"/assessments/{once.pk}/start/", follow=True)
    assert response.redirect_chain[-1][0] == f"/assessments/{once.pk}/"
    assert "You have used all your attempts at this assessment." in response.text
    assert Attempt.objects.count() == 1


def test_start_by_a_student_without_a_place_is_refused(client, other_student, quiz):
    client.force_login(other_student)
    response = client.post(f"/assessments/{quiz.pk}/start/", follow=True)
    assert "Enrol in the course before taking its assessments." in response.text
    assert not Attempt.objects.exists()


def test_start_submits_a_forgotten_overdue_attempt_and_starts_afresh(
    student_client, student, enrolment, course, single
):
    timed = AssessmentFactory(course=course, time_limit_minutes=10, questions=[single])
    old = attempt_start(user=student, assessment=timed, now=timezone.now() - timezone.timedelta(hours=1))
    response = student_client.post(f"/assessments/{timed.pk}/start/")
    old.refresh_from_db()
    assert old.status == AttemptStatus.GRADED and old.auto_submitted
    new = Attempt.objects.get(user=student, status=AttemptStatus.IN_PROGRESS)
    assert response["Location"] == f"/assessments/attempts/{new.pk}/"


# The question pages


def test_question_page_shows_one_question_with_navigation(student_client, started):
    response = student_client.get(f"/assessments/attempts/{started.pk}/")
    text = response.text
    assert response.status_code == 200
    assert "Question 1 of 2" in text and "Which body approves the defence budget?" in text
    assert 'type="radio"' in text and "Which bodies oversee" not in text
    assert 'href="?q=2"' in text and 'aria-current="step"' in text
    assert "Next question" in text and "Previous question" not in text
    assert "js/attempt.js" in text
    second = student_client.get(f"/assessments/attempts/{started.pk}/?q=2").text
    assert "Which bodies oversee" in second and 'type="checkbox"' in second and "Previous question" in second


def test_question_page_of_a_missing_position_is_not_found(student_client, started):
    for q in ("3", "0", "x", "-1"):
        assert student_client.get(f"/assessments/attempts/{started.pk}/?q={q}").status_code == 404


def test_all_on_one_page_layout_shows_every_question(student, student_client, enrolment, course, single, multiple):
    quiz = AssessmentFactory(course=course, layout="all", questions=[single, multiple])
    attempt = attempt_start(user=student, assessment=quiz)
    text = student_client.get(f"/assessments/attempts/{attempt.pk}/").text
    assert "Question 1 of 2" in text and "Question 2 of 2" in text
    assert 'href="#question-2"' in text and "Save answer 2" in text


def test_question_page_renders_each_input_type(student, student_client, enrolment, course):
    kinds = [
        QuestionFactory(course=course, type="true_false", options=[("True", True), ("False", False)]),
        QuestionFactory(course=course, type="short_answer", accepted_answers="Parliament"),
        QuestionFactory(course=course, type="numeric", numeric_answer=Decimal("12.5")),
        QuestionFactory(course=course, type="essay"),
    ]
    quiz = AssessmentFactory(course=course, layout="all", questions=kinds)
    attempt = attempt_start(user=student, assessment=quiz)
    text = student_client.get(f"/assessments/attempts/{attempt.pk}/").text
    assert text.count('type="radio"') == 2
    assert 'inputmode="decimal"' in text
    assert "<textarea" in text
    assert text.count('type="text"') == 2
    assert text.count("<label") >= 5


def test_question_page_shows_a_countdown_from_the_server_time_left(student, student_client, enrolment, course, single):
    timed = AssessmentFactory(course=course, time_limit_minutes=30, questions=[single])
    attempt = attempt_start(user=student, assessment=timed)
    text = student_client.get(f"/assessments/attempts/{attempt.pk}/").text
    assert 'role="timer"' in text
    seconds = int(re.search(r'data-seconds-left="(\d+)"', text).group(1))
    assert 1790 <= seconds <= 1800
    assert re.search(r">(30:00|29:5\d)</strong>", text)
    # The warnings (at 10, 5 and 1 minutes) are spoken politely, never interrupting a question being read.
    assert 'aria-live="polite" aria-atomic="true"' in text and 'aria-live="assertive"' not in text
    assert 'data-msg-10="Ten minutes left."' in text


def test_question_page_without_a_time_limit_has_no_countdown(student_client, started):
    assert 'role="timer"' not in student_client.get(f"/assessments/attempts/{started.pk}/").text


def test_someone_elses_attempt_is_not_found_everywhere(client, other_student, started):
    client.force_login(other_student)
    base = f"/assessments/attempts/{started.pk}"
    for url in (f"{base}/", f"{base}/submit/", f"{base}/result/"):
        assert client.get(url).status_code == 404
    assert client.post(f"{base}/submit/").status_code == 404
    response = _autosave(client, started.pk, {"position": 1, "answer": _option(started, 1, "Parliament")})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.post(f"{base}/answers/", {"position": 1, "answer": "x"}).status_code == 404
    assert not AttemptQuestion.objects.filter(attempt=started, answer__isnull=False).exists()
    started.refresh_from_db()
    assert started.status == AttemptStatus.IN_PROGRESS


def test_a_submitted_attempt_redirects_from_its_questions_to_the_result(student, student_client, started):
    attempt_submit(user=student, attempt_id=started.pk)
    response = student_client.get(f"/assessments/attempts/{started.pk}/")
    assert response["Location"] == f"/assessments/attempts/{started.pk}/result/"


def test_an_overdue_attempt_is_submitted_with_saved_answers_on_the_next_visit(
    student, student_client, enrolment, course, single
):
    timed = AssessmentFactory(course=course, time_limit_minutes=5, questions=[single])
    attempt = attempt_start(user=student, assessment=timed, now=timezone.now() - timezone.timedelta(minutes=10))
    AttemptQuestion.objects.filter(attempt=attempt).update(answer={"option": _option(attempt, 1, "Parliament")})
    response = student_client.get(f"/assessments/attempts/{attempt.pk}/", follow=True)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.auto_submitted and attempt.score == Decimal("1")
    assert "Time was up" in response.text


# Autosave (JSON)


def test_autosave_saves_each_answer_format(student, student_client, started):
    response = _autosave(student_client, started.pk, {"position": 1, "answer": _option(started, 1, "Parliament")})
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["position"] == 1 and body["answered_at"]
    both = [_option(started, 2, "Parliament"), _option(started, 2, "Courts")]
    assert _autosave(student_client, started.pk, {"position": 2, "answer": both}).status_code == 200
    answers = dict(AttemptQuestion.objects.filter(attempt=started).values_list("position", "answer"))
    assert answers == {1: {"option": _option(started, 1, "Parliament")}, 2: {"options": sorted(both)}}


def test_autosave_saves_text_and_numbers(student, student_client, enrolment, course):
    short = QuestionFactory(course=course, type="short_answer", accepted_answers="Parliament")
    number = QuestionFactory(course=course, type="numeric", numeric_answer=Decimal("12.5"))
    quiz = AssessmentFactory(course=course, questions=[short, number])
    attempt = attempt_start(user=student, assessment=quiz)
    assert _autosave(student_client, attempt.pk, {"position": 1, "answer": "the parliament"}).status_code == 200
    assert _autosave(student_client, attempt.pk, {"position": 2, "answer": "12,5"}).status_code == 200
    answers = dict(AttemptQuestion.objects.filter(attempt=attempt).values_list("position", "answer"))
    assert answers == {1: {"text": "the parliament"}, 2: {"number": "12.5"}}


@pytest.mark.parametrize(
    "payload,code,message",
    [
        ({"position": 9, "answer": 1}, "unknown_question", "That question is not part of this attempt."),
        ({"position": 1, "answer": 999999}, "invalid_answer", "That option is not one of this question's options."),
        ({"position": "one", "answer": 1}, "invalid_request", "Say which question the answer is for"),
        ({"answer": 1}, "invalid_request", "Send the question's position and the answer."),
        ({"position": 1, "answer": {"option": 1}}, "invalid_request", "The answer must be an option"),
    ],
)
def test_autosave_refuses_bad_answers_with_a_clear_message(student_client, started, payload, code, message):
    response = _autosave(student_client, started.pk, payload)
    assert response.status_code == 400
    assert response.json()["code"] == code and message in response.json()["error"]
    assert not AttemptQuestion.objects.filter(attempt=started, answer__isnull=False).exists()


def test_autosave_refuses_a_body_that_is_not_json(student_client, started):
    response = student_client.post(
        f"/assessments/attempts/{started.pk}/answers/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_request"


def test_autosave_after_submission_is_a_conflict(student, student_client, started):
    attempt_submit(user=student, attempt_id=started.pk)
    response = _autosave(student_client, started.pk, {"position": 1, "answer": _option(started, 1, "Parliament")})
    assert response.status_code == 409 and response.json()["code"] == "submitted"


def test_autosave_after_the_deadline_is_a_conflict_and_submits_what_was_saved(
    student, student_client, enrolment, course, single
):
    timed = AssessmentFactory(course=course, time_limit_minutes=5, questions=[single])
    attempt = attempt_start(user=student, assessment=timed, now=timezone.now() - timezone.timedelta(minutes=10))
    response = _autosave(student_client, attempt.pk, {"position": 1, "answer": _option(attempt, 1, "Parliament")})
    assert response.status_code == 409 and response.json()["code"] == "deadline"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal("0")
    assert attempt.auto_submitted


def test_autosave_needs_the_csrf_header(student, started):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    payload = json.dumps({"position": 1, "answer": _option(started, 1, "Parliament")})
    url = f"/assessments/attempts/{started.pk}/answers/"
    assert client.post(url, data=payload, content_type="application/json").status_code == 403
    client.get(f"/assessments/attempts/{started.pk}/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(url, data=payload, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 200


# Plain form POST (no JavaScript)


def test_form_post_saves_and_goes_to_the_next_question(student_client, started):
    url = f"/assessments/attempts/{started.pk}/answers/"
    response = student_client.post(url, {"position": 1, "answer": _option(started, 1, "Parliament"), "next": "2"})
    assert response["Location"] == f"/assessments/attempts/{started.pk}/?q=2"
    both = [_option(started, 2, "Parliament"), _option(started, 2, "Audit office")]
    response = student_client.post(url, {"position": 2, "answer": both, "next": "submit"})
    assert response["Location"] == f"/assessments/attempts/{started.pk}/submit/"
    answers = dict(AttemptQuestion.objects.filter(attempt=started).values_list("position", "answer"))
    assert answers[2] == {"options": sorted(both)}


def test_form_post_with_one_checkbox_saves_a_list(student_client, started):
    url = f"/assessments/attempts/{started.pk}/answers/"
    student_client.post(url, {"position": 2, "answer": _option(started, 2, "Courts")})
    assert started.questions.get(position=2).answer == {"options": [_option(started, 2, "Courts")]}


def test_form_post_with_a_bad_answer_shows_the_message_on_the_question(student_client, student, enrolment, course):
    number = QuestionFactory(course=course, type="numeric", numeric_answer=Decimal("3"))
    quiz = AssessmentFactory(course=course, questions=[number])
    attempt = attempt_start(user=student, assessment=quiz)
    url = f"/assessments/attempts/{attempt.pk}/answers/"
    response = student_client.post(url, {"position": 1, "answer": "twelve"}, follow=True)
    assert "Enter a number, for example 12.5." in response.text
    assert attempt.questions.get().answer is None


def test_form_post_without_a_position_is_refused(student_client, started):
    response = student_client.post(f"/assessments/attempts/{started.pk}/answers/", {"answer": "1"}, follow=True)
    assert "Say which question the answer is for" in response.text


# Submitting


def test_submit_page_counts_unanswered_questions(student_client, started):
    _autosave(student_client, started.pk, {"position": 1, "answer": _option(started, 1, "Parliament")})
    text = student_client.get(f"/assessments/attempts/{started.pk}/submit/").text
    assert "1 of 2 questions has no answer" in text
    assert f'href="/assessments/attempts/{started.pk}/?q=2"' in text
    assert "Submit my answers" in text


def test_submit_grades_and_shows_the_result_and_a_second_submit_records_once(student_client, started):
    _autosave(student_client, started.pk, {"position": 1, "answer": _option(started, 1, "Parliament")})
    url = f"/assessments/attempts/{started.pk}/submit/"
    response = student_client.post(url)
    assert response["Location"] == f"/assessments/attempts/{started.pk}/result/"
    started.refresh_from_db()
    submitted_at = started.submitted_at
    assert student_client.post(url)["Location"] == f"/assessments/attempts/{started.pk}/result/"
    started.refresh_from_db()
    assert started.submitted_at == submitted_at and started.score == Decimal("1")
    assert Attempt.objects.count() == 1


def test_submit_page_of_a_submitted_attempt_goes_to_the_result(student, student_client, started):
    attempt_submit(user=student, attempt_id=started.pk)
    assert student_client.get(f"/assessments/attempts/{started.pk}/submit/").status_code == 302


# The result


def test_result_shows_score_and_review_with_immediate_feedback(student_client, enrolment, course):
    question = QuestionFactory(
        course=course,
        explanation="<p>Budgets pass through parliament.</p>",
        options=[("Parliament", True), ("The general staff", False)],
    )
    quiz = AssessmentFactory(course=course, questions=[question])
    student_client.post(f"/assessments/{quiz.pk}/start/")
    attempt = Attempt.objects.get()
    from assessments.models import QuestionOption

    QuestionOption.objects.filter(text="The general staff").update(feedback="Not in a democracy.")
    attempt.questions.update(
        snapshot=dict(
            attempt.questions.get().snapshot,
            options=[
                dict(o, feedback="Not in a democracy." if o["text"] == "The general staff" else "")
                for o in attempt.questions.get().snapshot["options"]
            ],
        )
    )
    _autosave(student_client, attempt.pk, {"position": 1, "answer": _option(attempt, 1, "The general staff")})
    student_client.post(f"/assessments/attempts/{attempt.pk}/submit/")
    text = student_client.get(f"/assessments/attempts/{attempt.pk}/result/").text
    assert "0 out of 1 points (0%)" in text and "Not passed" in text
    assert "Incorrect" in text and "correct answer" in text and "your answer" in text
    assert "Budgets pass through parliament." in text and "Not in a democracy." in text


def test_result_with_never_policy_shows_the_score_only(student, student_client, enrolment, course, single):
    single.explanation = "<p>Only parliament.</p>"
    single.save()
    quiz = AssessmentFactory(course=course, feedback_policy="never", questions=[single])
    attempt = attempt_start(user=student, assessment=quiz)
    attempt_submit(user=student, attempt_id=attempt.pk)
    text = student_client.get(f"/assessments/attempts/{attempt.pk}/result/").text
    assert "0 out of 1 points" in text and "shows the score only" in text
    assert "Only parliament." not in text and "correct answer" not in text


def test_result_after_close_shows_the_review_only_once_closed(student, student_client, enrolment, course, single):
    single.explanation = "<p>Only parliament.</p>"
    single.save()
    now = timezone.now()
    quiz = AssessmentFactory(
        course=course, feedback_policy="after_close", closes_at=now + timezone.timedelta(days=1), questions=[single]
    )
    attempt = attempt_start(user=student, assessment=quiz)
    attempt_submit(user=student, attempt_id=attempt.pk)
    url = f"/assessments/attempts/{attempt.pk}/result/"
    text = student_client.get(url).text
    assert "after the assessment closes on" in text and "Only parliament." not in text
    quiz.closes_at = now - timezone.timedelta(minutes=1)
    quiz.opens_at = None
    quiz.save()
    assert "Only parliament." in student_client.get(url).text


def test_result_of_an_essay_awaits_grading_then_shows_the_feedback(
    student, student_client, instructor, enrolment, course, essay
):
    quiz = AssessmentFactory(course=course, feedback_policy="never", questions=[essay])
    attempt = attempt_start(user=student, assessment=quiz)
    _autosave(student_client, attempt.pk, {"position": 1, "answer": "Budgets and appointments."})
    student_client.post(f"/assessments/attempts/{attempt.pk}/submit/")
    url = f"/assessments/attempts/{attempt.pk}/result/"
    text = student_client.get(url).text
    assert "Awaiting grading." in text and "Two examples." not in text
    essay_grade(grader=instructor, attempt_question_id=attempt.questions.get().pk, points=3, feedback="Good points.")
    text = student_client.get(url).text
    assert "3 out of 4 points (75%)" in text and "Good points." in text and "Two examples." not in text


def test_result_of_an_open_attempt_goes_back_to_the_questions(student_client, started):
    response = student_client.get(f"/assessments/attempts/{started.pk}/result/")
    assert response["Location"] == f"/assessments/attempts/{started.pk}/"


# The course page and the dashboard


def test_course_page_lists_the_assessments_with_the_students_standing(student, student_client, enrolment, course, quiz):
    text = student_client.get(course.url).text
    assert "Oversight quiz" in text and "Not started" in text
    attempt = attempt_start(user=student, assessment=quiz)
    assert "In progress" in student_client.get(course.url).text  # the cached part was retired
    for position, texts in ((1, ["Parliament"]), (2, ["Parliament", "Audit office", "Courts"])):
        answer = [_option(attempt, position, t) for t in texts]
        _autosave(student_client, attempt.pk, {"position": position, "answer": answer[0] if position == 1 else answer})
    attempt_submit(user=student, attempt_id=attempt.pk)
    assert "Passed, best score 100%" in student_client.get(course.url).text


def test_course_page_shows_no_assessments_to_visitors_without_a_place(client, other_student, course, quiz):
    assert "Oversight quiz" not in client.get(course.url).text
    client.force_login(other_student)
    assert "Oversight quiz" not in client.get(course.url).text


def test_course_page_shows_a_new_assessment_at_once(student_client, enrolment, course, quiz, single):
    assert "Final exam" not in student_client.get(course.url).text
    AssessmentFactory(course=course, title="Final exam", questions=[single])
    assert "Final exam" in student_client.get(course.url).text


def test_course_page_names_the_module_of_a_module_assessment(student_client, enrolment, course, single):
    module = ModulePageFactory(parent=course, title="Oversight institutions", slug="oversight")
    AssessmentFactory(course=course, module=module, title="Module check", questions=[single])
    text = student_client.get(course.url).text
    assert "Module check" in text and "(Oversight institutions)" in text


def test_dashboard_lists_the_latest_attempt_of_each_assessment(student, student_client, enrolment, quiz):
    assert "Assessment results" not in student_client.get("/dashboard/").text
    first = attempt_start(user=student, assessment=quiz)
    attempt_submit(user=student, attempt_id=first.pk)
    second = attempt_start(user=student, assessment=quiz)
    text = student_client.get("/dashboard/").text
    assert "Assessment results" in text and "Oversight quiz" in text
    assert f"/assessments/attempts/{second.pk}/" in text and "In progress: continue" in text


# Queries stay bounded


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("layout", ["one", "all"])
def test_question_page_reads_a_fixed_number_of_queries(student, student_client, enrolment, course, layout):
    def attempt_with(count):
        questions = [QuestionFactory(course=course, options=[("Yes", True), ("No", False)]) for _ in range(count)]
        quiz = AssessmentFactory(course=course, layout=layout, questions=questions)
        return attempt_start(user=student, assessment=quiz)

    small, large = attempt_with(2), attempt_with(12)
    student_client.get(f"/assessments/attempts/{small.pk}/")  # warm the session
    assert _queries(student_client, f"/assessments/attempts/{small.pk}/") == _queries(
        student_client, f"/assessments/attempts/{large.pk}/"
    )
