"""An instructor edits only the courses they are assigned to, under moderation."""

from django.urls import reverse

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

import pytest

from courses.factories import ModulePageFactory
from courses.models import CoursePage, ModulePage

pytestmark = pytest.mark.django_db


def _module_form(title):
    return nested_form_data(
        {
            "title": title,
            "slug": "part-1",
            "estimated_minutes": 12,
            "is_required": "on",
            "body": streamfield([("paragraph", rich_text("<p>Revised text.</p>"))]),
        }
    )


@pytest.fixture
def module(course):
    return ModulePageFactory(parent=course, title="Part 1", slug="part-1")


@pytest.fixture
def other_module(other_course):
    return ModulePageFactory(parent=other_course, title="Licensing", slug="licensing")


def test_instructor_opens_the_editor_for_their_course_and_its_modules(client, instructor, course, module):
    client.force_login(instructor)
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{module.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/courses/modulepage/{course.pk}/").status_code == 200


def test_instructor_cannot_open_or_change_another_instructors_course(client, instructor, other_course, other_module):
    client.force_login(instructor)
    for url in (
        f"/admin/pages/{other_course.pk}/edit/",
        f"/admin/pages/{other_module.pk}/edit/",
        f"/admin/pages/add/courses/modulepage/{other_course.pk}/",
        f"/admin/pages/{other_module.pk}/delete/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert f"/admin/pages/{other_course.pk}/edit/" not in response.get("Location", "")
    response = client.post(f"/admin/pages/{other_module.pk}/edit/", _module_form("Hijacked"))
    assert response.status_code in (302, 403)
    assert ModulePage.objects.get(pk=other_module.pk).get_latest_revision_as_object().title == "Licensing"


def test_instructor_saves_a_draft_that_is_not_live_until_approved(client, instructor, module):
    client.force_login(instructor)
    response = client.post(f"/admin/pages/{module.pk}/edit/", _module_form("Part 1, revised"))
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.title == "Part 1"  # the live page is unchanged
    assert module.get_latest_revision_as_object().title == "Part 1, revised"
    assert module.has_unpublished_changes


def test_instructor_cannot_publish_directly_but_can_submit_for_moderation(client, instructor, module):
    client.force_login(instructor)
    client.post(f"/admin/pages/{module.pk}/edit/", {**_module_form("Published?"), "action-publish": "publish"})
    module.refresh_from_db()
    assert module.title == "Part 1"

    client.post(f"/admin/pages/{module.pk}/edit/", {**_module_form("Ready for review"), "action-submit": "submit"})
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(module.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_a_moderator_approves_and_the_change_goes_live(client, instructor, admin_user, module):
    client.force_login(instructor)
    client.post(f"/admin/pages/{module.pk}/edit/", {**_module_form("Reviewed text"), "action-submit": "submit"})
    client.force_login(admin_user)
    state = WorkflowState.objects.get(object_id=str(module.pk))
    task_state = state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[module.pk, "approve", task_state.pk]),
        {"comment": "Looks right."},
    )
    assert response.status_code in (200, 302)
    module.refresh_from_db()
    assert module.title == "Reviewed text"
    assert module.live


def test_instructor_cannot_reassign_who_teaches_the_course(client, instructor, other_instructor, course):
    client.force_login(instructor)
    page = client.get(f"/admin/pages/{course.pk}/edit/")
    assert 'name="instructors"' not in page.text
    assert 'name="enrolment_policy"' not in page.text


def test_assigning_an_instructor_in_the_admin_grants_them_the_course(client, admin_user, other_instructor, course):
    from courses.services import course_instructors_sync

    client.force_login(other_instructor)
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code in (302, 403)
    course = CoursePage.objects.get(pk=course.pk)
    course.instructors.add(other_instructor)
    course_instructors_sync(course=course)
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code == 200
    course.instructors.remove(other_instructor)
    course_instructors_sync(course=course)
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code in (302, 403)


def test_administrator_sees_the_assignment_fields(client, admin_user, course):
    client.force_login(admin_user)
    page = client.get(f"/admin/pages/{course.pk}/edit/")
    assert 'name="instructors"' in page.text
    assert 'name="enrolment_policy"' in page.text


def test_deleting_a_course_removes_its_instructor_group(course):
    from django.contrib.auth.models import Group

    name = f"Course {course.pk} instructors"
    assert Group.objects.filter(name=name).exists()
    course.delete()
    assert not Group.objects.filter(name=name).exists()


def test_preview_shows_the_unsaved_draft_not_the_cached_page(client, instructor, module):
    client.force_login(instructor)
    client.get(module.url)  # the live content is now cached
    preview_url = f"/admin/pages/{module.pk}/edit/preview/"
    response = client.post(preview_url, _module_form("Draft title in preview"))
    assert response.json()["is_valid"] is True
    preview = client.get(preview_url)
    assert "Draft title in preview" in preview.text
    assert "Revised text." in preview.text
    assert "Draft title in preview" not in client.get(module.url).text
