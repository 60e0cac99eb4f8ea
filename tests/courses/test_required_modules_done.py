"""The count of required modules done that each enrolment keeps (courses/facts.py) stays true.

Students at risk compares it with the cohort's pace: if completing, publishing,
unpublishing, moving or deleting a module forgot it, a student who is on pace
would be listed as behind (or one who is behind would be missed). Each test
compares the kept figure with the one worked out from the progress rows
(``enrolment_progress_annotate``), as well as with the number a person expects.
"""

import pytest

from courses.factories import EnrolmentFactory, ModulePageFactory
from courses.facts import enrolment_required_done_refresh
from courses.models import Enrolment, ModuleProgress
from courses.selectors import enrolment_progress_annotate
from courses.services import module_complete, module_visit

pytestmark = pytest.mark.django_db


def _kept(enrolment) -> int:
    enrolment.refresh_from_db()
    worked_out = enrolment_progress_annotate(Enrolment.objects.filter(pk=enrolment.pk)).get().required_done
    assert enrolment.required_modules_done == worked_out, "the kept count differs from the progress rows"
    return enrolment.required_modules_done


def test_completing_counts_opening_does_not_and_completing_twice_counts_once(student, enrolment, modules):
    assert _kept(enrolment) == 0
    module_visit(enrolment=enrolment, module_id=modules[0].pk)
    assert _kept(enrolment) == 0, "a module opened is not a module done"
    module_complete(user=student, module=modules[0])
    module_complete(user=student, module=modules[0])
    assert _kept(enrolment) == 1
    module_complete(user=student, module=modules[2])
    assert _kept(enrolment) == 2


def test_an_optional_module_done_does_not_count(student, course, enrolment, modules):
    optional = ModulePageFactory(parent=course, is_required=False)
    module_complete(user=student, module=optional)
    assert _kept(enrolment) == 0


def test_another_students_progress_is_not_counted(student, other_student, course, enrolment, modules):
    other = EnrolmentFactory(user=other_student, course=course)
    module_complete(user=other_student, module=modules[0])
    assert (_kept(enrolment), _kept(other)) == (0, 1)


def test_unpublishing_and_publishing_again_moves_every_students_count(
    student, other_student, course, enrolment, modules, django_capture_on_commit_callbacks
):
    other = EnrolmentFactory(user=other_student, course=course)
    for who in (student, other_student):
        module_complete(user=who, module=modules[0])
    module_complete(user=student, module=modules[1])
    assert (_kept(enrolment), _kept(other)) == (2, 1)

    with django_capture_on_commit_callbacks(execute=True):
        modules[0].unpublish()
    assert (_kept(enrolment), _kept(other)) == (1, 0)

    with django_capture_on_commit_callbacks(execute=True):
        modules[0].save_revision().publish()
    assert (_kept(enrolment), _kept(other)) == (2, 1)


def test_making_a_module_optional_is_a_publication_that_moves_the_count(
    student, enrolment, modules, django_capture_on_commit_callbacks
):
    module_complete(user=student, module=modules[0])
    module_complete(user=student, module=modules[1])
    modules[1].is_required = False
    revision = modules[1].save_revision()
    assert _kept(enrolment) == 2, "a draft changes nothing students see"
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    assert _kept(enrolment) == 1


def test_a_module_moved_to_another_course_no_longer_counts_and_counts_again_when_moved_back(
    student, course, other_course, enrolment, modules, django_capture_on_commit_callbacks
):
    there = EnrolmentFactory(user=student, course=other_course)
    module_complete(user=student, module=modules[0])
    assert (_kept(enrolment), _kept(there)) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        modules[0].move(other_course, pos="last-child")
    # Progress belongs to the place on the course it was made in: the other course's place gains nothing.
    assert (_kept(enrolment), _kept(there)) == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        modules[0].move(course, pos="first-child")
    assert (_kept(enrolment), _kept(there)) == (1, 0)


def test_a_deleted_module_no_longer_counts(student, enrolment, modules, django_capture_on_commit_callbacks):
    module_complete(user=student, module=modules[0])
    module_complete(user=student, module=modules[1])
    with django_capture_on_commit_callbacks(execute=True):
        modules[1].delete()
    assert _kept(enrolment) == 1


def test_the_refresh_puts_bulk_written_progress_right_and_touches_only_what_it_is_asked_to(
    student, other_student, course, enrolment, modules
):
    other = EnrolmentFactory(user=other_student, course=course)
    for target in (enrolment, other):
        ModuleProgress.objects.bulk_create(
            ModuleProgress(enrolment=target, module=m, started_at=target.created_at, completed_at=target.created_at)
            for m in modules[:2]
        )
    enrolment.refresh_from_db()
    assert enrolment.required_modules_done == 0, "bulk writes send no signal"
    assert enrolment_required_done_refresh(enrolment_ids=[enrolment.pk]) == 1
    other.refresh_from_db()
    assert (_kept(enrolment), other.required_modules_done) == (2, 0)
    assert enrolment_required_done_refresh(enrolment_ids=[]) == 0
    assert enrolment_required_done_refresh() == 2
    assert _kept(other) == 2


def test_a_course_with_no_required_module_keeps_zero(student, course, enrolment):
    optional = ModulePageFactory(parent=course, is_required=False)
    module_complete(user=student, module=optional)
    assert enrolment_required_done_refresh(course_ids=[course.pk]) == 1
    assert _kept(enrolment) == 0
