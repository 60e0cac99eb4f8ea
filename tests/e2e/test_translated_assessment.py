"""A French student takes a partly translated assessment in Chromium; an instructor sees what is untranslated.

axe-core checks the question pages (a French question, then one shown in English with its language
marked) and the translators' overview.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def exam(curriculum, student):
    from assessments.factories import AssessmentFactory, QuestionFactory
    from assessments.translation import OptionWording, assessment_translation_save, question_translation_save
    from courses.factories import EnrolmentFactory

    course = curriculum["course"]
    EnrolmentFactory(user=student, course=course)
    budget = QuestionFactory(
        course=course,
        prompt="<p>Which body approves the defence budget?</p>",
        options=[("Parliament", True), ("The general staff", False)],
    )
    oversight = QuestionFactory(
        course=course,
        prompt="<p>Which body audits defence spending?</p>",
        options=[("The audit office", True), ("The regimental band", False)],
    )
    options = list(budget.options.order_by("sort_order"))
    question_translation_save(
        question=budget,
        language="fr",
        prompt="<p>Quel organe approuve le budget de la défense ?</p>",
        options=[OptionWording(options[0].pk, "Le parlement"), OptionWording(options[1].pk, "L'état-major")],
    )
    exam = AssessmentFactory(course=course, title="Civilian control check", questions=[budget, oversight])
    assessment_translation_save(assessment=exam, language="fr", title="Contrôle civil : vérification")
    return exam


def test_french_student_answers_in_french_and_is_graded_on_the_source(page, exam, student):
    from assessments.models import Attempt

    student.preferred_language = "fr"  # signing in sets the interface to the profile's language
    student.save(update_fields=["preferred_language"])
    sign_in(page, student.email, f"/assessments/{exam.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contrôle civil : vérification")
    page.locator("form[action$='/start/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/assessments/attempts/\d+/$"))
    expect(page.get_by_text("Quel organe approuve le budget de la défense ?")).to_be_visible()
    page.get_by_role("radio", name="Le parlement").check()
    expect(page.locator("#save-status")).not_to_be_empty()
    assert_accessible(page, "French question")

    page.goto(page.url.split("?")[0] + "?q=2")
    prompt = page.locator("#question-2-prompt")
    expect(prompt).to_have_attribute("lang", "en")
    page.get_by_role("radio", name="The audit office").check()
    expect(page.locator("#save-status")).not_to_be_empty()
    assert_accessible(page, "untranslated question in a French page")

    attempt = Attempt.objects.get()
    page.goto(f"/assessments/attempts/{attempt.pk}/submit/")
    page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/result/$"))
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == attempt.max_score
    expect(page.get_by_text("Le parlement")).to_be_visible()


def test_the_translators_overview_shows_what_is_untranslated(page, exam, curriculum):
    from lms.accounts.factories import UserFactory

    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True, roles=[])
    sign_in(page, admin.email, "/admin/")
    page.goto(f"/admin/assessments/translations/?course={curriculum['course'].pk}")
    table = page.locator("table[data-translations]")
    expect(table.locator("td[data-language=fr][data-state=up_to_date]")).to_have_count(2)
    expect(table.locator("td[data-language=fr][data-state=missing]").first).to_be_visible()
    assert_accessible(page, "translations overview")
