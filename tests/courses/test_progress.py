"""Module progress, course completion and the completion signal."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from courses.completion import completion_requirement_register, course_completed
from courses.factories import CoursePageFactory, EnrolmentFactory, ModulePageFactory
from courses.models import EnrolmentStatus, ModuleProgress
from courses.selectors import progress_for, progress_for_enrolments
from courses.services import EnrolmentRefused, module_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def completions():
    """Every course_completed signal sent while the test runs."""
    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(receiver, dispatch_uid="test-completions")
    yield received
    course_completed.disconnect(dispatch_uid="test-completions")


def test_completing_a_module_needs_a_place_on_the_course(student, modules):
    with pytest.raises(EnrolmentRefused) as refusal:
        module_complete(user=student, module=modules[0])
    assert refusal.value.code == "not_enrolled"
    assert not ModuleProgress.objects.exists()


@pytest.mark.parametrize("status", [EnrolmentStatus.PENDING, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED])
def test_only_active_students_complete_modules(student, course, modules, status):
    EnrolmentFactory(user=student, course=course, status=status)
    with pytest.raises(EnrolmentRefused):
        module_complete(user=student, module=modules[0])
    assert not ModuleProgress.objects.exists()


def test_completing_twice_keeps_the_first_time(student, enrolment, modules):
    first = module_complete(user=student, module=modules[0])
    again = module_complete(user=student, module=modules[0])
    assert again.pk == first.pk and again.completed_at == first.completed_at


def test_the_last_required_module_completes_the_course_once(student, enrolment, modules, completions):
    for module in modules[:-1]:
        module_complete(user=student, module=module)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE and not completions
    module_complete(user=student, module=modules[-1])
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED and enrolment.completed_at is not None
    assert completions == [enrolment.pk]
    completed_at = enrolment.completed_at
    module_complete(user=student, module=modules[-1])
    enrolment.refresh_from_db()
    assert completions == [enrolment.pk] and enrolment.completed_at == completed_at
    assert list(enrolment.events.values_list("to_status", flat=True)) == ["completed"]


def test_optional_and_unpublished_modules_do_not_hold_completion_back(student, course, enrolment, completions):
    required = ModulePageFactory(parent=course)
    ModulePageFactory(parent=course, is_required=False)
    ModulePageFactory(parent=course, publish=False)
    module_complete(user=student, module=required)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED and completions == [enrolment.pk]


def test_registered_requirements_hold_completion_until_met(student, enrolment, modules, completions):
    unmet = ["Pass the final quiz."]
    completion_requirement_register("test-quiz", lambda e: list(unmet))
    try:
        for module in modules:
            module_complete(user=student, module=module)
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ACTIVE and not completions
        unmet.clear()
        from courses.services import enrolment_completion_check

        assert enrolment_completion_check(enrolment=enrolment) is True
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.COMPLETED and completions == [enrolment.pk]
    finally:
        from courses import completion

        completion._checks.pop("test-quiz", None)


def test_progress_counts_required_modules_and_resumes_at_the_first_unfinished(student, course, enrolment):
    first, optional, third = (
        ModulePageFactory(parent=course),
        ModulePageFactory(parent=course, is_required=False),
        ModulePageFactory(parent=course),
    )
    progress = progress_for(enrolment=enrolment)
    assert (progress.required_done, progress.required_total, progress.percent) == (0, 2, 0)
    assert progress.next_module.pk == first.pk
    module_complete(user=student, module=first)
    progress = progress_for(enrolment=enrolment)
    assert (progress.required_done, progress.percent) == (1, 50)
    assert progress.next_module.pk == optional.pk
    module_complete(user=student, module=optional)
    assert progress_for(enrolment=enrolment).next_module.pk == third.pk


def test_progress_of_many_enrolments_takes_a_fixed_number_of_queries(student, catalogue):
    def enrolments(count):
        result = []
        for _ in range(count):
            course = CoursePageFactory(parent=catalogue, publish="direct")
            for _ in range(3):
                ModulePageFactory(parent=course, publish="direct")
            result.append(EnrolmentFactory(user=student, course=course))
        return result

    small, large = enrolments(1), enrolments(8)
    with CaptureQueriesContext(connection) as one:
        progress_for_enrolments(small)
    with CaptureQueriesContext(connection) as many:
        result = progress_for_enrolments(large)
    assert len(one) == len(many) == 2
    assert all(p.required_total == 3 for p in result.values())


def test_dashboard_shows_progress_resume_requests_and_completions(student_client, student, course, modules, catalogue):
    enrolment = EnrolmentFactory(user=student, course=course)
    module_complete(user=student, module=modules[0])
    pending_course = CoursePageFactory(parent=catalogue, title="Doctrine Basics", enrolment_policy="approval")
    EnrolmentFactory(user=student, course=pending_course, status=EnrolmentStatus.PENDING)
    done_course = CoursePageFactory(parent=catalogue, title="Export Basics", estimated_hours=9)
    EnrolmentFactory(user=student, course=done_course, status=EnrolmentStatus.COMPLETED)
    text = student_client.get("/dashboard/").text
    assert "1 of 3 required modules complete (33%)" in text
    assert f'href="{modules[1].url}"' in text and "Resume: Part 2" in text
    assert "Waiting for approval" in text and "Doctrine Basics" in text
    assert "Completed courses" in text and "Export Basics" in text and "9 hours of study completed" in text
    assert enrolment.pk


def test_dashboard_queries_do_not_grow_with_enrolments(student_client, student, catalogue):
    def add(count):
        for _ in range(count):
            course = CoursePageFactory(parent=catalogue, publish="direct")
            ModulePageFactory(parent=course, publish="direct")
            EnrolmentFactory(user=student, course=course)

    add(1)
    student_client.get("/dashboard/")
    with CaptureQueriesContext(connection) as few:
        student_client.get("/dashboard/")
    add(6)
    with CaptureQueriesContext(connection) as many:
        student_client.get("/dashboard/")
    assert len(few) == len(many)


def test_a_student_sees_only_their_own_enrolments(client, student, other_student, course, catalogue):
    EnrolmentFactory(user=other_student, course=course)
    client.force_login(student)
    text = client.get("/dashboard/").text
    assert course.title not in text.split("Courses you might start with")[0]


def test_progress_in_sql_matches_the_dashboard_figure(student, other_student, course, catalogue):
    from courses.models import Enrolment
    from courses.selectors import enrolment_progress_annotate

    modules = [ModulePageFactory(parent=course) for _ in range(3)]
    enrolment = EnrolmentFactory(user=student, course=course)
    module_complete(user=student, module=modules[0])
    module_complete(user=student, module=modules[1])
    empty = CoursePageFactory(parent=catalogue, title="Nothing required")
    done = EnrolmentFactory(user=other_student, course=empty, status=EnrolmentStatus.COMPLETED)
    annotated = {e.pk: e.progress_percent for e in enrolment_progress_annotate(Enrolment.objects.all())}
    assert annotated[enrolment.pk] == progress_for(enrolment=enrolment).percent == 67
    assert annotated[done.pk] == progress_for(enrolment=done).percent == 100


def test_unpublishing_the_last_unfinished_module_completes_the_course(
    student, enrolment, modules, completions, django_capture_on_commit_callbacks
):
    module_complete(user=student, module=modules[0])
    module_complete(user=student, module=modules[1])
    with django_capture_on_commit_callbacks(execute=True):
        modules[2].unpublish()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED and completions == [enrolment.pk]


def test_a_module_moved_to_another_course_no_longer_counts_in_admin_progress(student, course, other_course):
    from courses.models import Enrolment
    from courses.selectors import enrolment_progress_annotate

    modules = [ModulePageFactory(parent=course) for _ in range(2)]
    enrolment = EnrolmentFactory(user=student, course=course)
    module_complete(user=student, module=modules[0])
    modules[0].move(other_course, pos="last-child")
    annotated = enrolment_progress_annotate(Enrolment.objects.filter(pk=enrolment.pk)).get()
    assert (annotated.required_done, annotated.required_total, annotated.progress_percent) == (0, 1, 0)
