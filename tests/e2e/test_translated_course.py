"""A student reads a translated course in French and Arabic at the course's one address."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible, language_set, sign_in

pytestmark = pytest.mark.browser

CURRICULUM = Path(__file__).resolve().parent.parent / "courses" / "curriculum"


@pytest.fixture
def translated_course(transactional_db):
    """The small fixture course in English, with its French and Arabic translations published."""
    from courses.factories import CoursePageFactory, ModulePageFactory, catalogue_get
    from lms.demo import curriculum
    from lms.demo.translations import translations_load

    spec = curriculum.parse(CURRICULUM / "1-mini-control.txt")
    course = CoursePageFactory(parent=catalogue_get(), title=spec.title, slug=spec.slug, summary=spec.summary)
    modules = [
        ModulePageFactory(parent=course, title=module.title, slug=module.slug, body=module.blocks)
        for module in spec.modules
    ]
    assert translations_load(CURRICULUM) == 6
    return course, modules


def test_student_enrols_and_reads_in_french_and_arabic_at_the_same_address(page, student, translated_course):
    from courses.models import Enrolment, ModuleProgress

    course, modules = translated_course
    sign_in(page, student.email)
    language_set(page, "fr")

    page.goto(course.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Le contrôle civil en bref")
    expect(page.locator(".translation-notice")).to_have_count(0)
    page.locator("form[action*='/enrol/'] button[type=submit]").click()
    expect(page.get_by_role("link", name="Pourquoi le contrôle civil importe").first).to_be_visible()

    page.goto(modules[0].url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pourquoi le contrôle civil importe")
    expect(page.locator(".prose")).to_contain_text("Des forces armées assez fortes")
    page.locator(".module-actions button[type=submit]").click()
    # Completed: on to the next module, still in French.
    expect(page).to_have_url(re.compile(re.escape(modules[1].url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Les institutions de contrôle")

    # What the student did belongs to the English course, whatever they read it in.
    enrolment = Enrolment.objects.get(user=student)
    assert enrolment.course_id == course.pk
    assert list(
        ModuleProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
            "module_id", flat=True
        )
    ) == [modules[0].pk]

    language_set(page, "ar")
    page.goto(modules[1].url)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("مؤسسات الرقابة")
    expect(page.locator(".prose")).to_contain_text("هيئات التدقيق")
    assert page.url.endswith(modules[1].url)
    assert_accessible(page, "translated module in Arabic")


def test_spanish_reader_gets_the_english_original_with_a_notice(page, translated_course):
    course, _modules = translated_course
    language_set(page, "es")
    page.goto(course.url)
    notice = page.locator(".translation-notice")
    expect(notice).to_be_visible()
    expect(notice.get_by_role("link")).to_have_attribute("href", "/catalogue/?language=es")
    expect(page.locator(".content-language")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Civilian Control in Brief")
    assert_accessible(page, "original course with the translation notice")
