"""The per-visitor parts of course and module pages (see lms.core.pagecache).

Course and module pages are cached whole; these renderers fill in, for each
request, what depends on the visitor: the enrolment panel on a course page,
and on a module page its text (enrolled students, the course's instructors,
program managers and administrators only) and the completion button. They
return the same for every anonymous visitor, as the anonymous page cache
keeps their output.
"""

import dataclasses

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language

from lms.core import pagecache

from .models import CoursePage, EnrolmentStatus, ModulePage, ModuleProgress
from .selectors import (
    cohort_list_open,
    course_prerequisites_missing,
    enrolment_get,
    module_reader_enrolment,
    progress_for,
)
from .services import module_visit


def _ids(arg: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in arg.split("-"))
    except ValueError:
        return None


def enrolment_panel(request, arg: str) -> str:
    ids = _ids(arg)
    if not ids:
        return ""
    context = {"request": request, "user": request.user, "course_id": ids[0]}
    if request.user.is_authenticated:
        course = (
            CoursePage.objects.filter(pk=ids[0])
            .only("title", "url_path", "path", "depth", "enrolment_policy", "live")
            .first()
        )
        if course is None:
            return ""
        enrolment = enrolment_get(user=request.user, course_id=course.pk)
        if enrolment is not None:
            enrolment.course = course
        context.update(course=course, enrolment=enrolment)
        if enrolment is None or enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED):
            context["missing"] = course_prerequisites_missing(user=request.user, course=course)
            context["cohorts"] = cohort_list_open(course=course)
            context["cohorts_with_places"] = [c for c in context["cohorts"] if c.places_left != 0]
        if enrolment is not None and enrolment.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
            context["progress"] = progress_for(enrolment=enrolment)
    return render_to_string("courses/parts/enrolment_panel.html", context)


@dataclasses.dataclass
class _ModuleState:
    may_read: bool
    enrolment: object
    progress: object  # ModuleProgress or None


def _module_state(request, module_id: int, course_id: int) -> _ModuleState:
    """Worked out once per request for both module parts; opening the module counts as starting it."""
    memo = request.__dict__.setdefault("_lms_module_state", {})
    if (module_id, course_id) not in memo:
        may_read, enrolment = module_reader_enrolment(user=request.user, course_id=course_id)
        progress = None
        if may_read and enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE:
            progress = module_visit(enrolment=enrolment, module_id=module_id)
        elif enrolment is not None and enrolment.status == EnrolmentStatus.COMPLETED:
            progress = ModuleProgress.objects.filter(enrolment=enrolment, module_id=module_id).first()
        memo[(module_id, course_id)] = _ModuleState(may_read, enrolment, progress)
    return memo[(module_id, course_id)]


def module_body_html(module_id: int, version: str) -> str:
    """A module's rendered text, kept in the cache until content changes."""
    key = f"modulebody:{module_id}:{get_language()}:{version}"
    html = cache.get(key)
    if html is None:
        page = ModulePage.objects.filter(pk=module_id, live=True).first()
        html = render_to_string("courses/parts/module_body.html", {"page": page}) if page else ""
        cache.set(key, html)
    return html


def module_body(request, arg: str) -> str:
    ids = _ids(arg)
    if not ids or len(ids) != 2:
        return ""
    state = _module_state(request, *ids) if request.user.is_authenticated else None
    if state is not None and state.may_read:
        return module_body_html(ids[0], pagecache.current_version(request))
    course = CoursePage.objects.filter(pk=ids[1]).only("title", "url_path", "path", "depth").first()
    return render_to_string(
        "courses/parts/module_locked.html", {"request": request, "user": request.user, "course": course}
    )


def module_actions(request, arg: str) -> str:
    ids = _ids(arg)
    if not ids or len(ids) != 2 or not request.user.is_authenticated:
        return ""
    state = _module_state(request, *ids)
    if (
        state.enrolment is None
        or not state.may_read
        or state.enrolment.status
        not in (
            EnrolmentStatus.ACTIVE,
            EnrolmentStatus.COMPLETED,
        )
    ):
        return ""
    return render_to_string(
        "courses/parts/module_actions.html",
        {
            "request": request,
            "progress": state.progress,
            "complete_url": reverse("module_complete", args=[ids[0]]),
        },
    )


def register() -> None:
    pagecache.personal_part_register("enrolment", enrolment_panel)
    pagecache.personal_part_register("module-body", module_body)
    pagecache.personal_part_register("module-actions", module_actions)
