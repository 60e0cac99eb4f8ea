"""The main pages in Arabic: right to left, mirrored, and without any axe violation.

Each page is opened in Arabic, checked for ``<html dir="rtl" lang="ar">`` and for its layout
by geometry (what starts a line sits on the right, bars fill from the right, "next" points
left), photographed whole into tests/e2e/artifacts/rtl/<page>.png (kept by CI, ignored by
git) and run through axe-core. Some strings are still English while the translations land:
the checks are on direction and layout, never on wording.
"""

import io
from pathlib import Path

import pytest
from PIL import Image as PILImage
from playwright.sync_api import expect

from tests.e2e import support
from tests.e2e.support import STUDENT_PAGES, assert_accessible, language_set, sign_in
from tests.e2e.test_assessment import exam  # noqa: F401 (student_pages builds on it)
from tests.e2e.test_reports import world  # noqa: F401 (the reports' students, courses and managers)

pytestmark = pytest.mark.browser

student_pages = support.student_pages  # the shared fixture, for the tests here

ARTIFACTS = Path(__file__).parent / "artifacts" / "rtl"
OK_GREEN = (30, 107, 58)  # --ok in site.css: the filled part of a progress bar


def _rtl_page_checked(page, name: str) -> None:
    """The page is Arabic and right to left; photographed whole, then checked by axe."""
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    page.wait_for_load_state("load")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    assert_accessible(page, f"{name} in Arabic")


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box, f"{locator} is not displayed"
    return box


def _right(box) -> float:
    return box["x"] + box["width"]


def _centre(box) -> float:
    return box["x"] + box["width"] / 2


def _text_box(locator) -> dict:
    """Where the element's text is drawn (not the block that holds it)."""
    return locator.evaluate(
        """element => {
            const range = document.createRange();
            range.selectNodeContents(element);
            const box = range.getBoundingClientRect();
            return {x: box.x, y: box.y, width: box.width, height: box.height};
        }"""
    )


def _starts_on_the_right(page, locator, what: str) -> None:
    """Text that starts a line ends against the right edge of the content column."""
    column = _box(page.locator("main#main"))
    text = _text_box(locator)
    # The column's padding is 1rem; the text's end is within a few pixels of it.
    assert abs(_right(text) - (_right(column) - 16)) < 24, f"{what} should start on the right: {text} in {column}"


def _filled_span(locator) -> tuple[float, float]:
    """The filled part of a progress bar, as fractions of its width from the left (start, end)."""
    image = PILImage.open(io.BytesIO(locator.screenshot())).convert("RGB")
    row = image.height // 2
    filled = [
        x
        for x in range(image.width)
        if sum(abs(a - b) for a, b in zip(image.getpixel((x, row)), OK_GREEN, strict=True)) < 40
    ]
    assert filled, "the progress bar shows no filled part"
    return filled[0] / image.width, (filled[-1] + 1) / image.width


def _fills_from_the_right(locator, what: str) -> None:
    start, end = _filled_span(locator)
    # A third of the required modules are done: the right third is filled, the rest is not.
    assert end > 0.93 and 0.5 < start < 0.8, f"{what} should fill from the right; filled from {start:.2f} to {end:.2f}"


def _header_mirrored(page) -> None:
    half = page.viewport_size["width"] / 2
    brand = _box(page.locator("header .brand"))
    nav = _box(page.locator("header nav.site-nav"))
    assert brand["x"] > half, f"the brand should sit on the right in Arabic, found at {brand}"
    assert _right(nav) < brand["x"], "the main navigation should follow the brand, to its left"


def _arabic_translation_publish(curriculum) -> None:
    """The home and catalogue pages, the course and its modules in Arabic: a reader of Arabic gets
    their words, and their direction (an untranslated page shows its English, left to right)."""
    from django.db import transaction

    from courses.api import page_translation_save

    titles = ("لماذا تهم الرقابة المدنية", "مؤسسات الرقابة", "الميزانيات والمساءلة")
    catalogue = curriculum["catalogue"]
    with transaction.atomic():
        page_translation_save(source=catalogue.get_parent().specific, language="ar", fields={"title": "التعلم المهني"})
        page_translation_save(source=catalogue, language="ar", fields={"title": "دليل الدورات"})
        page_translation_save(
            source=curriculum["course"],
            language="ar",
            fields={"title": "الرقابة المدنية على القوات المسلحة", "summary": "لماذا تخضع القوات المسلحة لسلطة مدنية."},
        )
        for module, title in zip(curriculum["modules"], titles, strict=True):
            page_translation_save(source=module, language="ar", fields={"title": title})


