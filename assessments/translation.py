"""Translated question banks and assessments: what is translated, what is out of date, and saving a translation.

The mechanism (see docs/assessments.md, "Translations"): a translation is a
row of wording beside its source (``models.translations``), never a question
of its own, so every attempt, answer, grade and statistic keeps the source
ids. Each translation keeps the digest of the source wording it was made from;
when the source's wording changes, the translation is *out of date* until a
translator saves it again. A question's translation is used for students (its
wording and its accepted answers) only when it is up to date and has wording
for every one of the source's current options; otherwise they see the source
wording, marked with its language, and are graded against the source's key.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from .models import (
    Assessment,
    AssessmentTranslation,
    Question,
    QuestionCategory,
    QuestionCategoryTranslation,
    QuestionOptionTranslation,
    QuestionTranslation,
    QuestionType,
)
from .models.bank import accepted_answer_lines, accepted_answers_unmatchable


def unmatchable_message(line: str) -> str:
    """Why an accepted answer of nothing but spaces and punctuation is refused (the source's form, a translation)."""
    return _("Accepted answer “%(answer)s” has no letters or digits, so no answer could match it.") % {"answer": line}


class TranslationRefused(ValueError):
    """A translation that cannot be saved; the message says why, for the translator. Nothing was written."""


class State:
    MISSING = "missing"
    OUT_OF_DATE = "out_of_date"
    UP_TO_DATE = "up_to_date"


STATE_LABELS = {
    State.MISSING: gettext_lazy("Not translated"),
    State.OUT_OF_DATE: gettext_lazy("Out of date"),
    State.UP_TO_DATE: gettext_lazy("Translated"),
}


def content_languages() -> list[str]:
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def content_language(code: str | None = None) -> str:
    """``code`` (default: the active language) as one of the content languages; the default language otherwise."""
    code = (code or get_language() or settings.LANGUAGE_CODE).lower()
    languages = content_languages()
    if code in languages:
        return code
    base = code.split("-")[0]
    return base if base in languages else settings.LANGUAGE_CODE


def language_direction(code: str) -> str:
    try:
        return "rtl" if get_language_info(code).get("bidi") else "ltr"
    except KeyError:
        return "ltr"


def course_source_language(course_id: int) -> str:
    """The language a course's bank is written in: the course page's locale."""
    from wagtail.models import Page

    code = Page.objects.filter(pk=course_id).values_list("locale__language_code", flat=True).first()
    return content_language(code or settings.LANGUAGE_CODE)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def question_digest(question: Question) -> str:
    """The digest of what a question's translation translates: any change to it makes translations out of date."""
    options = sorted(question.options.all(), key=lambda option: (option.sort_order or 0, option.pk))
    return _digest(
        {
            "prompt": question.prompt,
            "explanation": question.explanation,
            "accepted": question.accepted_answer_list,
            "options": [[option.pk, option.text, option.feedback] for option in options],
        }
    )


def category_digest(category: QuestionCategory) -> str:
    return _digest({"name": category.name})


def assessment_digest(assessment: Assessment) -> str:
    return _assessment_words_digest(assessment.title, assessment.instructions)


def _assessment_words_digest(title: str, instructions: str) -> str:
    return _digest({"title": title, "instructions": instructions})


def state_of(translation, digest: str) -> str:
    if translation is None:
        return State.MISSING
    return State.UP_TO_DATE if translation.source_digest == digest else State.OUT_OF_DATE


def assessment_translation_usable(assessment: Assessment, translation: AssessmentTranslation | None) -> bool:
    """A title and instructions students may read: made from the source's current words (as for questions).

    An out-of-date translation may announce what the source no longer says
    (another time limit, another set of readings): students get the source's words.
    """
    return translation is not None and translation.source_digest == assessment_digest(assessment)


def question_translation_usable(question: Question, translation: QuestionTranslation | None) -> bool:
    """A translation students may see and be graded by: up to date, with wording for every current option.

    An out-of-date translation may say something the source no longer says (an
    option reworded under a new correct flag, an accepted answer the source
    dropped), so it is never frozen into an attempt nor added to a key.
    """
    if translation is None or translation.source_digest != question_digest(question):
        return False
    translated = {option.option_id for option in translation.options.all()}
    return all(option.pk in translated for option in question.options.all())


# Saving ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionWording:
    option_id: int
    text: str
    feedback: str = ""


def _language_check(language: str, source_language: str) -> None:
    if language not in content_languages():
        raise TranslationRefused(
            _("“%(language)s” is not one of the site's content languages.") % {"language": language}
        )
    if language == source_language:
        raise TranslationRefused(_("This is the language the source is written in: edit the source instead."))


@transaction.atomic
def question_translation_save(
    *,
    question: Question,
    language: str,
    prompt: str,
    explanation: str = "",
    accepted_answers: str = "",
    options: list[OptionWording] = (),
    by=None,
) -> QuestionTranslation:
    """Save a question's wording in ``language``, made from the source as it is now (so up to date).

    Refused, with nothing written, unless it gives a prompt and wording for
    exactly the source's options (each once, matched by the source option's
    id): a translation with more or fewer options, or one leaving out an
    option (a correct one above all), would show a question that grades
    against options its reader never saw.
    """
    _language_check(language, course_source_language(question.course_id))
    if not prompt or not prompt.strip() or prompt.strip() in ("<p></p>", "<p><br></p>"):
        raise TranslationRefused(_("The translation needs the question's wording."))
    source_options = list(question.options.all())
    given = [option.option_id for option in options]
    if len(given) != len(source_options) or set(given) != {option.pk for option in source_options}:
        missing_correct = [o.text for o in source_options if o.is_correct and o.pk not in given]
        if missing_correct:
            raise TranslationRefused(
                _("The translation leaves out the correct option “%(option)s”: translate every option.")
                % {"option": missing_correct[0]}
            )
        raise TranslationRefused(
            _("The question has %(expected)d options and the translation has %(given)d: translate each option once.")
            % {"expected": len(source_options), "given": len(given)}
        )
    if any(not option.text.strip() for option in options):
        raise TranslationRefused(_("Every option needs its translated text."))
    if question.type == QuestionType.SHORT_ANSWER:
        # Added to the grading key and shown to students, as the source's are: the same rule.
        unmatchable = accepted_answers_unmatchable(accepted_answer_lines(accepted_answers))
        if unmatchable:
            raise TranslationRefused(unmatchable_message(unmatchable[0]))
    translation, _created = QuestionTranslation.objects.select_for_update().update_or_create(
        question=question,
        language=language,
        defaults={
            "prompt": prompt,
            "explanation": explanation,
            "accepted_answers": accepted_answers,
            "source_digest": question_digest(question),
            "translated_by": by,
        },
    )
    translation.options.all().delete()
    QuestionOptionTranslation.objects.bulk_create(
        QuestionOptionTranslation(
            translation=translation, option_id=option.option_id, text=option.text.strip(), feedback=option.feedback
        )
        for option in options
    )
    _bank_changed()
    return translation


@transaction.atomic
def category_translation_save(*, category: QuestionCategory, language: str, name: str, by=None):
    _language_check(language, course_source_language(category.course_id))
    if not name.strip():
        raise TranslationRefused(_("The translation needs the category's name."))
    translation, _created = QuestionCategoryTranslation.objects.update_or_create(
        category=category,
        language=language,
        defaults={"name": name.strip(), "source_digest": category_digest(category), "translated_by": by},
    )
    return translation


@transaction.atomic
def assessment_translation_save(
    *, assessment: Assessment, language: str, title: str, instructions: str = "", by=None
) -> AssessmentTranslation:
    _language_check(language, course_source_language(assessment.course_id))
    if not title.strip():
        raise TranslationRefused(_("The translation needs the assessment's title."))
    translation, _created = AssessmentTranslation.objects.update_or_create(
        assessment=assessment,
        language=language,
        defaults={
            "title": title.strip(),
            "instructions": instructions,
            "source_digest": assessment_digest(assessment),
            "translated_by": by,
        },
    )
    from lms.core import pagecache

    from .parts import course_assessments_version

    pagecache.versions_bump_on_commit(course_assessments_version(assessment.course_id))
    return translation


def _bank_changed() -> None:
    from . import frozen

    frozen.bank_changed()


# Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """What a student reads about an assessment, and in which language it is written."""

    title: str
    instructions: str
    language: str

    @property
    def direction(self) -> str:
        return language_direction(self.language)


def assessment_wording(*, assessment: Assessment, language: str | None = None) -> Wording:
    """The assessment's title and instructions in ``language`` (default: the active one), else the source's.

    The source's too when the translation is out of date (``assessment_translation_usable``).
    """
    from . import frozen

    language = content_language(language)
    # Kept per process under the bank version, which every save of an assessment or its translations moves:
    # the question page, read on every navigation, reads no more rows for it.
    key = ("wording", assessment.pk, language, frozen.bank_version())
    wording = frozen.plan_get(key)
    if wording is None:
        translation = AssessmentTranslation.objects.filter(assessment_id=assessment.pk, language=language).first()
        if assessment_translation_usable(assessment, translation):
            wording = Wording(translation.title, translation.instructions, language)
        else:
            wording = Wording(assessment.title, assessment.instructions, course_source_language(assessment.course_id))
        frozen.plan_keep(key, wording)
    return wording


def assessment_in_language(assessment: Assessment, language: str | None = None) -> Assessment:
    """The assessment with its title and instructions in ``language`` where translated, for showing only.

    Sets ``wording_language`` (and ``wording_direction``). The instance must not be saved afterwards.
    """
    wording = assessment_wording(assessment=assessment, language=language)
    assessment.title, assessment.instructions = wording.title, wording.instructions
    assessment.wording_language, assessment.wording_direction = wording.language, wording.direction
    return assessment


def assessment_titles(*, assessment_ids, language: str) -> dict[int, str]:
    """Translated titles of these assessments in ``language`` (those with an up-to-date translation), in one query."""
    rows = AssessmentTranslation.objects.filter(assessment_id__in=list(assessment_ids), language=language).values_list(
        "assessment_id", "title", "source_digest", "assessment__title", "assessment__instructions"
    )
    return {
        assessment_id: title
        for assessment_id, title, digest, source_title, source_instructions in rows
        if digest == _assessment_words_digest(source_title, source_instructions)
    }


@dataclass
class TranslationRow:
    kind: str  # "question", "category", "assessment"
    object: object
    label: str
    states: dict  # language -> state


def translation_overview(*, course_id: int, languages: list[str]) -> list[TranslationRow]:
    """Every question, category and assessment of a course with its state in each language (fixed queries)."""
    rows = []
    questions = (
        Question.objects.filter(course_id=course_id).prefetch_related("options", "translations").order_by("title", "pk")
    )
    for question in questions:
        digest = question_digest(question)
        by_language = {translation.language: translation for translation in question.translations.all()}
        rows.append(
            TranslationRow(
                "question",
                question,
                question.title,
                {language: state_of(by_language.get(language), digest) for language in languages},
            )
        )
    for category in QuestionCategory.objects.filter(course_id=course_id).prefetch_related("translations"):
        by_language = {translation.language: translation for translation in category.translations.all()}
        digest = category_digest(category)
        rows.append(
            TranslationRow(
                "category",
                category,
                category.name,
                {language: state_of(by_language.get(language), digest) for language in languages},
            )
        )
    for assessment in Assessment.objects.filter(course_id=course_id).prefetch_related("translations").order_by("title"):
        by_language = {translation.language: translation for translation in assessment.translations.all()}
        digest = assessment_digest(assessment)
        rows.append(
            TranslationRow(
                "assessment",
                assessment,
                assessment.title,
                {language: state_of(by_language.get(language), digest) for language in languages},
            )
        )
    return rows


def question_translation_states(question: Question, source_language: str | None = None) -> dict[str, str]:
    """The question's state in every content language but its source's (uses prefetched options and translations)."""
    digest = question_digest(question)
    by_language = {translation.language: translation for translation in question.translations.all()}
    source = source_language or course_source_language(question.course_id)
    return {
        language: state_of(by_language.get(language), digest) for language in content_languages() if language != source
    }
