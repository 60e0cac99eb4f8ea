"""Helpers shared by the browser tests: the axe-core check, signing in, choosing the language,
keyboard moves, test images and the pages a student sees."""

import io
import re

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image as PILImage
from playwright.sync_api import expect

MODULE_TITLES = ("Why civilian control matters", "Oversight institutions", "Budgets and accountability")

# axe-core's defaults leave out target-size, which is WCAG 2.2 AA (2.5.8); the platform promises 2.2 AA.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}

_axe = Axe()


def assert_accessible(page, label: str = "") -> None:
    """Run axe-core on the page as it is now; fail on any violation, whatever its impact.

    Minor and moderate findings (a landmark missing, a heading level skipped) are what a
    screen reader user trips over every day, so none is let through.
    """
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    where = label or page.url
    assert not violations, f"axe found violations on {where}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    nodes: {_targets(v)}" for v in violations
    )


def _targets(violation: dict) -> str:
    return ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])


def jpeg_bytes(colour=(22, 52, 84), size=(480, 270)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def root_collection_ensure():
    """Images need Wagtail's root collection, which a flushed database no longer has."""
    from wagtail.models import Collection

    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def image_create(title: str, colour=(22, 52, 84)):
    """A Wagtail image made from Pillow bytes; its description is its default alt text."""
    from wagtail.images import get_image_model

    image = get_image_model()(title=title, description=title)
    slug = title.lower().replace(" ", "-")
    image.file = ImageFile(ContentFile(jpeg_bytes(colour)), name=f"e2e-{slug}.jpg")
    image.save()
    return image


def module_body(image) -> list[dict]:
    """Raw StreamField data using every text block a module offers, plus an image."""
    return [
        {"type": "heading", "value": {"text": "The principle", "level": "h2"}},
        {
            "type": "paragraph",
            "value": "<p>Elected civilians set defence policy; the armed forces carry it out and answer for it.</p>",
        },
        {
            "type": "image",
            "value": {
                "image": image.pk,
                "alt_text": "Parliament, ministry and general staff",
                "caption": "Who decides",
            },
        },
        {
            "type": "callout",
            "value": {
                "kind": "important",
                "title": "Remember",
                "text": "<p>Control is exercised through law, budgets and appointments.</p>",
            },
        },
        {
            "type": "key_terms",
            "value": {
                "title": "",
                "terms": [
                    {"term": "Civilian control", "definition": "Subordination of the military to elected authority."},
                    {"term": "Oversight", "definition": "Scrutiny of defence by parliament and audit bodies."},
                ],
            },
        },
        {
            "type": "case_study",
            "value": {
                "title": "A defence budget before parliament",
                "body": "<p>A committee asks the ministry to justify a procurement line item.</p>",
                "questions": ["What information should the committee receive?"],
            },
        },
    ]


def sign_in(page, email: str, next_url: str = "/dashboard/", password: str = "pme-demo") -> None:  # noqa: S107 (UserFactory's)
    """Sign in through the form, in whatever language the browser is set to, and land on ``next_url``.

    Fields are found by their autocomplete purpose, not their label, so the helper works in Arabic too.
    """
    page.goto(f"/accounts/login/?next={next_url}")
    form = page.get_by_role("main").locator("form")
    form.locator("input[autocomplete=email]").fill(email)
    form.locator("input[type=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def language_set(page, code: str) -> None:
    """Choose the interface language with the header's switcher, on the page the browser is on.

    Found by its form and value rather than its words, so it works from any language. The
    switcher comes back to the same page; signing in later resets the language to the
    account's preferred one.
    """
    if not page.url.startswith("http"):
        page.goto("/")
    switcher = page.locator("form.language-switch")
    switcher.locator("select").select_option(code)
    switcher.locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    page.wait_for_load_state()


def tab_to(page, target, limit: int = 60) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would; fail if it never does."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


# The pages a student sees, in the order of their journey (see ``student_pages``).
STUDENT_PAGES = (
    "home",
    "catalogue",
    "course",
    "module",
    "assessment",
    "attempt",
    "result",
    "dashboard",
    "verification",
    "profile",
)


@pytest.fixture
def student_pages(exam, curriculum, student):
    """Every page a student sees, each with something on it: the URL of each, by name.

    Amina is enrolled on the curriculum's first course with its first module done, has a graded
    attempt at its timed assessment and a second one open (the countdown runs), and holds the
    certificate of another course she completed (listed on her dashboard, checkable publicly).
    The test module must also provide the ``exam`` fixture (tests.e2e.test_assessment).
    """
    from django.db import transaction

    from assessments.api import attempt_start, attempt_submit
    from courses.api import module_complete
    from courses.factories import EnrolmentFactory
    from courses.models import EnrolmentStatus
    from tests.certificates.test_admin import certificate_issued

    with transaction.atomic():
        module_complete(user=student, module=curriculum["modules"][0])
        graded = attempt_start(user=student, assessment=exam)
        attempt_submit(user=student, attempt_id=graded.pk)
        open_attempt = attempt_start(user=student, assessment=exam)
        completed = EnrolmentFactory(user=student, course=curriculum["oversight"], status=EnrolmentStatus.COMPLETED)
        # The PDF's bytes are beside the point here; rendering and signing one is covered elsewhere.
        certificate = certificate_issued(completed, pdf=b"%PDF-1.7\n% a certificate for the tests\n%%EOF\n")
    return {
        "home": "/",
        "catalogue": "/catalogue/",
        "course": curriculum["course"].url,
        "module": curriculum["modules"][0].url,
        "assessment": f"/assessments/{exam.pk}/",
        "attempt": f"/assessments/attempts/{open_attempt.pk}/",
        "result": f"/assessments/attempts/{graded.pk}/result/",
        "dashboard": "/dashboard/",
        "verification": f"/verify/{certificate.code}/",
        "profile": "/accounts/profile/",
    }
