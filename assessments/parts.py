"""The student's assessments on a course page (a personal part) and their results on the dashboard.

Course pages are cached whole (lms.core.pagecache); the list of the course's
assessments with the student's standing is filled in per request. What it
reads is cached per student and course under the student's learner version
(bumped when their enrolments, progress or attempts change, see
``assessments.signals``) and the course's assessments version (bumped when an
assessment is saved). Only plain data is cached: whether an assessment is open
yet or closed already is worked out when the part is shown, so a cached entry
never goes stale with the clock.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from lms.core import pagecache

from .models import AttemptStatus
from .student import assessment_statuses_for_course, attempt_results_for_student
from .translation import content_language


def course_assessments_version(course_id: int) -> str:
    return pagecache.version_key("course-assessments", course_id)


def course_assessments(request, arg: str) -> str:
    """``{% personal "assessments" page.pk %}``: the course's assessments and the student's standing on each."""
    if not arg.isdigit() or not request.user.is_authenticated:
        return ""  # visitors who hold no place see nothing (the anonymous page cache keeps this)
    course_id = int(arg)
    language = content_language()
    statuses = pagecache.cached_part(
        f"part:assessments:{request.user.pk}:{course_id}:{language}",
        [pagecache.version_key("user", request.user.pk), course_assessments_version(course_id)],
        lambda: assessment_statuses_for_course(user=request.user, course_id=course_id, language=language),
    )
    if not statuses:
        return ""
    now = timezone.now()
    for status in statuses:
        status["state"] = _state(status, now)
    return render_to_string("assessments/course_assessments_part.html", {"request": request, "statuses": statuses})


def _state(status: dict, now) -> str:
    """One word for the template: what the student can do about this assessment now."""
    latest = status["latest_status"]
    if latest == AttemptStatus.IN_PROGRESS:
        return "in_progress"
    if status["passed"]:
        return "passed"
    if latest == AttemptStatus.SUBMITTED:
        return "awaiting"
    if status["opens_at"] and now < status["opens_at"]:
        return "not_open"
    if status["closes_at"] and now >= status["closes_at"]:
        return "closed" if latest is None else "failed_closed"
    if status["attempts_allowed"] is not None and status["attempts_used"] >= status["attempts_allowed"]:
        return "no_attempts_left"
    if latest == AttemptStatus.GRADED:
        return "failed"
    return "not_started"


def dashboard_results(request) -> str:
    """The dashboard's "Assessment results": per assessment tried, the latest attempt and a link to it."""
    if not request.user.is_authenticated:
        return ""
    results = attempt_results_for_student(user=request.user, language=content_language())
    if not results:
        return ""
    return render_to_string("assessments/dashboard_results_part.html", {"request": request, "results": results})


def register() -> None:
    """Everything the student side adds at start-up: the course page part, the dashboard section, the signals."""
    from courses.api import dashboard_section_register

    from . import signals

    pagecache.personal_part_register("assessments", course_assessments)
    dashboard_section_register("assessment-results", dashboard_results)
    signals.connect()
