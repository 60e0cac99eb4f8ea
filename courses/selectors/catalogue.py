"""Reads for the catalogue. Page get_context methods call these.

Every selector here issues a fixed number of queries whatever the size of the
catalogue (tests/courses/test_query_counts.py holds them to it).
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from wagtail.models import PageViewRestriction

from lms.core.text import collation_key

from ..forms import CatalogueFilterForm
from ..models import CatalogueIndexPage, CoursePage, ModulePage, Theme
from .translation import (
    content_language,
    courses_in_language,
    default_language,
    language_direction,
    restriction_implies,
    source_only,
    titles_in_language,
    translation_keys_in_language,
    translations_lendable,
    view_restrictions_all,
)

COURSE_CARD_FIELDS = (
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "summary",
    "level",
    "language",
    "estimated_hours",
    "enrolment_policy",
    "cover_image",
    "translation_key",
)


def theme_list():
    """The source themes (default locale): courses point at these; a translation only lends its words."""
    return source_only(Theme.objects.all())


def theme_translations(*, language: str | None) -> dict:
    """``{translation_key: (name, description)}`` of every theme translated into ``language``: one query.

    Empty (and no query) for the default language or a language the site does not have.
    """
    language = content_language(language)
    if not language or language == default_language():
        return {}
    rows = Theme.objects.filter(locale__language_code=language).values_list("translation_key", "name", "description")
    return {key: (name, description) for key, name, description in rows}


def themes_in_language(themes, language: str | None = None, *, translations: dict | None = None) -> None:
    """Give source themes the name and description of their translation in ``language`` (the active one).

    A theme without one keeps the source's words. Each theme gets
    ``content_language`` and ``content_direction`` (of the words it carries).
    One query for any number of themes, none when ``translations`` (from
    ``theme_translations`` for the same language) is given.
    """
    themes = [theme for theme in themes if theme is not None]
    if not themes:
        return
    language = content_language(language)
    if translations is None:
        translations = theme_translations(language=language)
    for theme in themes:
        theme.content_language = default_language()
        if theme.translation_key in translations:
            theme.name, theme.description = translations[theme.translation_key]
            theme.content_language = language
        theme.content_direction = language_direction(theme.content_language)


def _card_themes(courses) -> list:
    """The themes prefetched on course cards (nothing is fetched here)."""
    return [
        theme
        for course in courses
        if "themes" in getattr(course, "_prefetched_objects_cache", {})
        for theme in course.themes.all()
    ]


def course_cards_in_language(courses, language: str | None = None, *, theme_words: dict | None = None) -> None:
    """Dress course cards for a reader of ``language``: the course's words (courses_in_language) and its themes'.

    Themes are dressed only when prefetched (``prefetch_related("themes")``):
    one query for all of them, none when ``theme_words`` (theme_translations) is given.
    """
    courses = list(courses)
    courses_in_language(courses, language)
    themes_in_language(_card_themes(courses), language, translations=theme_words)


def course_list_live():
    """Live, public courses: their sources only (a translation is never a course of its own)."""
    return source_only(CoursePage.objects.live().public())


def catalogue_for_home(*, home):
    return CatalogueIndexPage.objects.child_of(home).live().public().first()


def course_list_featured(*, home, limit=3, language=None):
    courses = list(
        course_list_live()
        .descendant_of(home)
        .select_related("cover_image")
        .prefetch_related("themes")
        .only(*COURSE_CARD_FIELDS)
        .order_by("path")[:limit]
    )
    course_cards_in_language(courses, language)
    return courses


def catalogue_search(*, catalogue, params, language=None) -> dict:
    """Filter the catalogue by theme, level and language and search its text.

    Each course is listed once (its source), in the words of its translation
    in ``language`` (the active one) when there is one; the language filter
    keeps the courses that can be read in that language, in the original or a
    published translation. Returns the page of courses, the bound filter form,
    the messages for any parameter that was not understood (those parameters
    are ignored), and the total count.
    """
    # The filters offer the source themes (a filter names its theme by the source's slug)
    # under their names in the reader's language, in that language's order.
    theme_words = theme_translations(language=language)
    themes = list(theme_list())
    themes_in_language(themes, language, translations=theme_words)
    themes.sort(key=lambda theme: collation_key(theme.name, language or default_language()))
    form = CatalogueFilterForm(params, themes=themes)
    problems = []
    if form.is_valid():
        filters = form.cleaned_data
    else:
        filters = {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}
        for name in form.errors:
            problems.append(
                _("The %(field)s filter was not understood and has been ignored.")
                % {"field": form.fields[name].label or name}
            )
    courses = course_list_live().child_of(catalogue)
    if filters.get("level"):
        courses = courses.filter(level=filters["level"])
    if filters.get("language"):
        courses = courses.filter(
            Q(language=filters["language"])
            | Q(translation_key__in=translation_keys_in_language(CoursePage, filters["language"]))
        )
    if filters.get("theme"):
        courses = courses.filter(themes__slug=filters["theme"])
    query = (filters.get("q") or "").strip()
    courses = courses.select_related("cover_image").prefetch_related("themes").only(*COURSE_CARD_FIELDS)
    if query:
        # Translations are searched too, those that lend their words only: a match in any language
        # finds the course (its source), but one only in a draft, an alias or a translation more
        # private than its source would find a course by words its readers are never shown. The
        # search backend filters on indexed fields only, so its matches are sorted out afterwards.
        matches = [
            (page.pk, page.translation_key)
            for page in CoursePage.objects.live().search(query, fields=None, operator="and")
        ]
        lendable = set(
            translations_lendable(CoursePage.objects.filter(pk__in=[pk for pk, _key in matches])).values_list(
                "pk", flat=True
            )
        )
        rank = {}
        for pk, key in matches:
            if pk in lendable:
                rank.setdefault(key, len(rank))
        # So are the themes' names in every language: the courses of a theme follow the text's matches.
        named_themes = Theme.objects.filter(name__icontains=query).values("translation_key")
        found = courses.filter(Q(translation_key__in=rank) | Q(themes__translation_key__in=named_themes)).distinct()
        course_list = sorted(found, key=lambda page: (rank.get(page.translation_key, len(rank)), page.path))
    else:
        course_list = courses.order_by("path")
    paginator = Paginator(course_list, settings.LMS_CATALOGUE_PAGE_SIZE)
    page_number = filters.get("page") or 1
    if page_number > paginator.num_pages:
        page_number = paginator.num_pages
    page = paginator.get_page(page_number)
    page.object_list = list(page.object_list)  # dressed once, then shown as dressed
    course_cards_in_language(page.object_list, language, theme_words=theme_words)
    active = {name: filters.get(name) for name in ("q", "theme", "level", "language") if filters.get(name)}
    return {
        "filter_form": form,
        "filter_problems": problems,
        "courses": page,
        "result_count": paginator.count,
        "active_filters": active,
        "themes": themes,
    }


def course_outline(*, course) -> list[ModulePage]:
    """The course's live modules in their order, numbered from 1: those open to everyone who may open the course.

    The course's address checks its reader against the view restrictions on
    the course's path (its own and its ancestors'), and its modules inherit
    them: a module is listed when its own restrictions are no stricter than
    those (none, or one that a restriction on the course's path implies, as
    for translations: courses.selectors.translation). A module restricted
    beyond its course (for instructors only, behind a password of its own) is
    left out for everyone: the outline is the same for every reader of the
    course (its content is cached once per course and language), and the
    module's own address still admits the readers its restriction lets in.
    Two queries, whatever the number of modules.
    """
    modules = ModulePage.objects.child_of(course).live()
    stricter = module_paths_restricted_beyond_course(course=course)
    if stricter:
        modules = modules.exclude(path__in=stricter)
    modules = list(
        modules.only(
            "title", "slug", "url_path", "path", "depth", "estimated_minutes", "is_required", "translation_key"
        ).order_by("path")
    )
    for number, module in enumerate(modules, start=1):
        module.number = number
    return modules


def module_paths_restricted_beyond_course(*, course) -> set[str]:
    """The paths of the course's modules behind a view restriction of their own stricter than the course's.

    One query (every view restriction, as Wagtail's ``.public()`` reads them).
    """
    steplen = ModulePage.steplen
    course_path = {course.path[:end] for end in range(steplen, len(course.path) + 1, steplen)}
    restrictions = view_restrictions_all()
    above = [restriction for restriction in restrictions if restriction.path in course_path]
    return {
        restriction.path
        for restriction in restrictions
        if len(restriction.path) == len(course.path) + steplen
        and restriction.path.startswith(course.path)
        and restriction.kind != PageViewRestriction.NONE  # admits everyone
        and not any(restriction_implies(higher, restriction) for higher in above)
    }


def page_open_to(page, request) -> bool:
    """Whether every view restriction on the page's path (its own and its ancestors') admits this request.

    What Wagtail checks when it serves the page, for actions posted about it
    (enrolling on a course, completing a module) which do not go through its
    address: a reader the page would keep out may not act on it either.
    """
    return all(restriction.accept_request(request) for restriction in page.get_view_restrictions())


class ModuleNavigation:
    """Where a module stands in its course, worked out only when a template asks.

    Module pages cache their content; on a cache hit nothing here is queried.
    Titles are those of the translations in ``language`` where there are some.
    """

    def __init__(self, module, language=None):
        self.module = module
        self.language = language

    @cached_property
    def _data(self):
        data = module_neighbours(module=self.module)
        if self.language:
            titles_in_language([data["course"], *data["modules"]], self.language)
        return data

    course = property(lambda self: self._data["course"])
    modules = property(lambda self: self._data["modules"])
    module_number = property(lambda self: self._data["module_number"])
    previous_module = property(lambda self: self._data["previous_module"])
    next_module = property(lambda self: self._data["next_module"])


def module_neighbours(*, module) -> dict:
    course = CoursePage.objects.filter(Q(path=module.path[: -ModulePage.steplen])).first()
    outline = course_outline(course=course) if course else []
    index = next((i for i, m in enumerate(outline) if m.pk == module.pk), None)
    previous_module = outline[index - 1] if index else None
    next_module = outline[index + 1] if index is not None and index + 1 < len(outline) else None
    return {
        "course": course,
        "modules": outline,
        "module_number": (index + 1) if index is not None else None,
        "previous_module": previous_module,
        "next_module": next_module,
    }
