"""The admin screens this project adds (enrolments, import, grading, gradebook, statistics) are
accessible (axe-core: no serious or critical violation) and raise no CSP or script errors."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def teaching(site_tree, transactional_db):
    from assessments.factories import AssessmentFactory, QuestionFactory
    from assessments.services import answer_save, attempt_start, attempt_submit
    from courses.factories import CohortFactory, CoursePageFactory, EnrolmentFactory, ModulePageFactory
    from lms.accounts.factories import UserFactory
    from lms.accounts.roles import Role

    instructor = UserFactory(email="grace.okafor@example.org", first_name="Grace", roles=[Role.INSTRUCTOR])
    UserFactory(email="priya.raman@example.org", first_name="Priya", roles=[Role.PROGRAM_MANAGER])
    student = UserFactory(email="amina.diallo@example.org", first_name="Amina", roles=[Role.STUDENT])
    course = CoursePageFactory(
        parent=site_tree, title="Civilian Control", slug="civilian-control", instructors=[instructor]
    )
    ModulePageFactory(parent=course, title="Why it matters", slug="why-it-matters")
    cohort = CohortFactory(course=course, name="Spring intake", capacity=20)
    EnrolmentFactory(user=student, course=course, cohort=cohort)
    choice = QuestionFactory(course=course, title="Budget", options=[("Parliament", True), ("Staff", False)])
    essay = QuestionFactory(course=course, title="Reflection", type="essay", prompt="<p>Discuss.</p>", points=2)
    exam = AssessmentFactory(course=course, title="Final check", questions=[choice, essay])
    attempt = attempt_start(user=student, assessment=exam)
    answer_save(user=student, attempt_id=attempt.pk, position=2, raw="Parliament holds the purse.")
    attempt_submit(user=student, attempt_id=attempt.pk)
    return {"course": course, "cohort": cohort, "exam": exam, "attempt": attempt}


def _sign_in(page, email):
    page.goto("/accounts/login/?next=/admin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("pme-demo")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def _visit(page, problems, url, heading, label):
    page.goto(url)
    expect(page.get_by_role("heading", level=1).first).to_contain_text(heading)
    assert_accessible(page, label)
    assert not problems, (label, problems)


def test_manager_screens_are_accessible(page, teaching):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    _sign_in(page, "priya.raman@example.org")
    _visit(page, problems, "/admin/enrolments/", "Enrolments", "enrolment list")
    _visit(page, problems, "/admin/students/import/", "Import students", "student import")


def test_instructor_screens_are_accessible(page, teaching):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    _sign_in(page, "grace.okafor@example.org")
    course, exam = teaching["course"], teaching["exam"]
    _visit(page, problems, "/admin/assessments/grading/", "Grading", "grading queue")
    _visit(page, problems, f"/admin/assessments/gradebooks/{course.pk}/", "Gradebook", "gradebook")
    _visit(page, problems, f"/admin/assessments/statistics/{exam.pk}/", "Final check", "question statistics")
    _visit(page, problems, f"/admin/assessments/attempts/{teaching['attempt'].pk}/", "Final check", "attempt")
