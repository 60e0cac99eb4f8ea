"""Reads of learner state: enrolments, progress, access to module text.

Each selector issues a fixed number of queries whatever the number of
enrolments or modules; lists are worked out in two or three queries in all.
"""

import dataclasses
import datetime
from functools import reduce
from operator import or_

from django.db.models import Case, Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone

from lms.accounts.api import Role, manager_scope_filter, user_has_role

from ..models import (
    Cohort,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    ModulePage,
    ModuleProgress,
)
from ..models.learning import PLACE_HOLDING_STATUSES, READING_STATUSES


@dataclasses.dataclass
class Progress:
    """Where a student stands in a course."""

    enrolment: Enrolment
    modules: list  # live modules in order, each with ``.done`` set
    required_total: int
    required_done: int

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 100 if self.enrolment.status == EnrolmentStatus.COMPLETED else 0
        return round(100 * self.required_done / self.required_total)

    @property
    def next_module(self):
        """The module to resume: the first unfinished one, required or not, in course order."""
        return next((module for module in self.modules if not module.done), None)

    @property
    def modules_done(self) -> int:
        return sum(1 for module in self.modules if module.done)


def enrolment_get(*, user, course_id) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course_id=course_id).select_related("cohort").first()


def enrolment_list_for_student(*, user) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(user=user)
        .select_related("course", "cohort")
        .only(
            *(f.name for f in Enrolment._meta.concrete_fields),
            "course__title",
            "course__translation_key",
            "course__url_path",
            "course__path",
            "course__depth",
            "course__estimated_hours",
            "course__live",
            "cohort__name",
            "cohort__starts_on",
            "cohort__ends_on",
        )
        .order_by("-status_changed_at")
    )


def _modules_of_courses(courses) -> dict[int, list[ModulePage]]:
    """Live modules of each course, in order: one query for any number of courses."""
    courses = [course for course in courses if course is not None]
    if not courses:
        return {}
    by_path = {course.path: course.pk for course in courses}
    condition = reduce(or_, (Q(path__startswith=path) for path in by_path))
    depth = courses[0].depth + 1
    modules = (
        ModulePage.objects.live()
        .filter(condition, depth=depth)
        .only("title", "url_path", "path", "depth", "estimated_minutes", "is_required", "translation_key")
        .order_by("path")
    )
    result = {pk: [] for pk in by_path.values()}
    for module in modules:
        course_id = by_path.get(module.path[: -ModulePage.steplen])
        if course_id is not None:
            result[course_id].append(module)
    return result


def progress_for_enrolments(enrolments) -> dict[int, Progress]:
    """Progress of each enrolment (keyed by its id), in two queries for any number of them."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    modules_by_course = _modules_of_courses([enrolment.course for enrolment in enrolments])
    done = set(
        ModuleProgress.objects.filter(enrolment__in=enrolments, completed_at__isnull=False).values_list(
            "enrolment_id", "module_id"
        )
    )
    result = {}
    for enrolment in enrolments:
        modules = []
        for module in modules_by_course.get(enrolment.course_id, []):
            # A copy per enrolment: two enrolments never share a module object here.
            copy = ModulePage(pk=module.pk, title=module.title, url_path=module.url_path, path=module.path)
            copy.depth, copy.estimated_minutes, copy.is_required, copy.translation_key = (
                module.depth,
                module.estimated_minutes,
                module.is_required,
                module.translation_key,
            )
            copy.done = (enrolment.pk, module.pk) in done
            modules.append(copy)
        required = [module for module in modules if module.is_required]
        result[enrolment.pk] = Progress(
            enrolment=enrolment,
            modules=modules,
            required_total=len(required),
            required_done=sum(1 for module in required if module.done),
        )
    return result


def progress_for(*, enrolment) -> Progress:
    return progress_for_enrolments([enrolment])[enrolment.pk]


def course_prerequisites_missing(*, user, course) -> list[CoursePage]:
    """The live prerequisite courses this user has not completed, in catalogue order."""
    prerequisites = course.prerequisites.live().only("title", "url_path", "path", "depth").order_by("path")
    if user.is_authenticated:
        prerequisites = prerequisites.exclude(
            pk__in=Enrolment.objects.filter(user=user, status=EnrolmentStatus.COMPLETED).values("course_id")
        )
    return list(prerequisites)


def cohort_places_taken(*, cohort) -> int:
    return Enrolment.objects.filter(cohort=cohort, status__in=PLACE_HOLDING_STATUSES).count()


def cohort_list_open(*, course, today: datetime.date | None = None) -> list[Cohort]:
    """Cohorts of a course that have not ended, with ``places_left`` (None for no limit)."""
    today = today or timezone.localdate()
    cohorts = list(
        Cohort.objects.filter(course=course, ends_on__gte=today)
        .annotate(taken=Count("enrolments", filter=Q(enrolments__status__in=PLACE_HOLDING_STATUSES)))
        .order_by("starts_on", "name")
    )
    for cohort in cohorts:
        cohort.places_left = None if cohort.capacity is None else max(cohort.capacity - cohort.taken, 0)
    return cohorts


def course_staff_can_read(*, user, course_id) -> bool:
    """Instructors of the course, program managers and administrators read every module."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user_has_role(user=user, role=Role.PROGRAM_MANAGER):
        return True
    # As enrolment_list_visible_to: an instructor, assigned to this course.
    return user_has_role(user=user, role=Role.INSTRUCTOR) and (
        CoursePage.instructors.through.objects.filter(coursepage_id=course_id, user_id=user.pk).exists()
    )


