"""Translations of question banks and assessments: the wording in another language, beside the source.

A translation never becomes a question of its own: attempts, answers, grading,
regrading, gradebooks and statistics keep to the source question and option ids.
Each translation row holds only wording, one row per object and language, and
the *source digest* (``assessments.translation.source_digest``) of the source
wording it was made from: when the source's wording changes, the digests differ
and the admin says the translation is out of date. Option wording is attached
to the source option itself (by its id, never by position).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.fields import RichTextField

from .assessment import Assessment
from .bank import PROMPT_FEATURES, Question, QuestionCategory, QuestionOption, accepted_answer_lines


class TranslationBase(models.Model):
    language = models.CharField(_("language"), max_length=12, choices=settings.WAGTAIL_CONTENT_LANGUAGES)
    # The digest of the source wording this translation was made from (out of date when it differs).
    source_digest = models.CharField(max_length=64)
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class QuestionTranslation(TranslationBase):
    """A question's prompt, explanation and extra accepted short answers in one language."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="translations")
    prompt = RichTextField(_("question"), features=PROMPT_FEATURES)
    explanation = RichTextField(_("explanation"), blank=True, features=PROMPT_FEATURES)
    accepted_answers = models.TextField(
        _("accepted answers in this language"),
        blank=True,
        help_text=_("Short answer: one per line; accepted as well as the source's accepted answers."),
    )

    class Meta:
        verbose_name = _("question translation")
        verbose_name_plural = _("question translations")
        constraints = [
            models.UniqueConstraint(fields=["question", "language"], name="assessments_question_translation_unique")
        ]

    def __str__(self):
        return f"{self.question_id} ({self.language})"

    @property
    def accepted_answer_list(self) -> list[str]:
        return accepted_answer_lines(self.accepted_answers)


class QuestionOptionTranslation(models.Model):
    """One source option's text and feedback in the translation's language."""

    translation = models.ForeignKey(QuestionTranslation, on_delete=models.CASCADE, related_name="options")
    option = models.ForeignKey(QuestionOption, on_delete=models.CASCADE, related_name="translations")
    text = models.CharField(_("option"), max_length=500)
    feedback = models.CharField(_("feedback on this option"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["translation", "option"], name="assessments_option_translation_unique")
        ]

    def __str__(self):
        return self.text


class QuestionCategoryTranslation(TranslationBase):
    category = models.ForeignKey(QuestionCategory, on_delete=models.CASCADE, related_name="translations")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("question category translation")
        constraints = [
            models.UniqueConstraint(fields=["category", "language"], name="assessments_category_translation_unique")
        ]

    def __str__(self):
        return self.name


class AssessmentTranslation(TranslationBase):
    """What a student reads about an assessment, in one language: its title and instructions."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="translations")
    title = models.CharField(_("title"), max_length=200)
    instructions = RichTextField(_("instructions"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        verbose_name = _("assessment translation")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "language"], name="assessments_assessment_translation_unique")
        ]

    def __str__(self):
        return self.title
