"""Error pages look like the rest of the site."""

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible

pytestmark = pytest.mark.browser


def test_not_found_page_is_styled_and_accessible(page, site_tree):
    response = page.goto("/catalogue/no-such-course/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    header = page.locator("header.site-header")
    expect(header).to_be_visible()
    expect(header.locator(".brand")).to_have_text("◆ PME Learning")
    # The stylesheet loaded: the header has the brand colour, not the browser's default.
    expect(header).to_have_css("background-color", "rgb(22, 52, 84)")
    expect(page.get_by_role("main").get_by_role("link", name="Browse the course catalogue")).to_be_visible()
    assert_accessible(page, "404")
