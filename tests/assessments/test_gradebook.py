"""Gradebooks (students by assessments, best or latest score) and per-question statistics, with exports."""

import csv
import io
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from openpyxl import load_workbook

from assessments.factories import AssessmentFactory, QuestionFactory
from assessments.services import answer_save, attempt_start, attempt_submit
from assessments.staff import gradebook_for_course, question_statistics_for_assessment
from courses.factories import EnrolmentFactory
from lms.accounts.factories import UserFactory
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _take(student, assessment, answers):
    """Start, answer (position -> option text(s) or raw) and submit an attempt."""
    attempt = attempt_start(user=student, assessment=assessment)
    for item in attempt.questions.all():
        raw = answers.get(item.position)
        by_text = {o["text"]: o["id"] for o in item.snapshot["options"]}
        if isinstance(raw, str) and by_text:
            raw = by_text[raw]
        elif isinstance(raw, list):
            raw = [by_text[text] for text in raw]
        if raw is not None:
            answer_save(user=student, attempt_id=attempt.pk, position=item.position, raw=raw)
    return attempt_submit(user=student, attempt_id=attempt.pk)


def _student(course, n, **names):
    student = UserFactory(email=f"s{n}@example.org", roles=[Role.STUDENT], **names)
    EnrolmentFactory(user=student, course=course)
    return student


@pytest.fixture
def best_quiz(course, single, multiple):
    return AssessmentFactory(course=course, title="Best quiz", grade_rule="best", questions=[single, multiple])


@pytest.fixture
def latest_quiz(course, single):
    return AssessmentFactory(course=course, title="Latest quiz", grade_rule="latest", questions=[single])


def test_cells_follow_each_assessments_grade_rule_with_pass_or_fail(course, instructor, best_quiz, latest_quiz):
    student = _student(course, 1, first_name="Amina", last_name="Diallo")
    _take(student, best_quiz, {1: "Parliament", 2: ["Parliament", "Audit office", "Courts"]})  # 3 of 3
    _take(student, best_quiz, {1: "The general staff"})  # 0 of 3, later
    _take(student, latest_quiz, {1: "Parliament"})  # 100%
    _take(student, latest_quiz, {1: "The general staff"})  # 0%, later: counts
    gradebook = gradebook_for_course(user=instructor, course_id=course.pk)
    assert [a.title for a in gradebook.assessments] == ["Best quiz", "Latest quiz"]
    (row,) = gradebook.rows
    best, latest = row.cells
    assert (best.percent, best.passed, best.attempts) == (Decimal("100.00"), True, 2)
    assert (latest.percent, latest.passed, latest.attempts) == (Decimal("0.00"), False, 2)


def test_students_without_a_graded_attempt_and_essays_awaiting_grading(course, instructor, essay, best_quiz):
    waiting = _student(course, 1)
    _student(course, 2)  # never tried
    essay_exam = AssessmentFactory(course=course, title="Essay exam", questions=[essay])
    _take(waiting, essay_exam, {1: "My essay"})
    gradebook = gradebook_for_course(user=instructor, course_id=course.pk)
    cells = {row.student.email: row.cells for row in gradebook.rows}
    essay_cell = cells["s1@example.org"][[a.title for a in gradebook.assessments].index("Essay exam")]
    assert essay_cell.percent is None and essay_cell.awaiting_grading == 1
    assert all(cell.attempt_id is None for cell in cells["s2@example.org"])


def test_gradebook_reads_the_same_number_of_queries_for_few_and_many(client, instructor, course, single):
    quizzes = [AssessmentFactory(course=course, title=f"Quiz {n}", questions=[single]) for n in range(2)]
    _take(_student(course, 0), quizzes[0], {1: "Parliament"})
    client.force_login(instructor)
    url = f"/admin/assessments/gradebooks/{course.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    quizzes += [AssessmentFactory(course=course, title=f"Quiz {n}", questions=[single]) for n in range(2, 5)]
    for n in range(1, 9):
        student = _student(course, n)
        for quiz in quizzes:
            _take(student, quiz, {1: "Parliament" if n % 2 else "The general staff"})
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert html.count("Passed") >= 4 * 5 and html.count("Failed") >= 4 * 5


