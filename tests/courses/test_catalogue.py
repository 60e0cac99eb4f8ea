import pytest

pytestmark = pytest.mark.django_db


def test_catalogue_lists_live_courses_at_catalogue_url(client, course, other_course):
    response = client.get("/catalogue/")
    assert response.status_code == 200
    assert "Civilian Control" in response.text
    assert "Export Controls" in response.text
