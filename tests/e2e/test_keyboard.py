"""Keyboard users can skip the header straight to the content."""

import pytest
from playwright.sync_api import expect

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
