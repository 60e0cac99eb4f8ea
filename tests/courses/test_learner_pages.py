"""What each visitor sees of course and module pages, and the student's actions on them."""

from django.core.cache import cache

import pytest

from courses.factories import CohortFactory, CoursePageFactory, EnrolmentFactory, ModulePageFactory
from courses.models import Enrolment, EnrolmentStatus, ModuleProgress

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Parliament approves the defence budget"


@pytest.fixture
def module(course):
    body = [{"type": "paragraph", "value": f"<p>{SECRET_TEXT}.</p>"}]
    return ModulePageFactory(parent=course, title="Oversight", slug="oversight", body=body)


# Who reads module text: the enrolled student, the course's instructor, managers and administrators.
READERS = {
    "anonymous": False,
    "student": True,
    "other_student": False,
    "instructor": True,
    "other_instructor": False,
    "manager": True,
    "admin": True,
}


def test_module_text_reaches_only_readers_whatever_was_cached_before(client, people, enrolment, module):
    # Every role twice round: the second time the page comes from the page cache,
    # which must never hand one visitor's text to another.
    for _ in range(2):
        for role, reader in READERS.items():
            client.logout()
            if people[role] is not None:
                client.force_login(people[role])
            response = client.get(module.url)
            assert response.status_code == 200
            assert (SECRET_TEXT in response.text) is reader, role
            assert "<!--lms:" not in response.text
            if not reader:
                assert "This module is for enrolled students" in response.text


@pytest.mark.parametrize(
    "status,reads",
    [
        (EnrolmentStatus.PENDING, False),
        (EnrolmentStatus.WITHDRAWN, False),
        (EnrolmentStatus.REJECTED, False),
        (EnrolmentStatus.COMPLETED, True),
    ],
)
def test_module_text_follows_the_enrolment_status(student_client, student, course, module, status, reads):
    EnrolmentFactory(user=student, course=course, status=status)
    assert (SECRET_TEXT in student_client.get(module.url).text) is reads


def test_search_never_shows_module_text(client, student_client, enrolment, module):
    for visitor in (client, student_client):
        response = visitor.get("/catalogue/", {"q": "Parliament approves defence budget"})
        assert response.status_code == 200
        assert SECRET_TEXT not in response.text
        assert response.context is None or response.context.get("result_count", 0) == 0


def test_opening_a_module_counts_as_starting_it(student_client, student, enrolment, module):
    student_client.get(module.url)
    progress = ModuleProgress.objects.get(enrolment=enrolment, module=module)
    assert progress.started_at is not None and progress.completed_at is None
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None


def test_course_page_panel_follows_the_visitor(client, student, course, module):
    anonymous = client.get(course.url).text
    assert "Sign in to enrol" in anonymous
    client.force_login(student)
    assert '<button type="submit" class="button">Enrol</button>' in client.get(course.url).text
    EnrolmentFactory(user=student, course=course)
    enrolled = client.get(course.url).text
    assert "0 of 1 required modules complete (0%)" in enrolled and "Start: Oversight" in enrolled
    client.logout()
    assert "Sign in to enrol" in client.get(course.url).text


def test_enrol_from_the_course_page(student_client, student, course, module):
    response = student_client.post(f"/dashboard/courses/{course.pk}/enrol/", follow=True)
    assert "You are enrolled" in response.text
    assert Enrolment.objects.get(user=student, course=course).status == EnrolmentStatus.ACTIVE
    assert "0 of 1 required modules complete" in response.text


def test_enrolling_twice_from_the_page_is_refused_with_a_message(student_client, student, course):
    student_client.post(f"/dashboard/courses/{course.pk}/enrol/")
    response = student_client.post(f"/dashboard/courses/{course.pk}/enrol/", follow=True)
    assert "You already have a place on this course." in response.text
    assert Enrolment.objects.filter(user=student).count() == 1


def test_enrol_with_a_cohort_of_another_course_or_nonsense_is_refused(student_client, student, course, other_course):
    CohortFactory(course=course)
    foreign = CohortFactory(course=other_course)
    for value, message in (
        (str(foreign.pk), "That cohort is not an intake of this course."),
        ("not-a-number", "That cohort does not exist."),
        ("999999", "That cohort does not exist."),
        ("", "Choose a cohort."),
    ):
        response = student_client.post(f"/dashboard/courses/{course.pk}/enrol/", {"cohort": value}, follow=True)
        assert message in response.text
    assert not Enrolment.objects.exists()


def test_a_full_cohort_is_shown_and_refused(student_client, other_student, student, course):
    cohort = CohortFactory(course=course, capacity=1, name="Autumn")
    EnrolmentFactory(user=other_student, course=course, cohort=cohort)
    assert "Every cohort of this course is full" in student_client.get(course.url).text
    response = student_client.post(f"/dashboard/courses/{course.pk}/enrol/", {"cohort": cohort.pk}, follow=True)
    assert "The cohort “Autumn” is full." in response.text
    assert not Enrolment.objects.filter(user=student).exists()


def test_complete_a_module_and_go_on_to_the_next(student_client, student, enrolment, course, module):
    following = ModulePageFactory(parent=course, title="Budgets")
    response = student_client.post(f"/dashboard/modules/{module.pk}/complete/")
    assert response.status_code == 302 and response["Location"] == following.url
    assert ModuleProgress.objects.get(enrolment=enrolment, module=module).completed_at is not None
    text = student_client.get(module.url).text
    assert "You completed this module on" in text and "Mark this module as complete" not in text


def test_completing_a_module_of_another_course_is_refused(student_client, student, enrolment, other_course):
    foreign = ModulePageFactory(parent=other_course)
    response = student_client.post(f"/dashboard/modules/{foreign.pk}/complete/", follow=True)
    assert "Enrol in the course before completing its modules." in response.text
    assert not ModuleProgress.objects.exists()


