"""The fact courses keeps on each enrolment for the reports: how many required modules are done.

``Enrolment.required_modules_done`` counts the student's completed modules among the
course's live required modules (its children: a module moved to another course
no longer counts). Students at risk compares it with the cohort's pace for every
active enrolment at once, which counting progress rows per enrolment made slow
on a large platform.

What moves it, and who keeps it true:

- a student completing a module saves a ``ModuleProgress`` (a signal refreshes
  that enrolment);
- a module published, unpublished (``is_required`` is a published field, so
  making a module optional or required is a publication), moved or deleted
  changes the course's required set: the course's completion check, which runs
  after those (``course_completions_check``), refreshes every enrolment of the
  course first, and a move refreshes both courses;
- code that writes progress in bulk (the demo's history, the benchmark's data
  set) calls ``enrolment_required_done_refresh`` itself.

Progress rows are only ever deleted with their enrolment or their module, so a
delete needs nothing of its own.
"""

from functools import reduce
from operator import or_

from django.db.models import OuterRef, Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save

from .models import CoursePage, Enrolment, ModulePage, ModuleProgress


def required_module_ids(*, course_ids=None) -> dict[int, list[int]]:
    """The live required modules of each source course (of these courses; None: of all), in two short reads."""
    from .selectors.translation import source_only

    courses = source_only(CoursePage.objects.all())
    if course_ids is not None:
        courses = courses.filter(pk__in=course_ids)
    by_path = dict(courses.values_list("path", "pk"))
    required: dict[int, list[int]] = {pk: [] for pk in by_path.values()}
    if not by_path:
        return required
    modules = ModulePage.objects.filter(live=True, is_required=True)
    if course_ids is not None:
        modules = modules.filter(reduce(or_, (Q(path__startswith=path) for path in by_path)))
    for pk, path in modules.values_list("pk", "path"):
        course_id = by_path.get(path[: -ModulePage.steplen])
        if course_id is not None:
            required[course_id].append(pk)
    return required


def enrolment_required_done_refresh(*, enrolment_ids=None, course_ids=None) -> int:
    """Set ``required_modules_done`` for these enrolments (of these courses, when the caller knows them),
    or every enrolment of these courses (neither: all).

    One UPDATE per course concerned; returns how many enrolments were written.
    """
    if enrolment_ids is not None:
        enrolment_ids = list(enrolment_ids)
        if not enrolment_ids:
            return 0
        if course_ids is None:
            course_ids = set(Enrolment.objects.filter(pk__in=enrolment_ids).values_list("course_id", flat=True))
    from .selectors.learning import _count

    written = 0
    for course_id, module_ids in required_module_ids(course_ids=course_ids).items():
        done = _count(
            ModuleProgress.objects.filter(
                enrolment=OuterRef("pk"), completed_at__isnull=False, module_id__in=module_ids
            )
        )
        enrolments = Enrolment.objects.filter(course_id=course_id)
        if enrolment_ids is not None:
            enrolments = enrolments.filter(pk__in=enrolment_ids)
        written += enrolments.update(required_modules_done=Coalesce(done, 0) if module_ids else 0)
    return written


def _progress_saved(sender, instance, **kwargs):
    # A module opened is not a module done: only a completion moves the fact.
    if instance.completed_at is not None:
        enrolment = instance.enrolment  # the completing service holds it already
        enrolment_required_done_refresh(enrolment_ids=[enrolment.pk], course_ids=[enrolment.course_id])


def connect() -> None:
    post_save.connect(_progress_saved, sender=ModuleProgress, dispatch_uid="courses_enrolment_required_done")
