"""Factories for catalogue pages, shared by the tests and benchmarks."""

import datetime

from django.conf import settings
from django.utils import timezone

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, PageViewRestriction, Site

import factory
from factory.django import DjangoModelFactory

from .models import (
    CatalogueIndexPage,
    Cohort,
    CoursePage,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    HomePage,
    ModulePage,
    Theme,
)


def catalogue_get() -> CatalogueIndexPage:
    """The catalogue page; the site tree is rebuilt when a test flushed it."""
    catalogue = CatalogueIndexPage.objects.first()
    if catalogue is not None:
        return catalogue
    Locale.objects.get_or_create(language_code="en")
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=HomePage(title="Professional military education online", slug="home"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
        )
    return home.add_child(instance=CatalogueIndexPage(title="Course catalogue", slug="catalogue"))


def _default_locale() -> Locale:
    return Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))[0]


class ThemeFactory(DjangoModelFactory):
    """A source theme (default locale); ``theme_translation_create`` gives it a translation."""

    class Meta:
        model = Theme
        django_get_or_create = ("slug", "locale")

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
    locale = factory.LazyFunction(_default_locale)


def theme_translation_create(theme: Theme, language: str, name: str, description: str = "") -> Theme:
    """The theme's translation into ``language`` with these words, as wagtail-localize makes one (same slug)."""
    locale, _created = Locale.objects.get_or_create(language_code=language)
    translation = theme.copy_for_translation(locale)
    translation.name, translation.description = name, description
    translation.full_clean()
    translation.save()
    return translation


def view_restriction_create(page, kind: str, *, groups=(), password: str = "") -> PageViewRestriction:
    """A Wagtail view restriction on ``page`` (login, groups, password), as the privacy dialog saves one."""
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, password=password)
    restriction.groups.set(groups)
    return restriction


class _PageFactory(factory.Factory):
    """Creates a page below ``parent``.

    ``publish=True`` (the default) publishes a revision as an editor would;
    ``publish="direct"`` saves it live without a revision, which is much
    cheaper when a test needs many pages; ``publish=False`` leaves a draft.
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, parent=None, publish=True, m2m=None, **kwargs):
        page = model_class(live=bool(publish), **kwargs)
        parent.add_child(instance=page)
        for name, values in (m2m or {}).items():
            getattr(page, name).set(values)
        if m2m:
            page.save()
        if publish is True:
            page.save_revision().publish()
        elif not publish:
            page.unpublish()
        return page


class CoursePageFactory(_PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = factory.Faker("paragraph", nb_sentences=3)
    audience = "Officers and officials from partner nations."
    level = "foundation"
    language = "en"
    estimated_hours = 6
    learning_outcomes = factory.LazyFunction(lambda: [{"type": "outcome", "value": "Explain civilian control."}])

    @classmethod
    def _create(cls, model_class, parent=None, themes=(), instructors=(), prerequisites=(), **kwargs):
        m2m = {"themes": list(themes), "instructors": list(instructors), "prerequisites": list(prerequisites)}
        m2m = {name: values for name, values in m2m.items() if values}
        course = super()._create(model_class, parent=parent or catalogue_get(), m2m=m2m, **kwargs)
        if instructors:
            from .services import course_instructors_sync

            course_instructors_sync(course=course)
        return course


class ModulePageFactory(_PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    estimated_minutes = 15
    body = factory.LazyFunction(
        lambda: [
            {"type": "heading", "value": {"text": "Why it matters", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Civilian control keeps the armed forces accountable.</p>"},
        ]
    )


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Intake {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    ends_on = factory.LazyAttribute(lambda cohort: cohort.starts_on + datetime.timedelta(weeks=12))
    capacity = None


class EnrolmentFactory(DjangoModelFactory):
    """An enrolment in a given status, with the timestamps that status needs."""

    class Meta:
        model = Enrolment

    status = EnrolmentStatus.ACTIVE
    source = EnrolmentSource.SELF
    status_changed_at = factory.LazyFunction(timezone.now)
    requested_at = factory.LazyAttribute(lambda e: e.status_changed_at)
    activated_at = factory.LazyAttribute(
        lambda e: e.status_changed_at if e.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED) else None
    )
    completed_at = factory.LazyAttribute(
        lambda e: e.status_changed_at if e.status == EnrolmentStatus.COMPLETED else None
    )
    withdrawn_at = factory.LazyAttribute(
        lambda e: e.status_changed_at if e.status == EnrolmentStatus.WITHDRAWN else None
    )
    rejected_at = factory.LazyAttribute(lambda e: e.status_changed_at if e.status == EnrolmentStatus.REJECTED else None)
