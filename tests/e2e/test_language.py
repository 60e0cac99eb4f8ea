"""The language switcher: Arabic turns the whole interface right to left."""

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible

pytestmark = pytest.mark.browser


def _switch_language(page, code):
    switcher = page.locator("form.language-switch")
    switcher.locator("select").select_option(code)
    switcher.locator("button[type=submit]").click()


def test_language_switcher_arabic_mirrors_layout_and_switches_back(page, site_tree):
    page.goto("/catalogue/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "ltr")
    brand = page.locator(".brand")
    width = page.viewport_size["width"]
    assert brand.bounding_box()["x"] < width / 2, "the brand should start on the left in English"

    switcher = page.locator("form.language-switch")
    switcher.get_by_label("Language").select_option(label="العربية")
    switcher.get_by_role("button", name="Change").click()
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    # The switcher brings the visitor back to the page they were on.
    assert page.url.endswith("/catalogue/")
    box = brand.bounding_box()
    assert box["x"] > width / 2, f"the brand should sit on the right in Arabic, found at x={box['x']}"
    filters, results = page.locator(".filters").bounding_box(), page.locator(".results").bounding_box()
    assert filters["x"] > results["x"], "the filter column should move to the right in Arabic"
    expect(page.locator("#language-select")).to_have_value("ar")
    assert_accessible(page, "catalogue in Arabic")

    _switch_language(page, "en")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    assert brand.bounding_box()["x"] < width / 2
