"""A student's journey through enrolment and progress, in Chromium, with axe-core on every new page.

Open course: enrol, read and complete the modules, follow the resume link, finish the course.
Approval course: request a place, see it waiting, cancel the request. Closed course and a
course with a missing prerequisite: no enrol button, and why. The course and module pages in
Arabic are in test_rtl.py.
"""

import datetime
import re

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

import pytest
from playwright.sync_api import expect

from tests.e2e.support import MODULE_TITLES, assert_accessible

pytestmark = pytest.mark.browser

STUDENT_EMAIL, PASSWORD = "amina.diallo@example.org", "pme-demo"
COURSE_URL = "/catalogue/civilian-control/"


def _today() -> str:
    """Today as the pages print it in English (``DATE_FORMAT``)."""
    with translation.override("en"):
        return date_format(timezone.localdate(), "DATE_FORMAT")


def _sign_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    _sign_in_form_fill(page)
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def _sign_in_form_fill(page) -> None:
    page.get_by_label("Email address").fill(STUDENT_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _panel(page):
    """The course page's enrolment panel (a personal part)."""
    return page.get_by_role("region", name="Your place on this course")


def _status(page):
    return page.locator(".messages[role=status]")


def _progress_expect(scope, done: int, total: int) -> None:
    percent = round(100 * done / total)
    bar = scope.get_by_role("progressbar", name=re.compile(r"^Progress in "))
    expect(bar).to_have_count(1)
    expect(bar).to_have_attribute("value", str(percent))
    expect(scope.locator(".progress__text")).to_have_text(f"{done} of {total} required modules complete ({percent}%)")


def _mark_complete(page) -> None:
    page.get_by_role("button", name="Mark this module as complete").click()


def _enrol_buttons(page):
    return _panel(page).get_by_role("button", name=re.compile(r"^(Enrol|Request a place)$"))


@pytest.fixture
def cohorts(curriculum):
    """Two intakes of the open course with places left; the student chooses one."""
    from courses.factories import CohortFactory

    today = timezone.localdate()
    course = curriculum["course"]
    return {
        "spring": CohortFactory(
            course=course,
            name="Spring intake",
            starts_on=today - datetime.timedelta(days=10),
            ends_on=today + datetime.timedelta(days=80),
            capacity=12,
        ),
        "autumn": CohortFactory(
            course=course,
            name="Autumn intake",
            starts_on=today + datetime.timedelta(days=120),
            ends_on=today + datetime.timedelta(days=200),
        ),
    }


@pytest.fixture
def other_courses(curriculum):
    """An approval course with one intake, a closed course, and one that needs another first."""
    from courses.factories import CohortFactory, CoursePageFactory

    with transaction.atomic():
        catalogue = curriculum["catalogue"]
        approval = CoursePageFactory(
            parent=catalogue, title="Defence Budgeting", slug="defence-budgeting", enrolment_policy="approval"
        )
        CohortFactory(course=approval, name="2026 budget intake", capacity=20)
        closed = CoursePageFactory(
            parent=catalogue,
            title="Strategic Leadership Seminar",
            slug="strategic-leadership",
            enrolment_policy="closed",
        )
        advanced = CoursePageFactory(
            parent=catalogue,
            title="Oversight in Practice",
            slug="oversight-in-practice",
            prerequisites=[curriculum["oversight"]],
        )
    return {"approval": approval, "closed": closed, "advanced": advanced}


def test_open_course_enrol_complete_modules_resume_and_finish(page, curriculum, cohorts, student):
    modules = curriculum["modules"]

    # Anonymous: an invitation to sign in, and the module text stays behind a locked panel.
    page.goto(COURSE_URL)
    panel = _panel(page)
    expect(panel.get_by_role("link", name="Sign in to enrol")).to_be_visible()
    expect(_enrol_buttons(page)).to_have_count(0)
    assert_accessible(page, "course, anonymous")

    page.get_by_role("region", name="Course outline").get_by_role("link", name=MODULE_TITLES[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLES[0])
    locked = page.locator(".prose .locked")
    expect(locked.get_by_role("heading", level=2)).to_have_text("This module is for enrolled students")
    expect(page.locator(".prose")).not_to_contain_text("The principle")
    expect(page.locator(".prose")).not_to_contain_text("Elected civilians set defence policy")
    expect(page.get_by_role("button", name="Mark this module as complete")).to_have_count(0)
    assert_accessible(page, "module, locked, anonymous")

    # Sign in from the course page's panel, and come back to the course.
    page.goto(COURSE_URL)
    _panel(page).get_by_role("link", name="Sign in to enrol").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    _sign_in_form_fill(page)
    expect(page).to_have_url(re.compile(re.escape(COURSE_URL) + "$"))
    panel = _panel(page)
    choice = panel.get_by_role("group", name="Choose a cohort")
    expect(choice.get_by_role("radio")).to_have_count(2)
    expect(choice.get_by_role("radio", name=re.compile(r"^Spring intake.*12 places left"))).to_be_checked()
    expect(panel.get_by_role("progressbar")).to_have_count(0)
    assert_accessible(page, "course, signed in, not enrolled")

    # Signed in but not enrolled: still locked, with the way back to the course.
    page.goto(modules[0].url)
    expect(page.locator(".prose .locked")).to_contain_text("Enrol in the course to read its modules")
    expect(page.locator(".prose")).not_to_contain_text("The principle")
    assert_accessible(page, "module, locked, signed in")
    page.get_by_role("link", name="Go to “Civilian Control of the Armed Forces”").click()
    expect(page).to_have_url(re.compile(re.escape(COURSE_URL) + "$"))

    # Enrol in the second intake.
    panel = _panel(page)
    panel.get_by_role("radio", name=re.compile(r"^Autumn intake")).check()
    panel.get_by_role("button", name="Enrol").click()
    expect(_status(page)).to_contain_text("You are enrolled")
    panel = _panel(page)
    expect(panel).to_contain_text(f"You are enrolled since {_today()}.")
    expect(panel).to_contain_text("Cohort: Autumn intake.")
    _progress_expect(panel, 0, 3)
    start = panel.get_by_role("link", name=f"Start: {MODULE_TITLES[0]}")
    expect(start).to_be_visible()
    expect(_enrol_buttons(page)).to_have_count(0)
    assert_accessible(page, "course, enrolled at 0%")

    # Module 1: the text, the button; completing it leads on to module 2.
    start.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLES[0])
    expect(page.locator(".prose").get_by_role("heading", name="The principle")).to_be_visible()
    expect(page.locator(".prose .locked")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark this module as complete")).to_be_visible()
    assert_accessible(page, "module, unlocked, not complete")
    _mark_complete(page)
    expect(page).to_have_url(re.compile(r"/catalogue/civilian-control/part-2/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLES[1])
    expect(_status(page)).to_contain_text("Module complete. Here is the next one.")

    # The dashboard: one of three done, and the way back in.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    active = page.get_by_role("region", name="Your courses")
    card = active.get_by_role("listitem").filter(has=page.get_by_role("link", name=curriculum["course"].title))
    expect(card).to_have_count(1)
    _progress_expect(card, 1, 3)
    resume = card.get_by_role("link", name=f"Resume: {MODULE_TITLES[1]}")
    expect(resume).to_have_attribute("href", modules[1].url)
    expect(card).to_contain_text(f"Last activity on {_today()}")
    assert_accessible(page, "dashboard, one course in progress")

    resume.click()
    expect(page).to_have_url(re.compile(r"/catalogue/civilian-control/part-2/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLES[1])
    _mark_complete(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLES[2])
    _mark_complete(page)

    # The last module leads back to the course, which is now complete.
    expect(page).to_have_url(re.compile(re.escape(COURSE_URL) + "$"))
    expect(_status(page)).to_contain_text("Module complete.")
    panel = _panel(page)
    expect(panel.locator(".done-note")).to_have_text(f"✓ You completed this course on {_today()}.")
    _progress_expect(panel, 3, 3)
    expect(panel.get_by_role("link", name=re.compile(r"^(Start|Resume):"))).to_have_count(0)
    expect(panel.get_by_text("Withdraw from this course")).to_have_count(0)
    assert_accessible(page, "course, completed")

    # A completed module says so instead of offering the button.
    page.goto(modules[0].url)
    expect(page.locator(".module-actions")).to_contain_text(f"You completed this module on {_today()}.")
    expect(page.get_by_role("button", name="Mark this module as complete")).to_have_count(0)
    assert_accessible(page, "module, completed")

    page.goto("/dashboard/")
    expect(page.get_by_role("region", name="Your courses")).to_contain_text(
        "You are not taking any course at the moment."
    )
    completed = page.get_by_role("region", name="Completed courses")
    table = completed.get_by_role("table")
    expect(table.locator("caption")).to_have_text("6 hours of study completed")
    expect(table.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        [curriculum["course"].title, _today(), "6"]
    )
    assert_accessible(page, "dashboard, one course completed")


def test_approval_course_request_waits_then_cancel(page, curriculum, other_courses, student):
    from courses.factories import EnrolmentFactory
    from courses.models import EnrolmentStatus, ModuleProgress

    # Something in every section of the dashboard: a course in progress and a completed one.
    with transaction.atomic():
        active = EnrolmentFactory(user=student, course=curriculum["course"])
        ModuleProgress.objects.create(
            enrolment=active, module=curriculum["modules"][0], started_at=timezone.now(), completed_at=timezone.now()
        )
        EnrolmentFactory(user=student, course=curriculum["coalitions"], status=EnrolmentStatus.COMPLETED)
    approval_url = other_courses["approval"].url

    _sign_in(page, approval_url)
    panel = _panel(page)
    expect(panel).to_contain_text("Cohort: 2026 budget intake")
    expect(panel).to_contain_text("A program manager reviews each request.")
    assert_accessible(page, "approval course, signed in, not enrolled")
    panel.get_by_role("button", name="Request a place").click()

    expect(_status(page)).to_contain_text("Your request has been sent.")
    panel = _panel(page)
    expect(panel).to_contain_text(f"You asked for a place on {_today()}.")
    expect(panel).to_contain_text("A program manager will review your request")
    expect(panel.locator(".status-note")).to_have_text("Your request is awaiting approval.")
    expect(_enrol_buttons(page)).to_have_count(0)
    expect(panel.get_by_role("progressbar")).to_have_count(0)
    assert_accessible(page, "approval course, pending")

    page.goto("/dashboard/")
    pending = page.get_by_role("region", name="Waiting for approval")
    expect(pending.get_by_role("listitem")).to_have_count(1)
    expect(pending.get_by_role("listitem")).to_contain_text(f"Defence Budgeting requested on {_today()}")
    in_progress = page.get_by_role("region", name="Your courses")
    _progress_expect(in_progress, 1, 3)
    expect(in_progress.get_by_role("link", name=f"Resume: {MODULE_TITLES[1]}")).to_be_visible()
    expect(page.get_by_role("region", name="Completed courses").get_by_role("row")).to_have_count(2)
    assert_accessible(page, "dashboard, active, pending and completed")

    # Cancel the request: the withdraw form opens from its summary and asks to confirm.
    pending.get_by_role("link", name="Defence Budgeting").click()
    expect(page).to_have_url(re.compile(re.escape(approval_url) + "$"))
    panel = _panel(page)
    confirm = panel.get_by_role("button", name="Yes, cancel my request")
    expect(confirm).to_be_hidden()
    summary = panel.locator("details.withdraw > summary")
    expect(summary).to_have_text("Cancel my request")
    summary.focus()
    page.keyboard.press("Enter")
    expect(confirm).to_be_visible()
    assert_accessible(page, "approval course, cancel form open")
    confirm.click()

    expect(_status(page)).to_contain_text("Defence Budgeting")
    panel = _panel(page)
    expect(panel).to_contain_text(f"You cancelled your request on {_today()}.")
    expect(panel).not_to_contain_text("awaiting approval")
    expect(panel.get_by_role("button", name="Request a place")).to_be_visible()

    page.goto("/dashboard/")
    expect(page.get_by_role("region", name="Waiting for approval")).to_have_count(0)
    left = page.get_by_role("region", name="Courses you left and requests you cancelled")
    expect(left).to_contain_text("Defence Budgeting")
    expect(left).to_contain_text(f"request cancelled on {_today()}")
    assert_accessible(page, "dashboard after cancelling a request")


def test_closed_course_and_missing_prerequisite_offer_no_enrol_button(page, curriculum, other_courses, student):
    _sign_in(page, other_courses["closed"].url)
    panel = _panel(page)
    expect(panel).to_contain_text("Places on this course are assigned by program managers.")
    expect(_enrol_buttons(page)).to_have_count(0)
    expect(panel.locator("form")).to_have_count(0)
    assert_accessible(page, "closed course, signed in")

    page.goto(other_courses["advanced"].url)
    panel = _panel(page)
    expect(panel).to_contain_text("Complete these courses before you enrol:")
    missing = panel.get_by_role("listitem")
    expect(missing).to_have_text(["Parliamentary Oversight"])
    expect(missing.get_by_role("link")).to_have_attribute("href", curriculum["oversight"].url)
    expect(_enrol_buttons(page)).to_have_count(0)
    assert_accessible(page, "course with a missing prerequisite, signed in")
