"""Keyboard users can skip the header straight to the content, and take a whole timed
assessment with Tab, arrow keys, Space and Enter, from signing in to reading the result.
A screen reader hears the countdown's warnings at ten, five and one minutes, not every second."""

import re

from django.utils import timezone

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible, tab_to
from tests.e2e.test_assessment import exam  # noqa: F401 (the timed assessment fixture, shared)

pytestmark = pytest.mark.browser


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page, site_tree):
    page.goto("/catalogue/")
    skip = page.get_by_role("link", name="Skip to main content")

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("#main")
    # The next Tab continues from the content, past the header's links and language switcher.
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search courses")).to_be_focused()


def test_a_whole_attempt_by_keyboard_alone_with_a_spoken_countdown(page, exam):  # noqa: F811
    from assessments.models import Attempt, AttemptStatus

    # Signing in: the email field has the focus when the page opens.
    page.goto(f"/accounts/login/?next=/assessments/{exam.pk}/")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type("amina.diallo@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("pme-demo")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/assessments/{exam.pk}/$"))

    tab_to(page, page.get_by_role("button", name="Start"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/assessments/attempts/\d+/$"))
    attempt = Attempt.objects.get()

    # The clock has a name, and the warnings go to a polite live region of their own.
    timer = page.get_by_role("timer", name="Time left")
    expect(timer).to_be_visible()
    warnings = page.locator("[data-countdown-alert]")
    expect(warnings).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("region", name="Time left")).to_contain_text("Time left")

    # Question 1, a radio group: Tab enters it, arrow keys move the choice (down, then back up).
    group = page.get_by_role("group", name="Question 1: choose one answer")
    expect(group).to_be_visible()
    tab_to(page, group.get_by_role("radio").first)
    page.keyboard.press("ArrowDown")
    expect(group.get_by_role("radio", name="The general staff")).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(group.get_by_role("radio", name="Parliament")).to_be_checked()
    expect(page.locator("#save-status")).to_have_text("Saved")
    tab_to(page, page.get_by_role("button", name="Next question"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=2$"))

    # Question 2, checkboxes: Space ticks each.
    group = page.get_by_role("group", name="Question 2: choose every answer that applies")
    for name in ("Parliament", "Audit office"):
        tab_to(page, group.get_by_role("checkbox", name=name))
        page.keyboard.press("Space")
    expect(group.get_by_role("checkbox", name="Audit office")).to_be_checked()
    expect(page.locator("#save-status")).to_have_text("Saved")

    # Ten minutes before the end the warning is spoken once; the region stays quiet while the clock runs.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timezone.timedelta(seconds=603))
    page.reload()
    expect(warnings).to_have_text("Ten minutes left.")
    clock = timer.text_content()
    expect(timer).not_to_have_text(clock)
    expect(warnings).to_have_text("Ten minutes left.")
    assert_accessible(page, "question 2 with the ten-minute warning")

    tab_to(page, page.get_by_role("button", name="Next question"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=3$"))
    tab_to(page, page.get_by_label("Your answer to question 3 (a number)"))
    page.keyboard.type("2")
    tab_to(page, page.get_by_role("button", name="Save and review"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/submit/$"))
    tab_to(page, page.get_by_role("button", name="Submit my answers"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/result/$"))
    expect(page.get_by_text("3 out of 3 points (100%)")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and not attempt.auto_submitted