def test_student_pages_in_arabic_mirror_and_pass_axe(page, curriculum, student, student_pages):
    _arabic_translation_publish(curriculum)
    sign_in(page, student.email)
    language_set(page, "ar")
    urls = dict(student_pages, module=curriculum["modules"][1].url)  # a module with a previous and a next

    def home():
        _starts_on_the_right(page, page.get_by_role("heading", level=1), "the home page's heading")

    def catalogue():
        assert _box(page.locator(".filters"))["x"] > _box(page.locator(".results"))["x"]
        _starts_on_the_right(page, page.get_by_role("heading", level=1), "the catalogue's heading")

    def course():
        title, cover = _box(page.get_by_role("heading", level=1)), _box(page.locator(".course-head picture"))
        assert cover["x"] < title["x"], "the cover should sit to the left of the title column"
        panel = page.locator("section.enrolment")
        bar = panel.locator("progress")
        expect(bar).to_have_attribute("value", "33")
        _fills_from_the_right(bar, "the course page's progress bar")
        assert _box(bar)["x"] > _box(panel.locator(".progress__text"))["x"], "the bar should come first, on the right"
        expect(panel.locator(f"a[href='{curriculum['modules'][1].url}']")).to_be_visible()

    def module():
        article, outline = _box(page.locator("article.module")), _box(page.locator("nav.module-outline"))
        assert outline["x"] < article["x"], "the course outline should be the column on the left"
        previous, following = _box(page.locator(".pager a[rel=prev]")), _box(page.locator(".pager a[rel=next]"))
        assert following["x"] < previous["x"], "the next module should be on the left, the previous on the right"
        arrow = page.locator(".pager a[rel=next] .pager__label").evaluate(
            "label => getComputedStyle(label, '::after').content"
        )
        assert "←" in arrow, f"the next module's arrow should point left, found {arrow}"
        _starts_on_the_right(page, page.get_by_role("heading", level=1), "the module's title")
        expect(page.locator(".module-actions button[type=submit]")).to_be_visible()  # unlocked: it can be done

    def assessment():
        # The title and instructions are in the assessment's own language (English here) and read
        # left to right; the page around them is mirrored.
        crumbs = page.locator("nav.breadcrumbs li")
        assert _box(crumbs.first)["x"] > _box(crumbs.last)["x"], "the breadcrumbs should run from the right"
        row = page.locator("main table tr").first.locator("th, td")
        assert _box(row.first)["x"] > _box(row.last)["x"], "the attempts table's first column should be on the right"

    def attempt():
        heading, countdown = _box(page.get_by_role("heading", level=1)), _box(page.locator(".countdown"))
        assert _centre(countdown) < _centre(heading), "the countdown should follow the title, to its left"
        clock = page.get_by_role("timer").text_content()
        assert clock[:2].isdigit() and ":" in clock, f"the clock should read minutes then seconds, found {clock}"
        nav, questions = _box(page.locator("nav.question-nav")), _box(page.locator(".attempt__questions"))
        assert nav["x"] > questions["x"], "the question list should be the column on the right"
        option = page.get_by_role("radio").first
        label = _box(page.locator(f"label[for='{option.get_attribute('id')}']"))
        assert _box(option)["x"] > label["x"], "a choice's box should be at the right of its label"

    def result():
        item = page.locator(".review-item").first
        sides = item.evaluate(
            "item => [getComputedStyle(item).borderRightWidth, getComputedStyle(item).borderLeftWidth]"
        )
        assert sides == ["5px", "0px"], f"the answer's verdict rule should be on the right, found {sides}"

    def dashboard():
        _fills_from_the_right(page.locator("main progress").first, "the dashboard's progress bar")
        _starts_on_the_right(page, page.get_by_role("heading", level=1), "the dashboard's greeting")

    def verification():
        _starts_on_the_right(page, page.get_by_role("heading", level=1), "the verification's heading")

    def profile():
        field = page.locator("input[name=first_name]")
        label = page.locator("label[for='id_first_name']")
        assert abs(_right(_box(field)) - _right(_text_box(label))) < 4, (
            "the label and its field should start on the right"
        )

    checks = {
        "home": home,
        "catalogue": catalogue,
        "course": course,
        "module": module,
        "assessment": assessment,
        "attempt": attempt,
        "result": result,
        "dashboard": dashboard,
        "verification": verification,
        "profile": profile,
    }
    assert set(checks) == set(STUDENT_PAGES)
    for name in STUDENT_PAGES:
        page.goto(urls[name])
        _rtl_page_checked(page, name)
        _header_mirrored(page)
        checks[name]()


def test_report_dashboard_in_arabic_for_a_program_manager(page, world):  # noqa: F811
    from wagtail.users.models import UserProfile

    manager = world["managers"]["countries"]
    profile = UserProfile.get_for_user(manager)
    profile.preferred_language = "ar"
    profile.save()
    sign_in(page, manager.email, "/admin/")
    page.goto("/admin/learning-reports/")
    _rtl_page_checked(page, "reports-dashboard")

    half = page.viewport_size["width"] / 2
    menu = page.locator("#wagtail-sidebar").get_by_role("navigation").first
    expect(menu).to_be_visible()
    assert _centre(_box(menu)) > half, f"Wagtail's menu should be on the right in Arabic, found {_box(menu)}"
    heading = _text_box(page.get_by_role("heading", level=1))
    assert _right(heading) > half and _right(heading) < _box(menu)["x"], "the title should start beside the menu"
    # Ghana's students: six places, two certified. A full bar for the enrolled, and the certified
    # a third of it, each growing from the right of its cell.
    bars = page.locator("table.reports-chart").first.locator("svg.reports-bar")
    expect(bars).to_have_count(5)
    full, third = bars.nth(0), bars.nth(4)
    assert abs(_box(full.locator("rect"))["width"] - _box(full)["width"]) < 2, "the enrolled should fill the bar"
    for bar in (full, third):
        cell, filled = _box(bar), _box(bar.locator("rect"))
        assert abs(_right(filled) - _right(cell)) < 2, "the chart's bars should grow from the right"
    cell, filled = _box(third), _box(third.locator("rect"))
    assert filled["width"] < cell["width"] * 0.5, f"the certified should fill a third of the bar: {filled} in {cell}"
    assert filled["x"] > cell["x"] + cell["width"] * 0.4, "the bar should grow from the right in Arabic"
    # The numbers column sits to the right of the bars, as the table is mirrored.
    first_row = page.locator("table.reports-chart").first.locator("tbody tr").first
    assert _box(first_row.locator("th"))["x"] > _box(first_row.locator("td").last)["x"]
