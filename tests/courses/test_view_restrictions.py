"""Private pages stay private although routes and pages are cached."""

from wagtail.models import PageViewRestriction

import pytest

pytestmark = pytest.mark.django_db


def test_a_login_restriction_added_later_applies_at_once(client, course, modules, student):
    assert client.get(modules[0].url).status_code == 200  # route and page now cached
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(modules[0].url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(student)
    assert client.get(modules[0].url).status_code == 200


def test_a_password_restricted_page_asks_for_the_password(client, course):
    client.get(course.url)
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")
    response = client.get(course.url)
    assert response.status_code == 200
    assert 'name="password"' in response.text
    assert "Course outline" not in response.text


def test_a_page_for_some_groups_is_never_served_from_the_cache_to_others(client, course, modules, student, manager):
    from django.contrib.auth.models import Group

    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name="Program Managers")])
    client.force_login(manager)
    assert client.get(modules[0].url).status_code == 200
    assert client.get(modules[0].url).status_code == 200
    client.force_login(student)
    response = client.get(modules[0].url)
    assert response.status_code != 200
    assert "Part 1" not in response.content.decode()


def test_changing_only_the_groups_of_a_restriction_applies_at_once(client, course, modules, student, manager):
    """Wagtail's privacy dialog saves the groups after the restriction itself: the cached routes keep
    which restriction applies, never who passes it, so a group just removed is refused at once."""
    from django.contrib.auth.models import Group

    managers, students = Group.objects.get(name="Program Managers"), Group.objects.get(name="Students")
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([managers])
    client.force_login(manager)
    assert client.get(modules[0].url).status_code == 200  # the route and its restriction now cached
    restriction.groups.set([students])  # no save of the restriction itself
    response = client.get(modules[0].url)
    assert response.status_code != 200, "a group removed from the restriction is still let in"
    assert "Part 1" not in response.content.decode()
    restriction.groups.remove(students)
    restriction.groups.add(managers)
    assert client.get(modules[0].url).status_code == 200
    restriction.groups.clear()
    assert client.get(modules[0].url).status_code != 200
