"""A visitor walks from the home page through the catalogue to a module and between modules."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import MODULE_TITLES, assert_accessible

pytestmark = pytest.mark.browser


def test_catalogue_walk_from_home_to_module_and_between_modules(page, curriculum, student):
    from courses.factories import EnrolmentFactory
    from courses.models import CoursePage

    EnrolmentFactory(user=student, course=CoursePage.objects.get(slug="civilian-control"))
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Professional military education online")
    assert_accessible(page, "home")

    page.get_by_role("main").get_by_role("link", name="Browse the course catalogue").click()
    expect(page).to_have_url(re.compile(r"/catalogue/$"))
    results = page.locator("#results-heading")
    expect(results).to_have_text("3 courses")
    assert_accessible(page, "catalogue")

    cards = page.locator(".results .card__title")
    filters = page.get_by_role("search", name="Find a course")
    filters.get_by_label("Theme").select_option(label="Civil-military relations")
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"theme=civil-military-relations"))
    expect(results).to_have_text("2 courses")
    expect(cards).to_have_text(["Civilian Control of the Armed Forces", "Parliamentary Oversight"])
    expect(page.get_by_role("link", name="Doctrine for Coalitions")).to_have_count(0)
    assert_accessible(page, "catalogue filtered by theme")

    filters.get_by_label("Level").select_option("foundation")
    filters.get_by_role("button", name="Apply").click()
    expect(results).to_have_text("1 course")
    expect(cards).to_have_text(["Civilian Control of the Armed Forces"])
    expect(filters.get_by_label("Theme")).to_have_value("civil-military-relations")
    assert_accessible(page, "catalogue filtered by theme and level")

    page.get_by_role("link", name="Civilian Control of the Armed Forces").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Civilian Control of the Armed Forces")
    outline = page.get_by_role("region", name="Course outline").get_by_role("listitem").get_by_role("link")
    expect(outline).to_have_text(list(MODULE_TITLES))
    assert_accessible(page, "course")

    outline.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLES[0])
    # Module text is for enrolled students: the visitor signs in from the notice, and comes back.
    expect(page.get_by_role("heading", name="This module is for enrolled students")).to_be_visible()
    expect(page.locator(".prose").get_by_role("heading", name="The principle")).to_have_count(0)
    page.get_by_role("main").get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email address").fill(student.email)
    page.get_by_label("Password").fill("pme-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLES[0])
    expect(page.locator(".module > header .eyebrow")).to_have_text("Module 1 of 3")
    prose = page.locator(".prose")
    expect(prose.get_by_role("heading", name="The principle")).to_be_visible()
    expect(prose.locator(".callout")).to_contain_text("Remember")
    expect(prose.locator(".key-terms dt")).to_have_text(["Civilian control", "Oversight"])
    expect(prose.locator(".case-study")).to_contain_text("A defence budget before parliament")
    figure = prose.get_by_role("img", name="Parliament, ministry and general staff")
    figure.scroll_into_view_if_needed()
    expect(figure).to_have_js_property("complete", True)
    assert figure.evaluate("img => img.naturalWidth") > 0, "the module image did not load"
    expect(page.locator("a[rel=prev]")).to_have_count(0)
    assert_accessible(page, "module 1")

    page.get_by_role("link", name=re.compile(r"^Next module")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLES[1])
    expect(page.locator(".module > header .eyebrow")).to_have_text("Module 2 of 3")
    assert_accessible(page, "module 2")

    page.get_by_role("link", name=re.compile(r"^Previous module")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLES[0])
    expect(page).to_have_url(re.compile(r"/catalogue/civilian-control/part-1/$"))
