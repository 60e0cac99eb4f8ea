"""Downloading a module or a course as a PDF, and the link to it on their pages (see courses.offline).

Who may download is who may read the module text online (``module_reader_enrolment``:
an active or completed place, the course's instructors, program managers and
administrators), on live pages without view restrictions; anyone else is refused
before anything is looked up or queued.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lms.core import pagecache

from .models import CoursePage, ModulePage
from .offline import (
    FAILURE_SECONDS,
    OfflineDocument,
    offline_document_for,
    offline_pdf_request,
    offline_pdf_size,
    private_storage,
)
from .selectors import module_reader_enrolment
from .selectors.translation import page_source

# Seconds between two looks of the "being prepared" page (a meta refresh: no script needed).
REFRESH_SECONDS = 5


def _source_or_404(queryset, pk):
    source = page_source(get_object_or_404(queryset, pk=pk))
    if source is None:
        raise Http404
    return source


def _readable_course(user, course) -> None:
    may_read, _enrolment = module_reader_enrolment(user=user, course_id=course.pk)
    if not may_read:
        raise PermissionDenied


def _module_and_course(module_id: int) -> tuple[ModulePage, CoursePage]:
    module = _source_or_404(ModulePage.objects.live(), module_id)
    if not ModulePage.objects.live().public().filter(pk=module.pk).exists():
        # Behind a password or for some groups only: not offered offline.
        raise PermissionDenied
    course = CoursePage.objects.live().public().filter(path=module.path[: -ModulePage.steplen]).first()
    if course is None:
        raise Http404
    return module, course


def _answer(request, document: OfflineDocument, back_url: str):
    state = offline_pdf_request(document=document)
    if state == "ready":
        response = FileResponse(
            private_storage().open(document.name, "rb"),
            as_attachment=True,
            filename=document.filename,
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response
    if state == "failed":
        # Made and failed a moment ago: say so and queue nothing until the failure is forgotten.
        response = render(
            request, "courses/offline/failed.html", {"kind": document.kind, "back_url": back_url}, status=503
        )
        response["Retry-After"] = str(FAILURE_SECONDS)
        return response
    response = render(
        request,
        "courses/offline/preparing.html",
        {"kind": document.kind, "refresh_seconds": REFRESH_SECONDS, "back_url": back_url},
        status=202,
    )
    response["Retry-After"] = str(REFRESH_SECONDS)
    return response


@require_GET
@never_cache
@login_required
def module_pdf(request, module_id: int):
    module, course = _module_and_course(module_id)
    _readable_course(request.user, course)
    document = offline_document_for(course=course, module=module, language=get_language())
    return _answer(request, document, module.url)


@require_GET
@never_cache
@login_required
def course_pdf(request, course_id: int):
    course = _source_or_404(CoursePage.objects.live(), course_id)
    if not CoursePage.objects.live().public().filter(pk=course.pk).exists():
        raise PermissionDenied
    _readable_course(request.user, course)
    document = offline_document_for(course=course, language=get_language())
    return _answer(request, document, course.url)


# The link on module and course pages: a personal part (lms.core.pagecache) ------------------


def _link_state(user, kind: str, ids: tuple[int, ...]) -> dict:
    """May this user download, and where the file would be: cached until content or their access changes."""
    if kind == "module":
        module = ModulePage.objects.live().public().filter(pk=ids[0]).first()
        course = CoursePage.objects.live().public().filter(pk=ids[1]).first() if len(ids) > 1 else None
        if module is None or course is None or module.path[: -ModulePage.steplen] != course.path:
            return {"may": False}
        url = reverse("module_pdf", args=[module.pk])
    else:
        module, course = None, CoursePage.objects.live().public().filter(pk=ids[0]).first()
        if course is None:
            return {"may": False}
        url = reverse("course_pdf", args=[course.pk])
    if not module_reader_enrolment(user=user, course_id=course.pk)[0]:
        return {"may": False}
    document = offline_document_for(course=course, module=module, language=get_language())
    return {"may": True, "url": url, "name": document.name}


def offline_link(request, arg: str) -> str:
    """ "Download this module (PDF)" / "Download the whole course (PDF)", with the file's size once it is made."""
    kind, _sep, rest = arg.partition("-")
    try:
        ids = tuple(int(part) for part in rest.split("-"))
    except ValueError:
        return ""
    if kind not in ("module", "course") or not request.user.is_authenticated:
        return ""
    state = pagecache.cached_part(
        f"part:offline:{request.user.pk}:{arg}:{get_language()}",
        [pagecache.version_key("user", request.user.pk)],
        lambda: _link_state(request.user, kind, ids),
    )
    if not state["may"]:
        return ""
    return render_to_string(
        "courses/offline/link.html",
        {"kind": kind, "url": state["url"], "size": offline_pdf_size(state["name"])},
    )


def register() -> None:
    pagecache.personal_part_register("offline-pdf", offline_link)
