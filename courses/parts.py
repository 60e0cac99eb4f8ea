"""The per-visitor parts of course and module pages (see lms.core.pagecache).

Course and module pages are cached whole; these renderers fill in, for each
request, what depends on the visitor: the enrolment panel on a course page,
and on a module page its text (enrolled students, the course's instructors,
program managers and administrators only) and the completion button. They
return the same for every anonymous visitor, as the anonymous page cache
keeps their output.

What they work out for a signed-in visitor is cached too, under the content
version, the visitor's learner version (bumped when their enrolments,
progress or roles change) and, for the panel, the course's (bumped when a
place in one of its cohorts is taken or freed): a signed-in page costs the
user and one cache round trip when nothing changed.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from lms.core import pagecache

from .completion import completion_requirements_unmet
from .models import CoursePage, EnrolmentStatus, ModulePage
from .models.glossary import GLOSSARY_VERSION_KEY
from .selectors import (
    cohort_list_open,
    course_prerequisites_missing,
    enrolment_get,
    module_reader_enrolment,
    progress_for,
)
from .selectors.translation import content_language, page_translation_live, titles_in_language
from .services import enrolment_activity_record, module_visit


def _ids(arg: str, count: int) -> tuple[int, ...] | None:
    try:
        ids = tuple(int(part) for part in arg.split("-"))
    except ValueError:
        return None
    return ids if len(ids) == count else None


def _user_version(request) -> str:
    return pagecache.version_key("user", request.user.pk)


def enrolment_panel(request, arg: str) -> str:
    ids = _ids(arg, 1)
    if not ids:
        return ""
    if not request.user.is_authenticated:
        # The same for every anonymous visitor (kept in the anonymous page cache):
        # a closed course says so rather than inviting them to sign in.
        course = CoursePage.objects.filter(pk=ids[0]).only("enrolment_policy").first()
        context = {"request": request, "user": request.user, "course": course}
        return render_to_string("courses/parts/enrolment_panel.html", context)
    return pagecache.cached_part(
        # The date too: cohorts that ended yesterday must not be offered today.
        f"part:enrolment:{request.user.pk}:{ids[0]}:{get_language()}:{timezone.localdate().isoformat()}",
        [_user_version(request), pagecache.version_key("course", ids[0])],
        lambda: _enrolment_panel_render(request, ids[0]),
    )


def _enrolment_panel_render(request, course_id: int) -> str:
    course = (
        CoursePage.objects.filter(pk=course_id).only("title", "url_path", "path", "depth", "enrolment_policy").first()
    )
    if course is None:
        return ""
    enrolment = enrolment_get(user=request.user, course_id=course.pk)
    context = {"request": request, "user": request.user, "course": course, "enrolment": enrolment}
    if enrolment is not None:
        enrolment.course = course
    if enrolment is None or enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED):
        context["missing"] = course_prerequisites_missing(user=request.user, course=course)
        context["cohorts"] = cohort_list_open(course=course)
        context["cohorts_with_places"] = [c for c in context["cohorts"] if c.places_left != 0]
    if enrolment is not None and enrolment.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
        progress = context["progress"] = progress_for(enrolment=enrolment)
        titles_in_language(progress.modules)
        if enrolment.status == EnrolmentStatus.ACTIVE and progress.required_done >= progress.required_total:
            # Every module done, the course not complete: say what is left (a required assessment, say).
            context["still_missing"] = completion_requirements_unmet(enrolment)
    return render_to_string("courses/parts/enrolment_panel.html", context)


def _module_state(request, module_id: int, course_id: int) -> dict:
    """May this visitor read the module, their place on the course, and whether they completed it.

    Worked out once (cached) per visitor and module; opening the module
    counts as starting it, and as activity on the enrolment.
    """
    memo = request.__dict__.setdefault("_lms_module_state", {})
    if module_id not in memo:
        state = pagecache.cached_part(
            f"part:module:{request.user.pk}:{module_id}",
            [_user_version(request)],
            lambda: _module_state_compute(request.user, module_id, course_id),
        )
        if state["status"] == EnrolmentStatus.ACTIVE:
            enrolment_activity_record(enrolment_id=state["enrolment_id"])
        memo[module_id] = state
    return memo[module_id]


def _module_state_compute(user, module_id: int, course_id: int) -> dict:
    may_read, enrolment = module_reader_enrolment(user=user, course_id=course_id)
    state = {"may_read": may_read, "enrolment_id": None, "status": None, "completed_at": None}
    if enrolment is None:
        return state
    state.update(enrolment_id=enrolment.pk, status=enrolment.status)
    if enrolment.status == EnrolmentStatus.ACTIVE:
        state["completed_at"] = module_visit(enrolment=enrolment, module_id=module_id).completed_at
    elif enrolment.status == EnrolmentStatus.COMPLETED:
        progress = enrolment.module_progress.filter(module_id=module_id).first()
        state["completed_at"] = progress.completed_at if progress else None
    return state


def module_body_html(module_id: int, course_id: int) -> str:
    """A module's rendered text, kept in the cache until content changes.

    Only a module of the course the reader was checked against: a mismatch
    (which signed markers should make impossible) shows nothing.
    """

    def render():
        page = ModulePage.objects.filter(pk=module_id, live=True).first()
        course = CoursePage.objects.filter(pk=course_id).only("path").first()
        if page is None or course is None or page.path[: -ModulePage.steplen] != course.path:
            return ""
        # The reader's language when the module has a published translation in it (the page shows the same choice).
        page = page_translation_live(page, content_language()) or page
        return render_to_string("courses/parts/module_body.html", {"page": page})

    # Terms of the glossary are marked in the text: a change to the glossary renders it again.
    return pagecache.cached_part(
        f"part:modulebody:{module_id}:{course_id}:{get_language()}", [GLOSSARY_VERSION_KEY], render
    )


def module_body(request, arg: str) -> str:
    ids = _ids(arg, 2)
    if not ids:
        return ""
    if request.user.is_authenticated and _module_state(request, *ids)["may_read"]:
        return module_body_html(*ids)
    return pagecache.cached_part(
        f"part:modulelocked:{ids[1]}:{get_language()}:{request.user.is_authenticated}:{request.path}",
        [],
        lambda: _module_locked_render(request, ids[1]),
    )


def _module_locked_render(request, course_id: int) -> str:
    course = CoursePage.objects.filter(pk=course_id).only("title", "url_path", "path", "depth").first()
    return render_to_string(
        "courses/parts/module_locked.html", {"request": request, "user": request.user, "course": course}
    )


def module_actions(request, arg: str) -> str:
    ids = _ids(arg, 2)
    if not ids or not request.user.is_authenticated:
        return ""
    state = _module_state(request, *ids)
    if not state["may_read"] or state["status"] not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
        return ""
    return render_to_string(
        "courses/parts/module_actions.html",
        {
            "request": request,
            "completed_at": state["completed_at"],
            "complete_url": reverse("module_complete", args=[ids[0]]),
        },
    )


def register() -> None:
    pagecache.personal_part_register("enrolment", enrolment_panel)
    pagecache.personal_part_register("module-body", module_body)
    pagecache.personal_part_register("module-actions", module_actions)
