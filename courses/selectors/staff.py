"""Reads for the staff's admin screens: enrolments as instructors and program managers see them.

Every read starts from ``enrolment_list_visible_to``, so an instructor never
sees a course they do not teach, not even as a choice in a filter. Each
selector issues a fixed number of queries whatever the number of rows.
"""

from functools import reduce
from operator import and_, or_

from django.db.models import Q, QuerySet
from django.utils import timezone

from django_countries import countries

from lms.accounts.api import SponsoringProgram, User, manager_scope_filter

from ..models import Cohort, CoursePage, Enrolment, EnrolmentEvent
from .learning import enrolment_list_visible_to, enrolment_progress_annotate
from .translation import source_only

# Fields a staff listing or export shows; everything else stays in the database
# (a course page row carries its whole StreamField otherwise).
_STAFF_LIST_FIELDS = (
    *(field.name for field in Enrolment._meta.concrete_fields),
    "user__email",
    "user__first_name",
    "user__last_name",
    "user__name_native",
    "user__country",
    "user__service",
    "user__rank",
    "user__organisation",
    "user__sponsoring_program__name",
    "course__title",
    "cohort__name",
)

_STUDENT_SEARCH_FIELDS = ("user__first_name", "user__last_name", "user__name_native", "user__email")


def enrolment_list_for_staff(*, user) -> QuerySet:
    """Enrolments this member of staff may see, with student, course, cohort and progress, in one query.

    Progress (``required_done``, ``required_total``, ``progress_percent``) is
    worked out in SQL, so the list can be sorted and paginated by it.
    """
    queryset = (
        enrolment_list_visible_to(user=user)
        .select_related("user", "user__sponsoring_program", "course", "cohort")
        .only(*_STAFF_LIST_FIELDS)
    )
    return enrolment_progress_annotate(queryset)


def enrolment_search(*, queryset: QuerySet, query: str) -> QuerySet:
    """Every word of the query must appear in one of the student's names or their email address."""
    words = query.split()
    if not words:
        return queryset
    conditions = [
        reduce(or_, (Q(**{f"{field}__icontains": word}) for field in _STUDENT_SEARCH_FIELDS)) for word in words
    ]
    return queryset.filter(reduce(and_, conditions))


def course_list_with_enrolments_visible_to(*, user) -> QuerySet:
    """Courses that have enrolments this member of staff may see, by title."""
    visible = enrolment_list_visible_to(user=user)
    return CoursePage.objects.filter(pk__in=visible.values("course_id")).only("title").order_by("title", "pk")


def cohort_list_with_enrolments_visible_to(*, user) -> QuerySet:
    """Cohorts that have enrolments this member of staff may see, by course and start."""
    visible = enrolment_list_visible_to(user=user)
    return (
        Cohort.objects.filter(pk__in=visible.values("cohort_id"))
        .select_related("course")
        .only("name", "starts_on", "course__title")
        .order_by("course__title", "-starts_on", "name")
    )


def sponsoring_program_list_with_enrolments_visible_to(*, user) -> QuerySet:
    """Sponsoring programs of the students this member of staff may see."""
    visible = enrolment_list_visible_to(user=user)
    return SponsoringProgram.objects.filter(pk__in=visible.values("user__sponsoring_program_id")).order_by("name")


def country_list_with_enrolments_visible_to(*, user) -> list[tuple[str, str]]:
    """(code, name) of the countries of the students this member of staff may see, by name."""
    codes = set(
        enrolment_list_visible_to(user=user)
        .exclude(user__country="")
        .order_by()
        .values_list("user__country", flat=True)
        .distinct()
    )
    return sorted(((code, countries.name(code) or code) for code in codes), key=lambda choice: choice[1])


def enrolment_detail_for_staff(*, user, enrolment_id: int) -> Enrolment | None:
    """One enrolment with its progress, if this member of staff may see it."""
    return (
        enrolment_progress_annotate(
            enrolment_list_visible_to(user=user).select_related(
                "user", "user__sponsoring_program", "course", "cohort", "decided_by"
            )
        )
        .filter(pk=enrolment_id)
        .first()
    )


def enrolment_history(*, enrolment: Enrolment) -> list[EnrolmentEvent]:
    """Every change of the enrolment's status, oldest first, with who made it."""
    return list(enrolment.events.select_related("actor").order_by("at", "pk"))


def enrolment_count_under_page(*, page) -> int:
    """Enrolments in the page's course, or in any course below it."""
    return Enrolment.objects.filter(course__path__startswith=page.path).count()


def enrolment_count_in_cohort(*, cohort) -> int:
    """Enrolments, in any status, that name the cohort."""
    return Enrolment.objects.filter(cohort=cohort).count()


def student_get_by_email(*, email: str, manager):
    """The active account with this email address that the manager may enrol, if there is one.

    A scoped program manager finds only the students in their scope: an account
    outside it is not found, exactly as an address nobody uses, so that the
    answer never tells them which addresses have an account.
    """
    students = User.objects.filter(email__iexact=email.strip(), is_active=True)
    scope = manager_scope_filter(user=manager, student="")
    if scope is not None:
        students = students.filter(scope)
    return students.first()


def course_list_for_manual_enrolment() -> QuerySet:
    """Every course (its source, never a translation), by title: a program manager may place a student on any."""
    return source_only(CoursePage.objects.only("title")).order_by("title", "pk")


def cohort_list_for_manual_enrolment(*, today=None) -> QuerySet:
    """Cohorts that have not ended, by course and start."""
    today = today or timezone.localdate()
    return (
        Cohort.objects.filter(ends_on__gte=today)
        .select_related("course")
        .only("name", "starts_on", "ends_on", "course__title")
        .order_by("course__title", "starts_on", "name")
    )
