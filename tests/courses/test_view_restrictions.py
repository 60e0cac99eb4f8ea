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
