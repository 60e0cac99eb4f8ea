"""Reads for certificates: templates, scores, a holder's certificates, the public check, staff lists."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Max, QuerySet
from django.urls import reverse

from assessments.api import Attempt, AttemptStatus
from lms.accounts.api import Role, manager_scope_filter, user_has_role

from .keys import site_url
from .models import PUBLIC_STATUSES, Certificate, CertificateStatus, CertificateTemplate, CourseCertificate


def certificate_verify_url(code: str) -> str:
    """The public check's address, as printed on the certificate and in its credential (from BASE_URL)."""
    return f"{site_url()}{reverse('certificate_verify', args=[code])}"


def template_for_course(course) -> CertificateTemplate | None:
    """The course's chosen template, else the default one (None: the built-in look)."""
    choice = CourseCertificate.objects.filter(course_id=course.pk).select_related("template").first()
    if choice is not None:
        return choice.template
    return CertificateTemplate.objects.filter(is_default=True).first()


def enrolment_score(enrolment) -> Decimal | None:
    """The score printed: the mean of the best percent on each required course assessment taken.

    None when the course has no required assessment with a graded attempt.
    """
    return enrolment_scores([enrolment])[enrolment.pk]


def enrolment_scores(enrolments) -> dict[int, Decimal | None]:
    """``enrolment_score`` for many enrolments in one query: enrolment id → score."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    best = (
        Attempt.objects.filter(
            enrolment_id__in=[e.pk for e in enrolments],
            assessment__is_required=True,
            assessment__course_id=F("enrolment__course_id"),
            status=AttemptStatus.GRADED,
            percent__isnull=False,
        )
        .values("enrolment_id", "assessment_id")
        .annotate(best=Max("percent"))
    )
    per_enrolment: dict[int, list[Decimal]] = {}
    for row in best:
        per_enrolment.setdefault(row["enrolment_id"], []).append(row["best"])
    return {
        e.pk: (
            (sum(per_enrolment[e.pk]) / len(per_enrolment[e.pk])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if e.pk in per_enrolment
            else None
        )
        for e in enrolments
    }


def certificate_list_for_holder(*, user) -> list[Certificate]:
    """The student's certificates, newest first, replaced ones left out (their replacement is listed)."""
    if not user.is_authenticated:
        return []
    return list(
        Certificate.objects.filter(holder=user)
        .exclude(status=CertificateStatus.REPLACED)
        .select_related("course")
        .order_by("-completed_on", "-created_at")
    )


def certificate_for_holder(*, user, code: str) -> Certificate | None:
    """The student's own certificate by code, or None (another's is as good as none)."""
    if not user.is_authenticated:
        return None
    return Certificate.objects.filter(holder=user, code=code).first()


def certificate_for_verification(*, code: str) -> Certificate | None:
    """A certificate anyone may check: issued, revoked or replaced, once it was issued.

    One revoked before it was ever issued (while waiting for a name or the renderer)
    printed nothing anyone could hold: it answers as unknown.
    """
    return Certificate.objects.filter(code=code, status__in=PUBLIC_STATUSES, issued_at__isnull=False).first()


def certificate_list_visible_to(*, user) -> QuerySet:
    """Certificates a member of staff may see: all for administrators, those of the students in
    their scope for program managers, their courses' for instructors."""
    certificates = Certificate.objects.select_related("holder", "course", "enrolment__cohort")
    if not user.is_authenticated or not user.is_active:
        return certificates.none()
    if user.is_superuser:
        return certificates
    if user_has_role(user=user, role=Role.PROGRAM_MANAGER):
        scope = manager_scope_filter(user=user, student="holder")
        return certificates if scope is None else certificates.filter(scope)
    if user_has_role(user=user, role=Role.INSTRUCTOR):
        return certificates.filter(course__instructors=user)
    return certificates.none()


def user_manages_certificates(*, user) -> bool:
    """Issuing in bulk, revoking and reissuing: program managers and administrators."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user_has_role(user=user, role=Role.PROGRAM_MANAGER))
    )
