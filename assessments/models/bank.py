"""Question banks: questions of six types, with options, points, feedback and explanations."""

from decimal import Decimal

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index

from courses.api import CoursePage
from lms.accounts.api import TimeStampedModel
from lms.core.text import answer_normalise

PROMPT_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


def accepted_answer_lines(text: str) -> list[str]:
    """A short-answer question's accepted answers, as written: one per line, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def accepted_answers_unmatchable(lines) -> list[str]:
    """The lines no answer could ever match: spaces and punctuation are set aside when answers are
    compared (lms.core.text.answer_normalise), so a line of nothing else is empty to the grader."""
    return [line for line in lines if not answer_normalise(line)]


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT_ANSWER = "short_answer", _("Short answer")
    NUMERIC = "numeric", _("Numeric")
    ESSAY = "essay", _("Essay (graded by an instructor)")


OPTION_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


class ScoringRule(models.TextChoices):
    """How a multiple-choice question with several correct options is scored."""

    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: full points only for exactly the correct options")
    PARTIAL = (
        "partial",
        _(
            "Partial credit: each correct option chosen earns its share, each wrong option chosen takes "
            "a share away, never below zero"
        ),
    )


# The admin forms (panels, scoped choosers) are the viewsets' (assessments/wagtail_admin/viewsets.py).


class QuestionCategory(models.Model):
    """A group of questions of a course's bank that assessments can draw from at random."""

    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="question_categories"
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="assessments_category_unique_per_course")
        ]

    def __str__(self):
        return f"{self.name} ({self.course.title})"


class Question(RevisionMixin, index.Indexed, ClusterableModel, TimeStampedModel):
    """One question of a course's bank. Its revisions are kept; attempts keep their own snapshot."""

    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="questions")
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("A short name for the bank and the gradebook; students do not see it.")
    )
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices, default=QuestionType.SINGLE)
    prompt = RichTextField(_("question"), features=PROMPT_FEATURES)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    explanation = RichTextField(
        _("explanation"),
        blank=True,
        features=PROMPT_FEATURES,
        help_text=_("Shown after grading, per the feedback policy."),
    )
    scoring_rule = models.CharField(
        _("scoring of multiple choice"),
        max_length=20,
        choices=ScoringRule.choices,
        default=ScoringRule.PARTIAL,
    )
    accepted_answers = models.TextField(
        _("accepted answers"), blank=True, help_text=_("Short answer: one accepted answer per line.")
    )
    case_sensitive = models.BooleanField(_("case matters"), default=False)
    numeric_answer = models.DecimalField(_("correct number"), max_digits=14, decimal_places=4, null=True, blank=True)
    numeric_tolerance = models.DecimalField(
        _("tolerance (±)"), max_digits=14, decimal_places=4, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    rubric = models.TextField(_("rubric for graders"), blank=True, help_text=_("Essay: what a full answer contains."))
    # Wagtail keeps the question's revisions (history, compare, restore).
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="question")

    search_fields = [index.SearchField("title"), index.AutocompleteField("title"), index.FilterField("course_id")]

    class Meta:
        ordering = ["course", "title"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.title

    @property
    def revisions(self):
        return self._revisions

    @property
    def accepted_answer_list(self) -> list[str]:
        return accepted_answer_lines(self.accepted_answers)


class QuestionOption(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("option"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(_("feedback on this option"), max_length=500, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text
