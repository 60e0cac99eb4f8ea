"""Reads for assessments: what a student may take, their attempts, what an instructor may see."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from courses.api import CoursePage
from lms.accounts.api import Role, user_has_role

from .models import Assessment, Attempt, AttemptStatus


def user_teaches_course(*, user, course_id: int) -> bool:
    """The course's instructors and administrators grade its attempts."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (
        user_has_role(user=user, role=Role.INSTRUCTOR)
        and CoursePage.instructors.through.objects.filter(coursepage_id=course_id, user_id=user.pk).exists()
    )


def assessments_required_unmet(*, enrolment) -> list[Assessment]:
    """The course's required assessments this student has not passed (modules' only while published)."""
    passed = Attempt.objects.filter(
        assessment=OuterRef("pk"), user_id=enrolment.user_id, status=AttemptStatus.GRADED, passed=True
    )
    return list(
        Assessment.objects.filter(course_id=enrolment.course_id, is_required=True, items__isnull=False)
        .filter(Q(module__isnull=True) | Q(module__live=True))
        .exclude(Exists(passed))
        .distinct()
        .order_by("title")
    )


def assessment_list_for_course(*, course_id: int) -> QuerySet:
    return (
        Assessment.objects.filter(course_id=course_id, items__isnull=False).distinct().order_by("module__path", "title")
    )


def attempt_list_for_student(*, user) -> QuerySet:
    return Attempt.objects.filter(user=user).select_related("assessment", "assessment__course").order_by("-started_at")


def attempt_for_student(*, user, attempt_id: int) -> Attempt | None:
    """The student's own attempt, or None (another student's attempt is as good as no attempt)."""
    if not user.is_authenticated:
        return None
    return Attempt.objects.select_related("assessment").filter(pk=attempt_id, user=user).first()


def attempt_list_visible_to(*, user) -> QuerySet:
    """Attempts a member of staff may see: all for administrators, their courses' for instructors."""
    attempts = Attempt.objects.all()
    if not user.is_authenticated or not user.is_active:
        return attempts.none()
    if user.is_superuser:
        return attempts
    if user_has_role(user=user, role=Role.INSTRUCTOR):
        return attempts.filter(assessment__course__instructors=user)
    return attempts.none()
