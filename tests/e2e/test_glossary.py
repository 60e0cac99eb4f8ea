"""Glossary terms in module text: reached by keyboard, read with their definition, in English and Arabic."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible, language_set, sign_in, tab_to

pytestmark = pytest.mark.browser

CURRICULUM = Path(__file__).resolve().parent.parent / "courses" / "curriculum"
BUDGET = "The annual plan of public spending that parliament votes, defence included."
BUDGET_AR = "خطة الإنفاق العام السنوية التي يصوّت عليها البرلمان، بما فيها الدفاع."


@pytest.fixture
def glossary_course(transactional_db, student):
    """The small fixture course with its French and Arabic translations, its glossary, and the student enrolled."""
    from wagtail.models import Locale

    from courses.factories import CoursePageFactory, EnrolmentFactory, ModulePageFactory, catalogue_get
    from courses.models import GlossaryTerm
    from lms.demo import curriculum
    from lms.demo.glossary import glossary_load
    from lms.demo.translations import translations_load

    spec = curriculum.parse(CURRICULUM / "1-mini-control.txt")
    course = CoursePageFactory(parent=catalogue_get(), title=spec.title, slug=spec.slug, summary=spec.summary)
    modules = [
        ModulePageFactory(parent=course, title=module.title, slug=module.slug, body=module.blocks)
        for module in spec.modules
    ]
    translations_load(CURRICULUM)
    glossary_load(CURRICULUM)  # Oversight, with its French and Arabic translations
    budget = GlossaryTerm.objects.create(
        term="Budget", definition=BUDGET, also_matches="budgets", locale=Locale.get_default()
    )
    arabic = budget.copy_for_translation(Locale.objects.get(language_code="ar"))
    arabic.term, arabic.definition, arabic.approved = "الميزانية", BUDGET_AR, True
    arabic.save()
    EnrolmentFactory(user=student, course=course)
    return course, modules


def test_keyboard_reaches_a_terms_definition_in_english_and_arabic(page, student, glossary_course):
    _course, modules = glossary_course
    sign_in(page, student.email)
    page.goto(modules[1].url)

    term = page.locator(".prose a.glossary-term").first
    expect(term).to_have_text("budget")
    # A screen reader reads the definition with the term: the link is described by it.
    described_by = term.get_attribute("aria-describedby")
    expect(page.locator(f"#{described_by}")).to_have_text(BUDGET)
    tab_to(page, term)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#glossary-term-[0-9a-f]{12}$"))
    definition_term = page.locator(".glossary-terms dt").first
    expect(definition_term).to_contain_text("Budget")
    assert definition_term.evaluate("element => element.matches(':target')")
    assert_accessible(page, "module with glossary terms (English)")

    # From the module's list to the glossary page, at the term's entry.
    definition_term.locator("a").click()
    expect(page).to_have_url(re.compile(r"/glossary/#term-[0-9a-f]{12}$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "glossary page (English)")

    language_set(page, "ar")
    page.goto(modules[1].url)
    term = page.locator(".prose a.glossary-term").first
    expect(term).to_have_text("الميزانية")
    expect(page.locator(f"#{term.get_attribute('aria-describedby')}")).to_have_text(BUDGET_AR)
    tab_to(page, term)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#glossary-term-[0-9a-f]{12}$"))
    # The list reads right to left: its terms start on the right.
    box = page.locator(".glossary-terms dt").first.bounding_box()
    prose = page.locator(".prose").bounding_box()
    assert box["x"] + box["width"] > prose["x"] + prose["width"] - 40
    assert_accessible(page, "module with glossary terms (Arabic)")

    page.goto("/glossary/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".glossary-list dt", has_text="الرقابة")).to_be_visible()
    expect(page.locator(".glossary-list dt", has_text="الميزانية")).to_be_visible()
    assert_accessible(page, "glossary page (Arabic)")
