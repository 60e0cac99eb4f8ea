"""Assessment titles and instructions follow the questions' rule: out of date, the source's words are shown."""

import re

from django.core import mail

import pytest

from assessments.factories import AssessmentFactory
from assessments.services import attempt_result_notify, attempt_start, attempt_submit
from assessments.translation import (
    State,
    assessment_digest,
    assessment_in_language,
    assessment_titles,
    assessment_translation_save,
    assessment_translation_usable,
    translation_overview,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_plans")]

FRENCH_TITLE = "Quiz sur le contrôle civil"
FRENCH_INSTRUCTIONS = "<p>Répondez seul, sans notes.</p>"


@pytest.fixture
def exam(course, single):
    exam = AssessmentFactory(
        course=course,
        title="Civil control quiz",
        instructions="<p>Answer alone, without notes.</p>",
        attempts_allowed=None,
        questions=[single],
    )
    assessment_translation_save(assessment=exam, language="fr", title=FRENCH_TITLE, instructions=FRENCH_INSTRUCTIONS)
    return exam


def _source_changed(exam, **words):
    for name, value in words.items():
        setattr(exam, name, value)
    exam.save()


def _heading(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(0)


def test_french_student_reads_the_up_to_date_translation(french_client, enrolment, exam):
    page = french_client.get(f"/assessments/{exam.pk}/").text
    assert FRENCH_TITLE in _heading(page) and "Répondez seul, sans notes." in page
    assert "Civil control quiz" not in page and "Answer alone" not in page


def test_changed_instructions_make_the_page_show_the_source_marked_as_english(french_client, enrolment, exam):
    _source_changed(exam, instructions="<p>Answer alone, without notes, within 20 minutes.</p>")
    page = french_client.get(f"/assessments/{exam.pk}/").text
    heading = _heading(page)
    # The source's title and instructions, marked as English for screen readers in a French page.
    assert "Civil control quiz" in heading and 'lang="en"' in heading
    assert "Answer alone, without notes, within 20 minutes." in page
    assert FRENCH_TITLE not in page and "Répondez seul" not in page
    assert "Commencer" in page  # the rest of the page is still French


def test_a_changed_title_alone_retires_the_translation_too(french_client, enrolment, exam):
    _source_changed(exam, title="Civilian control quiz")
    page = french_client.get(f"/assessments/{exam.pk}/").text
    assert "Civilian control quiz" in _heading(page)
    assert "Answer alone, without notes." in page and "Répondez seul" not in page


def test_attempt_and_result_pages_show_the_source_words_when_out_of_date(
    student, french_client, enrolment, exam, single
):
    _source_changed(exam, title="Civilian control quiz")
    attempt = french_client.post(f"/assessments/{exam.pk}/start/", follow=True)
    assert "Civilian control quiz" in attempt.text and FRENCH_TITLE not in attempt.text
    started = student.attempts.get(status="in_progress")
    submit = french_client.get(f"/assessments/attempts/{started.pk}/submit/").text
    assert "Civilian control quiz" in submit and FRENCH_TITLE not in submit
    attempt_submit(user=student, attempt_id=started.pk)
    result = french_client.get(f"/assessments/attempts/{started.pk}/result/").text
    assert "Civilian control quiz" in _heading(result) and FRENCH_TITLE not in result


def test_course_page_and_dashboard_list_the_source_title_when_out_of_date(
    student, french_client, enrolment, course, exam
):
    attempt_submit(user=student, attempt_id=attempt_start(user=student, assessment=exam, language="fr").pk)
    assert FRENCH_TITLE in french_client.get(course.url).text
    assert FRENCH_TITLE in french_client.get("/dashboard/").text
    _source_changed(exam, title="Civilian control quiz")
    for address in (course.url, "/dashboard/"):
        page = french_client.get(address).text
        assert "Civilian control quiz" in page and FRENCH_TITLE not in page, address


def test_saving_the_translation_again_brings_the_french_words_back(french_client, enrolment, course, exam):
    _source_changed(exam, instructions="<p>Answer alone, within 20 minutes.</p>")
    assert FRENCH_TITLE not in french_client.get(f"/assessments/{exam.pk}/").text
    # The translator brings the translation up to date with the source's new words.
    assessment_translation_save(
        assessment=exam, language="fr", title=FRENCH_TITLE, instructions="<p>Répondez seul, en 20 minutes.</p>"
    )
    page = french_client.get(f"/assessments/{exam.pk}/").text
    assert FRENCH_TITLE in _heading(page) and "Répondez seul, en 20 minutes." in page
    assert "Answer alone" not in page
    assert FRENCH_TITLE in french_client.get(course.url).text


def test_result_email_names_the_assessment_by_the_source_title_when_out_of_date(student, enrolment, exam, single):
    student.preferred_language = "fr"
    student.save(update_fields=["preferred_language"])
    _source_changed(exam, title="Civilian control quiz")
    attempt = attempt_start(user=student, assessment=exam, language="fr")
    attempt_submit(user=student, attempt_id=attempt.pk)
    mail.outbox.clear()
    assert attempt_result_notify(attempt_id=attempt.pk) is True
    message = mail.outbox[0]
    # French words (with French spacing before the colon), the source's title.
    assert re.fullmatch(r"Votre résultat\s: Civilian control quiz", message.subject)
    assert FRENCH_TITLE not in message.body


def test_other_languages_and_untranslated_languages_are_unaffected(exam):
    """A translation out of date in one language leaves the others alone; a missing one gives the source."""
    assessment_translation_save(assessment=exam, language="es", title="Cuestionario", instructions="<p>Solo.</p>")
    exam.refresh_from_db()
    assert assessment_in_language(exam, "es").title == "Cuestionario"
    exam.refresh_from_db()
    assert assessment_in_language(exam, "ru").title == "Civil control quiz"  # never translated
    _source_changed(exam, title="Civilian control quiz")
    exam.refresh_from_db()
    shown = assessment_in_language(exam, "es")
    assert (shown.title, shown.instructions, shown.wording_language) == (
        "Civilian control quiz",
        "<p>Answer alone, without notes.</p>",
        "en",
    )
    assert assessment_titles(assessment_ids=[exam.pk], language="es") == {}
    assessment_translation_save(assessment=exam, language="es", title="Cuestionario nuevo", instructions="")
    assert assessment_titles(assessment_ids=[exam.pk, 999999], language="es") == {exam.pk: "Cuestionario nuevo"}
    assert assessment_titles(assessment_ids=[exam.pk], language="fr") == {}  # French is still out of date


def test_usable_means_what_the_admin_calls_translated(course, exam):
    """Students see a translation exactly when the translations screen says "Translated", never "Out of date"."""
    translation = exam.translations.get(language="fr")
    row = next(row for row in translation_overview(course_id=course.pk, languages=["fr"]) if row.kind == "assessment")
    assert row.states["fr"] == State.UP_TO_DATE and assessment_translation_usable(exam, translation)
    _source_changed(exam, instructions="")
    row = next(row for row in translation_overview(course_id=course.pk, languages=["fr"]) if row.kind == "assessment")
    assert row.states["fr"] == State.OUT_OF_DATE and not assessment_translation_usable(exam, translation)
    assert not assessment_translation_usable(exam, None)
    assert translation.source_digest != assessment_digest(exam)
