"""Catalogue content: Wagtail pages and the theme snippet.

Pages hold editorial content only; learner state (enrolments, progress) lives
in plain models added by later work, never on pages.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from wagtail_localize.fields import SynchronizedField, TranslatableField

from lms.accounts.api import Role

from ..blocks import ModuleBodyBlock, OutcomesBlock


class Level(models.TextChoices):
    FOUNDATION = "foundation", _("Foundation")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class EnrolmentPolicy(models.TextChoices):
    OPEN = "open", _("Open: students enrol themselves")
    APPROVAL = "approval", _("Approval: a program manager approves each request")
    CLOSED = "closed", _("Closed: only program managers enrol students")


class Theme(TranslatableMixin, index.Indexed, models.Model):
    """A subject area of the curriculum, managed as a snippet, with a translation per language.

    Courses (and glossary terms) point at the source theme, in the default
    locale; a translation (wagtail-localize, or "Translate" in the snippets list)
    shares its ``translation_key`` and its slug, and only lends its name and
    description to readers of its language (courses.selectors.themes_in_language).
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, help_text=_("Used in the catalogue's addresses; translations keep the original's.")
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("locale_id"),
    ]
    # The slug names the theme in the catalogue's filters, whatever the reader's language.
    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("slug", overridable=False),
        TranslatableField("description"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["name", "locale"], name="courses_theme_name_unique_per_locale"),
            models.UniqueConstraint(fields=["slug", "locale"], name="courses_theme_slug_unique_per_locale"),
        ]

    def __str__(self):
        return self.name


def themes_of_default_locale():
    """Courses choose among source themes only: a translation is never a theme of its own."""
    return models.Q(locale__language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))


class PublicPage(Page):
    """A page whose published version is the same for every visitor of the same kind.

    Its response is marked so that lms.core's page cache may keep it, once for
    anonymous visitors and once for signed-in ones. A page type that shows
    anything about the signed-in person (their progress, say) must not inherit
    this serve, or must leave that part out of the cached page.
    """

    # Translations keep the source's slug, so a translation's address is its source's.
    override_translatable_fields = [SynchronizedField("slug")]
    # The fields (beyond the title and SEO fields) whose words a translation lends to its source.
    reader_translated_fields = ()
    # Cached properties worked out from those words, forgotten when the words are swapped.
    reader_cached = ()

    class Meta:
        abstract = True

    def reader_original_language(self) -> str:
        """The language the source is written in."""
        from ..selectors.translation import default_language

        return default_language()

    def serve(self, request, *args, **kwargs):
        from ..selectors.translation import language_direction, page_for_reader, page_is_source

        page = self
        if not getattr(request, "is_preview", False):
            # A translation has no address of its own: it is read at its source's
            # (HomePage.route walks the source tree only), so nothing routes here.
            if not page_is_source(self):
                raise Http404
            page = page_for_reader(self, original_language=self.reader_original_language())
        else:
            page.content_language = page.reader_language = self.locale.language_code
            page.content_direction = language_direction(page.content_language)
            page.translation_missing = False
        response = Page.serve(page, request, *args, **kwargs)
        # A page with view restrictions (a password, some groups only) differs
        # between visitors; unknown counts as restricted.
        response.lms_page_cacheable = getattr(request, "lms_page_restricted", True) is False
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Templates cache the page's content (not the per-user header) until
        # content changes; a preview must always show the unsaved revision.
        context["cache_content"] = not getattr(request, "is_preview", False)
        return context


