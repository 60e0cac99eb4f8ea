"""Anonymous visitors get cached pages; content changes and signed-in visitors bypass them."""

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


def test_signed_in_visitors_never_get_a_cached_page(client, course, student):
    client.get("/catalogue/")
    client.force_login(student)
    response = client.get("/catalogue/")
    assert "X-Page-Cache" not in response
    assert "Sign out" in response.text
    # And their page is not kept for anonymous visitors.
    client.logout()
    assert "Sign out" not in client.get("/catalogue/").text


def test_pages_outside_the_catalogue_are_not_cached(client):
    client.get("/accounts/login/")
    assert "X-Page-Cache" not in client.get("/accounts/login/")
