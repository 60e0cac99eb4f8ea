"""Every student page stays light for students on slow connections: under 150 KB transferred on a
first load with an empty cache, images aside (they come as small AVIF/WebP renditions)."""

from django.db import transaction

import pytest
from playwright.sync_api import expect

from tests.e2e import support
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.support import STUDENT_PAGES, image_create, root_collection_ensure, sign_in
from tests.e2e.test_assessment import exam  # noqa: F401 (student_pages builds on it)

pytestmark = pytest.mark.browser

student_pages = support.student_pages  # the shared fixture, for the tests here

BUDGET_BYTES = 150_000


def _first_load(browser, live_server, url, storage_state=None, check=None) -> tuple[int, dict[str, int]]:
    """Load ``url`` in a new browser profile (empty cache) and weigh what came over the wire, images aside.

    Returns the total and the weight of each response: its headers plus its body as sent
    (compressed when the server compresses), as Chromium counts them. ``check(page)`` runs
    once the page has loaded, to make sure it is the page meant and not an error.
    """
    context = browser.new_context(base_url=live_server.url, storage_state=storage_state, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        if check:
            check(page)
        weights = {}
        for response in responses:
            content_type = response.headers.get("content-type", "")
            if response.request.resource_type in ("image", "media") or content_type.startswith("image/"):
                continue
            sizes = response.request.sizes()
            weights[response.url] = sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
        assert any(r.request.resource_type == "document" and r.ok for r in responses), f"{url} did not load"
        assert any(r.request.resource_type == "stylesheet" for r in responses), f"{url} came without its stylesheet"
        return sum(weights.values()), weights
    finally:
        context.close()


def _report(weights: dict[str, int]) -> str:
    return "\n".join(f"  {size:>8}  {url}" for url, size in sorted(weights.items(), key=lambda item: -item[1]))


@pytest.fixture
def twelve_courses(transactional_db):
    from courses.factories import CoursePageFactory, ThemeFactory, catalogue_get

    with transaction.atomic():
        root_collection_ensure()
        catalogue = catalogue_get()
        theme = ThemeFactory(name="Governance and security sector reform", slug="governance-ssr")
        return [
            CoursePageFactory(
                parent=catalogue,
                title=f"Security cooperation course {n}",
                slug=f"security-cooperation-{n}",
                themes=[theme],
                cover_image=image_create(f"Cover {n}", colour=(20 * n, 52, 84)),
            )
            for n in range(1, 13)
        ]


def test_catalogue_first_load_is_under_budget_without_images(browser, live_server, twelve_courses):
    def twelve_cards_with_covers(page):
        expect(page.locator(".results .card")).to_have_count(12)
        expect(page.locator(".results .card__image")).to_have_count(12)

    total, weights = _first_load(browser, live_server, "/catalogue/", check=twelve_cards_with_covers)
    print(f"catalogue first load without images: {total} bytes\n{_report(weights)}")
    assert total < BUDGET_BYTES, f"catalogue weighs {total} bytes without images; the budget is {BUDGET_BYTES}"


def test_every_student_page_first_load_is_under_budget_without_images(
    page, browser, live_server, student, student_pages
):
    sign_in(page, student.email)
    signed_in = page.context.storage_state()
    weighed, reports = {}, []
    for name in STUDENT_PAGES:
        url = student_pages[name]

        def no_error(loaded, url=url):
            expect(loaded.get_by_role("heading", level=1)).to_be_visible()
            assert loaded.url.endswith(url), f"{url} went to {loaded.url}"

        total, weights = _first_load(browser, live_server, url, storage_state=signed_in, check=no_error)
        weighed[name] = total
        reports.append(f"{name} ({url}): {total} bytes\n{_report(weights)}")
    print("\n".join(reports))
    figures = ", ".join(f"{name} {total / 1000:.1f} KB" for name, total in weighed.items())
    heavy = {name: total for name, total in weighed.items() if total >= BUDGET_BYTES}
    assert not heavy, f"over the {BUDGET_BYTES / 1000:.0f} KB budget without images: {heavy}; all pages: {figures}"


def test_cover_renditions_are_served_as_avif_and_webp(page, curriculum):
    """The <picture>'s sources are what they say: the server answers with those image types."""
    page.goto(curriculum["course"].url)
    cover = page.locator(".course-head picture")
    for mime in ("image/avif", "image/webp"):
        srcset = cover.locator(f'source[type="{mime}"]').get_attribute("srcset")
        url = srcset.split(",")[0].split()[0]
        response = page.request.get(url)
        assert response.ok and response.headers["content-type"] == mime, (url, response.headers)
    fallback = cover.locator("img")
    expect(fallback).to_have_js_property("complete", True)
    assert fallback.evaluate("img => img.naturalWidth") > 0
    chosen = fallback.evaluate("img => img.currentSrc")
    # Chromium takes the first source it supports: AVIF.
    assert page.request.get(chosen).headers["content-type"] == "image/avif", chosen