class HomePage(PublicPage):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CatalogueIndexPage"]
    max_count_per_parent = 1
    template = "courses/home_page.html"

    reader_translated_fields = ("intro",)

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Addresses are the source tree's, whatever the reader's language.

        Wagtail starts routing from the site root's translation in the active
        language; every language is answered from the source tree instead, and
        the source page shows its translation's words (PublicPage.serve).
        """
        from ..selectors.translation import page_source

        source = page_source(self)
        if source is not None and source.pk != self.pk:
            return source.route(request, path_components)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import catalogue_for_home, course_list_featured

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = catalogue_for_home(home=self)
        context["featured_courses"] = course_list_featured(home=self, language=getattr(self, "reader_language", None))
        return context


class CatalogueIndexPage(PublicPage):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1
    template = "courses/catalogue_index_page.html"

    reader_translated_fields = ("intro",)

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import catalogue_search

        context = super().get_context(request, *args, **kwargs)
        context.update(
            catalogue_search(catalogue=self, params=request.GET, language=getattr(self, "reader_language", None))
        )
        return context


class CoursePage(PublicPage):
    summary = models.TextField(_("summary"), max_length=600, help_text=_("One paragraph shown in the catalogue."))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    learning_outcomes = StreamField(OutcomesBlock(), verbose_name=_("learning outcomes"), blank=True)
    audience = models.TextField(_("audience"), blank=True, help_text=_("Who the course is written for."))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.FOUNDATION)
    estimated_hours = models.PositiveSmallIntegerField(
        _("estimated hours"), default=4, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    themes = ParentalManyToManyField(
        Theme,
        verbose_name=_("themes"),
        related_name="courses",
        blank=True,
        limit_choices_to=themes_of_default_locale,
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisite courses"), symmetrical=False, blank=True, related_name="+"
    )
    instructors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        blank=True,
        related_name="taught_courses",
        limit_choices_to={"groups__name": Role.INSTRUCTOR.value},
        help_text=_("Instructors can edit this course and its modules."),
    )
    enrolment_policy = models.CharField(
        _("enrolment policy"), max_length=20, choices=EnrolmentPolicy.choices, default=EnrolmentPolicy.OPEN
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("learning_outcomes"),
        FieldPanel("audience"),
        MultiFieldPanel(
            [
                FieldPanel("level"),
                FieldPanel("estimated_hours"),
                FieldPanel("language"),
                FieldPanel("themes"),
                FieldPanel("prerequisites"),
            ],
            heading=_("Catalogue details"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("enrolment_policy", permission="courses.assign_instructors"),
                FieldPanel("instructors", permission="courses.assign_instructors"),
            ],
            heading=_("Enrolment and teaching"),
        ),
        # The relation is the certificates app's (a ParentalKey to this page), so courses imports nothing of it.
        InlinePanel(
            "certificate_choice",
            max_num=1,
            heading=_("Certificate"),
            label=_("Certificate template"),
            help_text=_("Without a choice the course uses the default template."),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
        index.SearchField("audience"),
        index.FilterField("level"),
        index.FilterField("language"),
        index.RelatedFields("themes", [index.SearchField("name")]),
    ]
    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = ["courses.ModulePage"]
    template = "courses/course_page.html"

    reader_translated_fields = ("summary", "learning_outcomes", "audience")
    reader_cached = ("outcomes",)

    class Meta:
        verbose_name = _("course")
        permissions = [("assign_instructors", _("Can assign instructors and set enrolment policy"))]

    def reader_original_language(self) -> str:
        return self.language

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_outline, themes_in_language
        from ..selectors.translation import titles_in_language

        context = super().get_context(request, *args, **kwargs)
        language = None if getattr(request, "is_preview", False) else getattr(self, "reader_language", None)

        def outline():
            modules = course_outline(course=self)
            titles_in_language(modules, language)
            return modules

        def prerequisites():
            courses = list(self.prerequisites.live().only("title", "url_path", "translation_key"))
            titles_in_language(courses, language)
            return courses

        def themes():
            shown = list(self.themes.all())
            themes_in_language(shown, language)
            return shown

        # Lazy: evaluated only when the cached content has to be rendered again.
        context["modules"] = SimpleLazyObject(outline)
        context["themes"] = SimpleLazyObject(themes)
        context["prerequisites"] = SimpleLazyObject(prerequisites)
        return context

    @cached_property
    def outcomes(self):
        return [block.value for block in self.learning_outcomes]


class ModulePage(PublicPage):
    body = StreamField(ModuleBodyBlock(), verbose_name=_("body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated reading time (minutes)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    is_required = models.BooleanField(
        _("required for completion"), default=True, help_text=_("Students must complete it to complete the course.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("estimated_minutes"),
        FieldPanel("is_required"),
        FieldPanel("body"),
    ]
    # Module text is for enrolled students, so only the title is searchable.
    search_fields = [*Page.search_fields]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    template = "courses/module_page.html"

    reader_translated_fields = ("body",)

    class Meta:
        verbose_name = _("module")

    def reader_original_language(self) -> str:
        language = CoursePage.objects.filter(path=self.path[: -self.steplen]).values_list("language", flat=True)
        return language.first() or super().reader_original_language()

    def get_context(self, request, *args, **kwargs):
        from ..selectors import ModuleNavigation

        context = super().get_context(request, *args, **kwargs)
        language = None if getattr(request, "is_preview", False) else getattr(self, "reader_language", None)
        context["nav"] = ModuleNavigation(self, language=language)
        return context
