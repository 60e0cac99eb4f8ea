"""The Wagtail admin works for an instructor under the site's Content-Security-Policy."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def taught_course(site_tree, transactional_db):
    from courses.factories import CoursePageFactory, ModulePageFactory
    from lms.accounts.factories import UserFactory
    from lms.accounts.roles import Role

    instructor = UserFactory(email="grace.okafor@example.org", first_name="Grace", roles=[Role.INSTRUCTOR])
    course = CoursePageFactory(
        parent=site_tree, title="Civilian Control", slug="civilian-control", instructors=[instructor]
    )
    ModulePageFactory(parent=course, title="Why it matters", slug="why-it-matters")
    return course


def test_instructor_edits_their_course_in_the_admin_without_policy_violations(page, taught_course):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email address").fill("grace.okafor@example.org")
    page.get_by_label("Password").fill("pme-demo")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(f"/admin/pages/{taught_course.pk}/edit/")
    title = page.get_by_label(re.compile(r"^Title"))
    expect(title).to_have_value("Civilian Control")
    title.fill("Civilian Control of the Armed Forces")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("has been updated", exact=False)).to_be_visible()
    assert not problems, problems
