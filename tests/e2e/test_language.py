"""The language switcher: Arabic turns the whole interface right to left."""

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible

pytestmark = pytest.mark.browser


def _language_choose(page, language_name):
    """Use the header's switcher by role only, so it works whatever language the page is in."""
    switcher = page.locator("form.language-switch")
    switcher.get_by_role("combobox").select_option(label=language_name)
    switcher.get_by_role("button").click()


def test_language_switcher_arabic_mirrors_layout_and_switches_back(page, site_tree):
    page.goto("/catalogue/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "ltr")
    brand = page.get_by_role("link", name="PME Learning")
    half = page.viewport_size["width"] / 2
    assert brand.bounding_box()["x"] < half, "the brand should start on the left in English"

    _language_choose(page, "العربية")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    page.wait_for_load_state()  # the stylesheet is applied before anything is measured
    assert page.url.endswith("/catalogue/"), "the switcher should bring the visitor back to the same page"
    box = brand.bounding_box()
    assert box["x"] > half, f"the brand should sit on the right in Arabic, found at x={box['x']}"
    filters, results = page.locator(".filters").bounding_box(), page.locator(".results").bounding_box()
    assert filters["x"] > results["x"], "the filter column should move to the right in Arabic"
    expect(page.locator("form.language-switch").get_by_role("combobox")).to_have_value("ar")
    assert_accessible(page, "catalogue in Arabic")

    _language_choose(page, "English")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    page.wait_for_load_state()
    assert brand.bounding_box()["x"] < half
