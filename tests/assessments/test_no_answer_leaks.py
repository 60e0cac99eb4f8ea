"""Nothing that gives an answer away reaches the student before their attempt is graded.

Every question type carries key material with a marker no student-facing text
contains; every page and JSON answer a student can get while the attempt is
open (and while an essay awaits grading) is searched for those markers, and
the markup of correct and wrong options is compared: they differ only in id
and text.
"""

import json
import re
from decimal import Decimal

import pytest

from assessments.factories import AssessmentFactory, QuestionFactory
from assessments.models import Attempt, QuestionOption
from assessments.services import attempt_start, attempt_submit

pytestmark = pytest.mark.django_db

# Key material: none of it may appear before grading.
SECRETS = (
    "SECRET-EXPLANATION",
    "SECRET-OPTION-FEEDBACK",
    "SECRET-ACCEPTED",
    "SECRET-RUBRIC",
    "SECRET-TITLE",  # the bank's name for a question: "students do not see it"
    "4242.75",  # the numeric answer
    "0.3125",  # its tolerance
    # The snapshot's own keys, should a snapshot ever be dumped whole into a page or a reply.
    "is_correct",
    "numeric_answer",
    "numeric_tolerance",
    "accepted_answers",
    "scoring_rule",
    '"explanation"',
    '"rubric"',
    '"feedback"',
)


def _question(course, kind, n, **fields):
    question = QuestionFactory(
        course=course,
        type=kind,
        title=f"SECRET-TITLE {kind}",
        prompt=f"<p>Prompt {n} for {kind}</p>",
        explanation=f"<p>SECRET-EXPLANATION {kind}</p>",
        rubric=f"SECRET-RUBRIC {kind}",
        **fields,
    )
    return question


@pytest.fixture
def every_type(course):
    questions = [
        _question(course, "single", 1, options=[("Right one", True), ("Wrong one", False), ("Also wrong", False)]),
        _question(course, "multiple", 2, options=[("Yes A", True), ("Yes B", True), ("No C", False)]),
        _question(course, "true_false", 3, options=[("True", False), ("False", True)]),
        _question(course, "short_answer", 4, accepted_answers="SECRET-ACCEPTED one\nSECRET-ACCEPTED two"),
        _question(course, "numeric", 5, numeric_answer=Decimal("4242.75"), numeric_tolerance=Decimal("0.3125")),
        _question(course, "essay", 6),
    ]
    QuestionOption.objects.filter(question__in=questions).update(feedback="SECRET-OPTION-FEEDBACK")
    return questions


def _assert_clean(label, text):
    found = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert not found, f"{label} gives away {found}"


def _option_tags(html):
    """Each option input with its id and value blanked: correct and wrong must look the same."""
    tags = re.findall(r'<input type="(?:radio|checkbox)"[^>]*>', html)
    return {re.sub(r'(id|value)="[^"]*"', r'\1=""', re.sub(r" checked", "", tag)) for tag in tags}


def _json(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


@pytest.mark.parametrize("layout", ["one", "all"])
def test_nothing_gives_an_answer_away_before_grading(student, student_client, enrolment, course, every_type, layout):
    quiz = AssessmentFactory(
        course=course, title="Leak check", layout=layout, time_limit_minutes=30, questions=every_type
    )
    pages = {}

    def get(label, url):
        response = student_client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        pages[label] = response.text

    get("start page", f"/assessments/{quiz.pk}/")
    student_client.post(f"/assessments/{quiz.pk}/start/")
    attempt = Attempt.objects.get(user=student)
    base = f"/assessments/attempts/{attempt.pk}"
    get("questions", f"{base}/")
    if layout == "one":
        for position in range(1, len(every_type) + 1):
            get(f"question {position}", f"{base}/?q={position}")
    get("course page", course.url)
    get("dashboard", "/dashboard/")

    # Every autosave reply: saved, and each kind of refusal.
    items = {item.position: item for item in attempt.questions.all()}
    replies = []
    for position, item in items.items():
        options = [o["id"] for o in item.snapshot["options"]]
        kind = item.snapshot["type"]
        answer = {
            "single": options[:1] and options[0],
            "true_false": options[:1] and options[0],
            "multiple": options[:2],
            "short_answer": "a guess",
            "numeric": "12",
            "essay": "My essay.",
        }[kind]
        replies.append(_json(student_client, f"{base}/answers/", {"position": position, "answer": answer}))
    replies.append(_json(student_client, f"{base}/answers/", {"position": 99, "answer": 1}))
    replies.append(_json(student_client, f"{base}/answers/", {"position": 1, "answer": 987654}))
    replies.append(_json(student_client, f"{base}/answers/", {"position": 5, "answer": "not a number"}))
    for reply in replies:
        _assert_clean(f"autosave reply {reply.status_code}", reply.content.decode())
        assert set(reply.json()) in ({"saved", "position", "answered_at"}, {"error", "code"})

    # With the answers saved (checked options show as checked): the pages again, and the confirmation.
    get("questions, answered", f"{base}/")
    if layout == "one":
        for position in range(1, len(every_type) + 1):
            get(f"question {position}, answered", f"{base}/?q={position}")
    get("submit confirmation", f"{base}/submit/")
    get("start page, in progress", f"/assessments/{quiz.pk}/")
    get("course page, in progress", course.url)
    get("dashboard, in progress", "/dashboard/")
    # The result page of an open attempt sends the student back to the questions.
    assert student_client.get(f"{base}/result/")["Location"] == f"{base}/"

    for label, text in pages.items():
        _assert_clean(label, text)
        tags = _option_tags(text)
        for tag in tags:
            assert "correct" not in tag and "data-" not in tag.replace("data-position", ""), (label, tag)
    # Correct and wrong options of the same question render alike (only id and text differ).
    single = pages["question 1" if layout == "one" else "questions"]
    assert len(_option_tags(single.split("question-2-heading")[0])) == 1

    # Submitted with an essay waiting for a grader: still nothing, whatever the feedback policy.
    student_client.post(f"{base}/submit/")
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    response = student_client.get(f"{base}/result/")
    assert "Awaiting grading." in response.text
    _assert_clean("result, awaiting grading", response.text)
    _assert_clean("dashboard, awaiting grading", student_client.get("/dashboard/").text)


def test_a_graded_attempt_under_the_never_policy_shows_no_key(student, student_client, enrolment, course, every_type):
    objective = every_type[:5]
    quiz = AssessmentFactory(course=course, feedback_policy="never", questions=objective)
    attempt = attempt_start(user=student, assessment=quiz)
    attempt_submit(user=student, attempt_id=attempt.pk)
    _assert_clean("result, never", student_client.get(f"/assessments/attempts/{attempt.pk}/result/").text)


def test_a_graded_attempt_with_immediate_feedback_does_show_the_key(
    student, student_client, enrolment, course, every_type
):
    """The check above would pass on an empty page: here the same markers do show once allowed."""
    objective = every_type[:5]
    quiz = AssessmentFactory(course=course, feedback_policy="immediate", questions=objective)
    attempt = attempt_start(user=student, assessment=quiz)
    attempt_submit(user=student, attempt_id=attempt.pk)
    text = student_client.get(f"/assessments/attempts/{attempt.pk}/result/").text
    for shown in ("SECRET-EXPLANATION", "SECRET-ACCEPTED one", "4242.75", "0.3125", "correct answer"):
        assert shown in text
    assert "SECRET-RUBRIC" not in text and "SECRET-TITLE" not in text
