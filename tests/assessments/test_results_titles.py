"""Assessment results and standings name courses and modules as the student reads them.

The dashboard's "Assessment results" table and the course page's list of
assessments give the course's and the module's titles in the reader's language
when a lendable translation has one (courses.api.titles_in_language), and the
original's otherwise: a draft, unpublished or more private translation lends
nothing.
"""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import pytest

from assessments.factories import AssessmentFactory, QuestionFactory
from assessments.services import attempt_start, attempt_submit
from assessments.student import assessment_statuses_for_course, attempt_results_for_student
from courses.factories import CoursePageFactory, EnrolmentFactory
from courses.services import page_translation_save

pytestmark = pytest.mark.django_db


def _taken(student, assessment):
    attempt = attempt_start(user=student, assessment=assessment, language="fr")
    return attempt_submit(user=student, attempt_id=attempt.pk)


def _results_courses(html: str) -> list[str]:
    """The "Course" column of the dashboard's results table."""
    table = re.search(r'id="assessment-results-heading".*?</table>', html, re.S).group(0)
    return re.findall(r"</a></td>\s*<td>([^<]*)</td>", table)


def test_the_results_table_names_the_course_in_the_readers_language(
    french_client, student, enrolment, course, quiz, catalogue
):
    other = CoursePageFactory(parent=catalogue, title="Export Controls", slug="export-controls")
    EnrolmentFactory(user=student, course=other)
    licence = QuestionFactory(course=other, title="Licence", options=[("Yes", True), ("No", False)])
    other_quiz = AssessmentFactory(course=other, title="Licensing quiz", questions=[licence])
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    _taken(student, quiz)
    assert _results_courses(french_client.get("/dashboard/").text) == ["Contrôle civil"]
    # A course without a French translation keeps its original title beside it.
    _taken(student, other_quiz)
    assert sorted(_results_courses(french_client.get("/dashboard/").text)) == ["Contrôle civil", "Export Controls"]


@pytest.mark.parametrize("hidden", ["unpublished", "more private"])
def test_a_translation_that_lends_nothing_leaves_the_original_title(
    french_client, student, enrolment, course, quiz, hidden
):
    french = page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    if hidden == "unpublished":
        french.unpublish()
    else:
        PageViewRestriction.objects.create(page=french, restriction_type=PageViewRestriction.PASSWORD, password="x")
    _taken(student, quiz)
    assert _results_courses(french_client.get("/dashboard/").text) == ["Civilian Control"]


def test_results_in_the_original_language_or_an_unknown_one_keep_the_original_title(student, enrolment, course, quiz):
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    _taken(student, quiz)
    for language in (None, "en", "xx"):
        assert [row["course_title"] for row in attempt_results_for_student(user=student, language=language)] == [
            "Civilian Control"
        ], language
    assert [row["course_title"] for row in attempt_results_for_student(user=student, language="fr")] == [
        "Contrôle civil"
    ]


def test_the_course_pages_assessments_name_their_module_in_the_readers_language(
    french_client, student, enrolment, course, modules, single
):
    AssessmentFactory(course=course, module=modules[0], title="Part one check", questions=[single])
    page_translation_save(source=modules[0], language="fr", fields={"title": "Première partie"})
    page = french_client.get(course.url).text
    listed = re.search(r'<ul[^>]*>\s*<li><a href="/assessments/.*?</ul>', page, re.S).group(0)
    assert "(Première partie)" in listed and "(Part 1)" not in listed
    statuses = assessment_statuses_for_course(user=student, course_id=course.pk, language="en")
    assert [status["module"] for status in statuses] == ["Part 1"]


def test_results_in_french_cost_the_same_whatever_the_number_of_courses(student, enrolment, course, quiz, catalogue):
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    _taken(student, quiz)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = attempt_results_for_student(user=student, language="fr")
        return len(captured), rows

    small, _rows = queries()
    for n in range(4):
        other = CoursePageFactory(parent=catalogue, title=f"Course {n}", slug=f"course-{n}")
        page_translation_save(source=other, language="fr", fields={"title": f"Cours {n}"})
        EnrolmentFactory(user=student, course=other)
        question = QuestionFactory(course=other, options=[("Yes", True), ("No", False)])
        _taken(student, AssessmentFactory(course=other, questions=[question]))
    large, rows = queries()
    assert small == large
    assert sorted(row["course_title"] for row in rows) == ["Contrôle civil", *(f"Cours {n}" for n in range(4))]
