"""Assessments: a quiz or exam on a course or one of its modules, and the questions it asks."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin

from courses.api import CoursePage, ModulePage
from lms.accounts.api import TimeStampedModel

from .bank import Question, QuestionCategory


class FeedbackPolicy(models.TextChoices):
    IMMEDIATE = "immediate", _("Right after submission: correctness and explanations")
    AFTER_CLOSE = "after_close", _("After the assessment closes")
    NEVER = "never", _("Never: students see only their score")


class Layout(models.TextChoices):
    ONE_PER_PAGE = "one", _("One question per page")
    ALL_ON_ONE = "all", _("All questions on one page")


class GradeRule(models.TextChoices):
    BEST = "best", _("Best attempt counts")
    LATEST = "latest", _("Latest attempt counts")


# The admin form (panels, scoped choosers) is the viewset's (assessments/wagtail_admin/viewsets.py).
class Assessment(RevisionMixin, ClusterableModel, TimeStampedModel):
    """A quiz or exam. Attached to a course, or to one of its modules (passing it completes the module)."""

    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="assessments"
    )
    module = models.ForeignKey(
        ModulePage,
        verbose_name=_("module"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
        help_text=_("Leave empty for an assessment of the whole course."),
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = RichTextField(_("instructions"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        help_text=_("Empty for no limit."),
        validators=[MinValueValidator(1)],
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    is_required = models.BooleanField(_("required for completion"), default=True)
    layout = models.CharField(_("layout"), max_length=10, choices=Layout.choices, default=Layout.ONE_PER_PAGE)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(_("shuffle options"), default=False)
    feedback_policy = models.CharField(
        _("feedback"), max_length=20, choices=FeedbackPolicy.choices, default=FeedbackPolicy.IMMEDIATE
    )
    grade_rule = models.CharField(_("gradebook"), max_length=10, choices=GradeRule.choices, default=GradeRule.BEST)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="assessment")

    class Meta:
        ordering = ["course", "title"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="assessments_assessment_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def revisions(self):
        return self._revisions

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("An assessment must close after it opens.")})
        if self.feedback_policy == FeedbackPolicy.AFTER_CLOSE and not self.closes_at:
            raise ValidationError({"closes_at": _("Feedback after closing needs a closing date.")})
        if self.module_id and self.course_id and not self.module.path.startswith(self.course.path):
            raise ValidationError({"module": _("Choose a module of this course.")})


class AssessmentItem(Orderable):
    """Either one fixed question, or ``draw_count`` questions drawn at random from a category."""

    assessment = ParentalKey(Assessment, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("or draw from category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    draw_count = models.PositiveSmallIntegerField(_("how many to draw"), default=1, validators=[MinValueValidator(1)])

    class Meta(Orderable.Meta):
        verbose_name = _("question or draw")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(question__isnull=False) & models.Q(category__isnull=True))
                | (models.Q(question__isnull=True) & models.Q(category__isnull=False)),
                name="assessments_item_question_or_category",
            )
        ]

    def clean(self):
        if bool(self.question_id) == bool(self.category_id):
            raise ValidationError(_("Choose either one question or a category to draw from, not both."))
