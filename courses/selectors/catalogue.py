"""Reads for the catalogue. Page get_context methods call these.

Every selector here issues a fixed number of queries whatever the size of the
catalogue (tests/courses/test_query_counts.py holds them to it).
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from ..forms import CatalogueFilterForm
from ..models import CatalogueIndexPage, CoursePage, ModulePage, Theme

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
)


def theme_list():
    return Theme.objects.all()


def course_list_live():
    return CoursePage.objects.live().public()


def catalogue_for_home(*, home):
    return CatalogueIndexPage.objects.child_of(home).live().public().first()


def course_list_featured(*, home, limit=3):
    return list(
        course_list_live()
        .descendant_of(home)
        .select_related("cover_image")
        .prefetch_related("themes")
        .only(*COURSE_CARD_FIELDS)
        .order_by("path")[:limit]
    )


def catalogue_search(*, catalogue, params) -> dict:
    """Filter the catalogue by theme, level and language and search its text.

    Returns the page of courses, the bound filter form, the messages for any
    parameter that was not understood (those parameters are ignored), and the
    total count.
    """
    themes = list(theme_list())
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
        courses = courses.filter(language=filters["language"])
    if filters.get("theme"):
        courses = courses.filter(themes__slug=filters["theme"])
    query = (filters.get("q") or "").strip()
    courses = courses.select_related("cover_image").prefetch_related("themes").only(*COURSE_CARD_FIELDS)
    if query:
        ranked_ids = [page.pk for page in CoursePage.objects.live().search(query, fields=None, operator="and")]
        rank = {pk: position for position, pk in enumerate(ranked_ids)}
        course_list = sorted(courses.filter(pk__in=ranked_ids), key=lambda page: rank[page.pk])
    else:
        course_list = courses.order_by("path")
    paginator = Paginator(course_list, settings.LMS_CATALOGUE_PAGE_SIZE)
    page_number = filters.get("page") or 1
    if page_number > paginator.num_pages:
        page_number = paginator.num_pages
    page = paginator.get_page(page_number)
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
    """The course's live modules in their order, numbered from 1."""
    modules = list(
        ModulePage.objects.child_of(course)
        .live()
        .public()
        .only("title", "slug", "url_path", "path", "depth", "estimated_minutes", "is_required")
        .order_by("path")
    )
    for number, module in enumerate(modules, start=1):
        module.number = number
    return modules


class ModuleNavigation:
    """Where a module stands in its course, worked out only when a template asks.

    Module pages cache their content; on a cache hit nothing here is queried.
    """

    def __init__(self, module):
        self.module = module

    @cached_property
    def _data(self):
        return module_neighbours(module=self.module)

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
