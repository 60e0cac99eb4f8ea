"""The student's actions on courses and modules, and their dashboard.

Views only read the request and call services; a refusal from a service is
shown as a message on the page the student came from, and nothing is written.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .completion import dashboard_sections_render
from .models import Cohort, CoursePage, EnrolmentStatus, ModulePage
from .selectors import (
    course_cards_in_language,
    course_list_live,
    enrolment_list_for_student,
    module_neighbours,
    progress_for_enrolments,
)
from .selectors.catalogue import page_open_to
from .selectors.titles import page_title_in_language
from .selectors.translation import page_source, titles_in_language
from .services import EnrolmentRefused, enrolment_request, enrolment_withdraw, module_complete


def _source(page):
    """A translation's id stands for its source: learner state follows the course, not the translation."""
    source = page_source(page)
    if source is None:
        raise Http404
    return source


def _open_to_reader(request, page):
    """The page, when its view restrictions (login, groups, a password given) admit the reader; else not found."""
    if not page_open_to(page, request):
        raise Http404
    return page


def _live_course(request, course_id: int) -> CoursePage:
    course = _source(get_object_or_404(CoursePage.objects.live(), pk=course_id))
    return _open_to_reader(request, course)


@require_POST
@login_required
def course_enrol(request, course_id: int):
    course = _live_course(request, course_id)
    cohort = None
    cohort_id = request.POST.get("cohort", "")
    if cohort_id:
        cohort = Cohort.objects.filter(pk=cohort_id).first() if (cohort_id.isascii() and cohort_id.isdigit()) else None
        if cohort is None:
            messages.error(request, _("That cohort does not exist."))
            return redirect(course.url)
    try:
        enrolment = enrolment_request(user=request.user, course=course, cohort=cohort)
    except EnrolmentRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(course.url)
    if enrolment.status == EnrolmentStatus.PENDING:
        messages.success(request, _("Your request has been sent. You will be told when a program manager decides."))
    else:
        messages.success(request, _("You are enrolled. Start with the first module below."))
    return redirect(course.url)


@require_POST
@login_required
def course_withdraw(request, course_id: int):
    # Any course, published or not: a student may always give up their place.
    course = _source(get_object_or_404(CoursePage, pk=course_id))
    try:
        enrolment = enrolment_withdraw(user=request.user, course=course)
    except EnrolmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        title = page_title_in_language(course, get_language())  # the title the student reads it under
        if enrolment.activated_at is None:
            messages.success(request, _("Your request for “%(course)s” is cancelled.") % {"course": title})
        else:
            messages.success(request, _("You have withdrawn from “%(course)s”.") % {"course": title})
    return redirect(course.url if course.live else "dashboard")


@require_POST
@login_required
def module_complete_view(request, module_id: int):
    module = _open_to_reader(request, _source(get_object_or_404(ModulePage.objects.live(), pk=module_id)))
    try:
        module_complete(user=request.user, module=module)
    except EnrolmentRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(module.url)
    neighbours = module_neighbours(module=module)
    if neighbours["next_module"] is not None:
        messages.success(request, _("Module complete. Here is the next one."))
        return redirect(neighbours["next_module"].url)
    messages.success(request, _("Module complete."))
    return redirect(neighbours["course"].url if neighbours["course"] else module.url)


@login_required
def dashboard(request):
    """The student's home: their courses with progress, requests, completions."""
    enrolments = enrolment_list_for_student(user=request.user)
    titles_in_language([e.course for e in enrolments])
    progress = progress_for_enrolments(
        [e for e in enrolments if e.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)]
    )
    by_status = {status: [] for status in EnrolmentStatus.values}
    for enrolment in enrolments:
        enrolment.progress = progress.get(enrolment.pk)
        by_status[enrolment.status].append(enrolment)
    suggested = []
    if not enrolments:
        suggested = list(course_list_live().select_related("cover_image").prefetch_related("themes")[:3])
        course_cards_in_language(suggested)
    return render(
        request,
        "courses/dashboard.html",
        {
            "active": by_status[EnrolmentStatus.ACTIVE],
            "pending": by_status[EnrolmentStatus.PENDING],
            "completed": sorted(by_status[EnrolmentStatus.COMPLETED], key=lambda e: e.completed_at, reverse=True),
            "rejected": by_status[EnrolmentStatus.REJECTED],
            "withdrawn": by_status[EnrolmentStatus.WITHDRAWN],
            "hours_completed": sum(e.course.estimated_hours for e in by_status[EnrolmentStatus.COMPLETED]),
            "suggested_courses": suggested,
            "extra_sections": dashboard_sections_render(request),
        },
    )