def test_gradebook_exports_escape_formulas_in_csv_and_keep_them_text_in_xlsx(client, instructor, course, single):
    quiz = AssessmentFactory(course=course, title="=HYPERLINK(1)", questions=[single])
    student = _student(course, 1, first_name="=cmd|' /C calc'!A0", last_name="")
    _take(student, quiz, {1: "Parliament"})
    client.force_login(instructor)
    url = f"/admin/assessments/gradebooks/{course.pk}/"
    response = client.get(url, {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][2].startswith("'=HYPERLINK(1)")
    assert rows[1][0].startswith("'=cmd") and rows[1][2:] == ["100.00", "Passed"]
    response = client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=cmd")
    assert sheet["C1"].data_type == "s"
    assert sheet["C2"].value == 100


def test_gradebooks_are_for_the_courses_instructors_and_administrators(
    client, instructor, other_instructor, manager, student, admin_user, course, other_course
):
    url = f"/admin/assessments/gradebooks/{course.pk}/"
    client.force_login(instructor)
    index = client.get("/admin/assessments/gradebooks/").content.decode()
    assert "Civilian Control" in index and "Export Controls" not in index
    assert client.get(url).status_code == 200
    for person in (other_instructor, manager, student):
        client.force_login(person)
        assert _refused(client.get(url)), person
        assert _refused(client.get(url, {"export": "csv"})), person
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    assert client.get(f"/admin/assessments/gradebooks/{other_course.pk}/").status_code == 200


def test_statistics_give_responses_difficulty_discrimination_and_options(course, instructor, single, multiple):
    hard = QuestionFactory(
        course=course, title="Hard one", options=[("Right", True), ("Wrong", False), ("Unused", False)]
    )
    quiz = AssessmentFactory(course=course, title="Stats quiz", questions=[single, multiple, hard])
    everything = ["Parliament", "Audit office", "Courts"]
    # Strong students get everything right; weak ones get the single question right only.
    for n in range(3):
        _take(_student(course, n), quiz, {1: "Parliament", 2: everything, 3: "Right"})
    for n in range(3, 6):
        _take(_student(course, n), quiz, {1: "Parliament", 2: ["Regimental band"], 3: "Wrong"})
    _take(_student(course, 6), quiz, {1: "The general staff"})  # two questions left blank
    _assessment, statistics = question_statistics_for_assessment(user=instructor, assessment_id=quiz.pk)
    by_title = {s.title: s for s in statistics}
    assert by_title["Budget approval"].difficulty == pytest.approx(6 / 7)
    assert by_title["Hard one"].presented == 7 and by_title["Hard one"].responses == 6
    assert by_title["Hard one"].difficulty == pytest.approx(3 / 7)
    assert by_title["Hard one"].discrimination > 0.8
    assert by_title["Oversight bodies"].discrimination > 0.8
    options = {o.text: (o.chosen, o.is_correct) for o in by_title["Hard one"].options}
    assert options == {"Right": (3, True), "Wrong": (3, False), "Unused": (0, False)}
    chosen = {o.text: o.chosen for o in by_title["Oversight bodies"].options}
    assert chosen == {"Parliament": 3, "Audit office": 3, "Regimental band": 3, "Courts": 3}
    assert by_title["Budget approval"].options[0].share == pytest.approx(6 / 7)


def test_statistics_read_the_same_number_of_queries_for_few_and_many_attempts(
    client, instructor, course, single, multiple
):
    quiz = AssessmentFactory(course=course, title="Stats quiz", questions=[single, multiple])
    _take(_student(course, 0), quiz, {1: "Parliament", 2: ["Courts"]})
    client.force_login(instructor)
    url = f"/admin/assessments/statistics/{quiz.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(1, 15):
        _take(_student(course, n), quiz, {1: "Parliament" if n % 3 else "The general staff", 2: ["Courts"]})
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert len(large) == len(small)
    assert "Pearson" in html and "15 of 15" in html


def test_statistics_are_refused_outside_the_instructors_courses(client, other_instructor, manager, course, single):
    quiz = AssessmentFactory(course=course, title="Stats quiz", questions=[single])
    for person in (other_instructor, manager):
        client.force_login(person)
        assert _refused(client.get(f"/admin/assessments/statistics/{quiz.pk}/"))
    assert question_statistics_for_assessment(user=other_instructor, assessment_id=quiz.pk) is None
