"""Anonymous visitors get cached pages; content changes and signed-in visitors bypass them."""

import re

import pytest

from courses.factories import ModulePageFactory

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_served_from_the_cache_the_second_time(client, course):
    first = client.get("/catalogue/")
    second = client.get("/catalogue/")
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # Security headers still come with a cached page.
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert "Cookie" in second["Vary"]


def test_publishing_a_page_shows_at_once_to_anonymous_visitors(client, course):
    client.get(course.url)
    assert client.get(course.url)["X-Page-Cache"] == "hit"
    ModulePageFactory(parent=course, title="A brand new module")
    response = client.get(course.url)
    assert response["X-Page-Cache"] == "miss"
    assert "A brand new module" in response.text


def test_unpublishing_a_course_removes_it_from_the_cached_catalogue(client, course):
    assert "Civilian Control" in client.get("/catalogue/").text
    course.unpublish()
    assert "Civilian Control" not in client.get("/catalogue/").text
    assert client.get(course.url).status_code == 404


def test_each_language_is_cached_separately(client, course):
    client.get("/catalogue/")
    client.cookies["lms_language"] = "ar"
    response = client.get("/catalogue/")
    assert 'dir="rtl"' in response.text


def test_signed_in_visitors_get_the_signed_in_version_never_the_anonymous_one(client, course, student):
    client.get("/catalogue/")
    client.force_login(student)
    first = client.get("/catalogue/")
    second = client.get("/catalogue/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert "Sign out" in second.text
    assert second["Cache-Control"] == "private"
    # And their page is not kept for anonymous visitors.
    client.logout()
    assert "Sign out" not in client.get("/catalogue/").text


def test_a_cached_signed_in_page_carries_each_visitors_own_working_csrf_token(course, student, other_student):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(student)
    second.force_login(other_student)
    assert first.get(course.url)["X-Page-Cache"] == "miss"
    page = second.get(course.url)
    assert page["X-Page-Cache"] == "hit"
    assert "<!--lms:csrf-field-->" not in page.text
    assert student.email not in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    signed_out = second.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302  # a refused token would be a 403
    assert "_auth_user_id" not in second.session


def test_a_message_waiting_for_a_signed_in_visitor_is_shown_not_a_cached_page(client, course, student):
    client.force_login(student)
    client.get("/catalogue/")
    client.post("/accounts/profile/", {"first_name": "Amina", "preferred_language": "en", "country": "SN"})
    response = client.get("/catalogue/")
    assert "Your profile has been saved." in response.text
    assert "X-Page-Cache" not in response


def test_pages_outside_the_catalogue_are_not_cached(client):
    client.get("/accounts/login/")
    assert "X-Page-Cache" not in client.get("/accounts/login/")