def module_reader_enrolment(*, user, course_id) -> tuple[bool, Enrolment | None]:
    """Whether this user may read the course's module text, and their enrolment if any."""
    enrolment = enrolment_get(user=user, course_id=course_id)
    if enrolment is not None and enrolment.status in READING_STATUSES:
        return True, enrolment
    return course_staff_can_read(user=user, course_id=course_id), enrolment


def course_id_of_module(module) -> int | None:
    parent_path = module.path[: -ModulePage.steplen]
    return CoursePage.objects.filter(path=parent_path).values_list("pk", flat=True).first()


def enrolment_list_visible_to(*, user) -> QuerySet:
    """Enrolments a member of staff may see: all for administrators, those of the students in their
    scope for program managers, their own courses' for instructors, none for anyone else."""
    enrolments = Enrolment.objects.all()
    if not user.is_authenticated or not user.is_active:
        return enrolments.none()
    if user.is_superuser:
        return enrolments
    if user_has_role(user=user, role=Role.PROGRAM_MANAGER):
        # A scoped manager (an embassy or sponsor officer) sees only their own students.
        scope = manager_scope_filter(user=user, student="user")
        return enrolments if scope is None else enrolments.filter(scope)
    if user_has_role(user=user, role=Role.INSTRUCTOR):
        return enrolments.filter(course__instructors=user)
    return enrolments.none()


def _count(queryset) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(c=Func(F("pk"), function="COUNT")).values("c")[:1], output_field=IntegerField()
    )


def enrolment_progress_annotate(queryset: QuerySet) -> QuerySet:
    """Add ``required_total``, ``required_done`` and ``progress_percent`` to each enrolment, in SQL."""
    total = _count(
        ModulePage.objects.filter(
            live=True, is_required=True, depth=OuterRef("course__depth") + 1, path__startswith=OuterRef("course__path")
        )
    )
    done = _count(
        ModuleProgress.objects.filter(
            enrolment=OuterRef("pk"),
            completed_at__isnull=False,
            module__live=True,
            module__is_required=True,
            # Still a module of this course (one moved elsewhere no longer counts here).
            module__depth=OuterRef("course__depth") + 1,
            module__path__startswith=OuterRef("course__path"),
        )
    )
    # The same figure as Progress.percent: rounded, and 100 for a completed course with nothing required.
    return queryset.annotate(required_total=Coalesce(total, 0), required_done=Coalesce(done, 0)).annotate(
        progress_percent=Case(
            When(required_total=0, status=EnrolmentStatus.COMPLETED, then=Value(100)),
            When(required_total=0, then=Value(0)),
            default=Cast(Round(F("required_done") * 100.0 / F("required_total")), IntegerField()),
            output_field=IntegerField(),
        )
    )


def course_ids_using_document(*, document) -> list[int]:
    """The courses whose live modules show this document (a reading), from Wagtail's reference index."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import ReferenceIndex

    module_ids = [
        int(pk)
        for pk in ReferenceIndex.get_references_to(document)
        .filter(content_type=ContentType.objects.get_for_model(ModulePage))
        .values_list("object_id", flat=True)
    ]
    paths = ModulePage.objects.live().filter(pk__in=module_ids).values_list("path", flat=True)
    parent_paths = {path[: -ModulePage.steplen] for path in paths}
    return list(CoursePage.objects.filter(path__in=parent_paths).values_list("pk", flat=True))
