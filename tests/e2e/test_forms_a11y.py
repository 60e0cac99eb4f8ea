"""Forms tell every user what went wrong: the error summary takes the focus and is announced,
its links lead to the fields, and each field says it is invalid and which message describes it."""

import datetime
import re

from django.utils import timezone

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible, language_set, sign_in

pytestmark = pytest.mark.browser


def _focused_is(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_profile_form_errors_are_announced_and_lead_to_the_field(page, site_tree, student, language):
    sign_in(page, student.email, "/accounts/profile/")
    if language != "en":
        language_set(page, language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    given_names = page.locator("input[name=first_name]")
    expect(given_names).not_to_have_attribute("aria-invalid", "true")
    given_names.fill("")
    page.get_by_role("main").locator("button[type=submit]").click()

    # The summary is an alert and holds the focus, so a screen reader reads it out at once.
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(1)
    expect(given_names).to_have_attribute("aria-invalid", "true")
    described_by = given_names.get_attribute("aria-describedby")
    assert described_by, "the invalid field should point at its message"
    message = page.locator(f"#{described_by.split()[-1]}")
    expect(message).to_be_visible()
    assert message.text_content().strip() in links.first.text_content()
    assert_accessible(page, f"profile with an error ({language})")

    # From the summary, Tab reaches the link and Enter puts the caret in the field.
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(given_names).to_be_focused()
    page.keyboard.type("Amina")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(given_names).not_to_have_attribute("aria-invalid", "true")
    expect(given_names).to_have_value("Amina")


def test_a_refused_enrolment_is_announced_and_focused(page, curriculum, student):
    from courses.factories import CohortFactory, EnrolmentFactory
    from lms.accounts.factories import UserFactory

    course = curriculum["course"]
    today = timezone.localdate()
    cohort = CohortFactory(
        course=course,
        name="Spring intake",
        starts_on=today + datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=90),
        capacity=1,
    )
    sign_in(page, student.email, course.url)
    enrol = page.get_by_role("button", name="Enrol")
    expect(enrol).to_be_visible()
    # While Amina reads the page, someone else takes the last place.
    EnrolmentFactory(user=UserFactory(email="kwame.mensah@example.org"), course=course, cohort=cohort)
    enrol.click()

    expect(page).to_have_url(re.compile(re.escape(course.url) + "$"))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_be_focused()
    expect(alert).to_have_text("The cohort “Spring intake” is full.")
    expect(enrol).to_have_count(0)
    assert_accessible(page, "course page after a refused enrolment")


def test_a_mistyped_certificate_code_is_announced_and_the_field_focused(page, site_tree):
    page.goto("/verify/")
    field = page.locator("#id_code")
    field.fill("ABCD 1234")
    field.press("Enter")

    # The one field of the form takes the focus again: its label, its message and "invalid" are read out.
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This is not a certificate code")
    assert alert.get_attribute("id") in field.get_attribute("aria-describedby").split()
    assert_accessible(page, "verification lookup with a wrong code")
