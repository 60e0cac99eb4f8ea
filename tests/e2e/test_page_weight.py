"""The catalogue stays light for students on slow connections."""

from django.db import transaction

import pytest
from playwright.sync_api import expect

from tests.e2e.support import image_create, root_collection_ensure

pytestmark = pytest.mark.browser

BUDGET_BYTES = 150_000


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


def test_catalogue_first_load_is_under_budget_without_images(page, twelve_courses):
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/catalogue/", wait_until="load")
    expect(page.locator(".results .card")).to_have_count(12)
    expect(page.locator(".results .card__image")).to_have_count(12)
    page.wait_for_load_state("networkidle")

    weights = {}
    for response in responses:
        content_type = response.headers.get("content-type", "")
        if response.request.resource_type in ("image", "media") or content_type.startswith("image/"):
            continue
        sizes = response.request.sizes()
        # Transferred bytes: headers plus the body as sent (compressed when the server compresses).
        weights[response.url] = sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
    total = sum(weights.values())
    print(f"catalogue first load without images: {total} bytes in {len(weights)} responses")
    for url, size in sorted(weights.items(), key=lambda item: -item[1]):
        print(f"  {size:>8}  {url}")
    assert any(r.request.resource_type == "document" for r in responses)
    assert any(r.request.resource_type == "stylesheet" for r in responses)
    assert total < BUDGET_BYTES, f"catalogue weighs {total} bytes without images; the budget is {BUDGET_BYTES}"