def test_withdraw_from_the_course_page(student_client, student, enrolment, course):
    response = student_client.post(f"/dashboard/courses/{course.pk}/withdraw/", follow=True)
    assert "You have withdrawn" in response.text
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN


def test_actions_need_post_and_a_signed_in_student(client, student, course, module):
    assert client.get(f"/dashboard/courses/{course.pk}/enrol/").status_code == 405
    response = client.post(f"/dashboard/courses/{course.pk}/enrol/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(f"/dashboard/modules/{module.pk}/complete/").status_code == 302
    assert not Enrolment.objects.exists()


def test_actions_are_csrf_protected(student, course):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(student)
    assert csrf_client.post(f"/dashboard/courses/{course.pk}/enrol/").status_code == 403
    assert not Enrolment.objects.exists()


def test_unknown_or_unpublished_courses_are_404(student_client, catalogue):
    draft = CoursePageFactory(parent=catalogue, publish=False)
    assert student_client.post(f"/dashboard/courses/{draft.pk}/enrol/").status_code == 404
    assert student_client.post("/dashboard/courses/999999/enrol/").status_code == 404
    assert student_client.post("/dashboard/modules/999999/complete/").status_code == 404


def test_forged_part_markers_in_content_render_nothing(student_client, student, course):
    forged = "<!--lms:part:0000000000000000:module-body:1-1-->"
    from lms.core.pagecache import personalise

    class _Request:
        user = student

    assert personalise(_Request(), forged.encode()) == b""
    cache.clear()


def test_posting_another_students_ids_changes_nothing(client, other_student, student, enrolment, course, module):
    client.force_login(other_student)
    forged = {"user": student.pk, "enrolment": enrolment.pk, "user_id": student.pk}
    response = client.post(f"/dashboard/courses/{course.pk}/withdraw/", forged, follow=True)
    assert "You have no place on this course to withdraw from." in response.text
    response = client.post(f"/dashboard/modules/{module.pk}/complete/", forged, follow=True)
    assert "Enrol in the course before completing its modules." in response.text
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE and not ModuleProgress.objects.exists()
    assert not Enrolment.objects.filter(user=other_student).exists()


def test_cached_panels_follow_other_students_taking_places(client, student, other_student, course):
    cohort = CohortFactory(course=course, capacity=1, name="Last place")
    client.force_login(student)
    assert "1 place left." in client.get(course.url).text
    other = client.__class__()
    other.force_login(other_student)
    other.post(f"/dashboard/courses/{course.pk}/enrol/", {"cohort": cohort.pk})
    assert "Every cohort of this course is full" in client.get(course.url).text


def test_cached_module_state_follows_teaching_assignments(client, other_instructor, course, module):
    client.force_login(other_instructor)
    assert SECRET_TEXT not in client.get(module.url).text
    course.instructors.set([other_instructor])
    course.save_revision().publish()
    assert SECRET_TEXT in client.get(module.url).text


def test_cancelling_a_request_is_worded_as_such(student_client, student, catalogue):
    course = CoursePageFactory(parent=catalogue, title="Doctrine", enrolment_policy="approval")
    student_client.post(f"/dashboard/courses/{course.pk}/enrol/")
    response = student_client.post(f"/dashboard/courses/{course.pk}/withdraw/", follow=True)
    assert "Your request for “Doctrine” is cancelled." in response.text
    assert "You cancelled your request on" in response.text
    assert "request cancelled on" in student_client.get("/dashboard/").text


def test_closed_courses_tell_anonymous_visitors_how_places_are_given(client, catalogue):
    closed = CoursePageFactory(parent=catalogue, title="Conditionality", enrolment_policy="closed")
    text = client.get(closed.url).text
    assert "Places on this course are assigned by program managers." in text
    assert "Sign in to enrol" not in text


def test_losing_a_role_loses_the_module_text_at_once(client, manager, admin_user, module):
    for person, take_away in (
        (manager, lambda: manager.groups.clear()),
        (admin_user, lambda: (setattr(admin_user, "is_superuser", False), admin_user.save())),
    ):
        client.force_login(person)
        assert SECRET_TEXT in client.get(module.url).text
        take_away()
        assert SECRET_TEXT not in client.get(module.url).text


def test_removing_someone_from_a_group_by_the_group_side_retires_their_parts(client, manager, module):
    from django.contrib.auth.models import Group

    client.force_login(manager)
    assert SECRET_TEXT in client.get(module.url).text
    Group.objects.get(name="Program Managers").user_set.remove(manager)
    assert SECRET_TEXT not in client.get(module.url).text


def test_unicode_digits_in_the_cohort_field_are_refused_not_a_500(student_client, course):
    response = student_client.post(f"/dashboard/courses/{course.pk}/enrol/", {"cohort": "²"}, follow=True)
    assert response.status_code == 200 and "That cohort does not exist." in response.text


def test_a_student_may_withdraw_from_an_unpublished_course(student_client, student, enrolment, course):
    course.unpublish()
    response = student_client.post(f"/dashboard/courses/{course.pk}/withdraw/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN


def test_a_student_with_every_module_done_is_told_what_is_left(student_client, student, enrolment, course, module):
    from courses import completion
    from courses.services import module_complete

    completion.completion_requirement_register("test-left", lambda e: ["Pass the assessment “Final”."])
    try:
        module_complete(user=student, module=module)
        text = student_client.get(course.url).text
        assert "To complete the course:" in text and "Pass the assessment “Final”." in text
    finally:
        completion._checks.pop("test-left", None)
