"""Administrators limit program managers to countries and/or sponsoring programs in the admin
(Settings → Manager scopes); nobody else reaches these screens, and the form refuses what makes no sense."""

import pytest

from lms.accounts.factories import SponsoringProgramFactory, UserFactory
from lms.accounts.models import ManagerScope
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db

INDEX = "/admin/manager_scopes/"
ADD = "/admin/manager_scopes/new/"


def _edit(scope):
    return f"/admin/manager_scopes/edit/{scope.pk}/"


def _delete(scope):
    return f"/admin/manager_scopes/delete/{scope.pk}/"


@pytest.fixture
def imet(db):
    return SponsoringProgramFactory(code="imet", name="IMET")


@pytest.fixture
def officer(db):
    return UserFactory(email="embassy.officer@example.org", first_name="Nadia", roles=[Role.PROGRAM_MANAGER])


def _refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def test_an_administrator_creates_edits_and_deletes_a_scope(client, admin_user, officer, imet):
    client.force_login(admin_user)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, {"user": officer.pk, "countries": ["GH", "SN"], "sponsoring_programs": [imet.pk]})
    assert response.status_code == 302, response.content.decode()[-3000:]
    scope = ManagerScope.objects.get(user=officer)
    assert sorted(country.code for country in scope.countries) == ["GH", "SN"]
    assert list(scope.sponsoring_programs.all()) == [imet]

    listing = client.get(INDEX).content.decode()
    assert "embassy.officer@example.org" in listing or "Nadia" in listing
    assert "Ghana" in listing and "Senegal" in listing and "IMET" in listing

    assert client.get(_edit(scope)).status_code == 200
    response = client.post(_edit(scope), {"user": officer.pk, "countries": ["SN"]})
    assert response.status_code == 302
    scope.refresh_from_db()
    assert [country.code for country in scope.countries] == ["SN"] and not scope.sponsoring_programs.exists()

    assert client.get(_delete(scope)).status_code == 200
    assert client.post(_delete(scope)).status_code == 302
    assert not ManagerScope.objects.exists()


def test_the_screens_are_in_the_settings_menu_for_administrators_only(client, admin_user, officer, instructor):
    client.force_login(admin_user)
    assert "Manager scopes" in client.get("/admin/").content.decode()
    for person in (officer, instructor):
        client.force_login(person)
        assert INDEX not in client.get("/admin/").content.decode()


def test_program_managers_and_instructors_cannot_reach_the_screens(client, officer, instructor, student, imet):
    scope = ManagerScope.objects.create(user=officer, countries=["GH"])
    for person in (officer, instructor):
        client.force_login(person)
        for url in (INDEX, ADD, _edit(scope), _delete(scope)):
            assert _refused(client.get(url)), (person.email, url)
        assert _refused(client.post(ADD, {"user": person.pk, "countries": ["SN"]}))
        assert _refused(client.post(_edit(scope), {"user": officer.pk, "countries": ["SN"]}))
        assert _refused(client.post(_delete(scope)))
    client.force_login(student)
    assert _refused(client.get(INDEX))
    client.logout()
    assert client.get(INDEX)["Location"].startswith("/accounts/login/")
    scope.refresh_from_db()
    assert [country.code for country in scope.countries] == ["GH"]
    assert ManagerScope.objects.count() == 1


def test_a_scope_needs_a_country_or_a_program(client, admin_user, officer):
    client.force_login(admin_user)
    response = client.post(ADD, {"user": officer.pk})
    assert response.status_code == 200
    assert "Choose at least one country or sponsoring program" in response.content.decode()
    assert not ManagerScope.objects.exists()


def test_only_program_managers_can_be_limited(client, admin_user, instructor, student, officer):
    client.force_login(admin_user)
    page = client.get(ADD).content.decode()
    assert "embassy.officer@example.org" in page or "Nadia" in page
    assert instructor.email not in page and student.email not in page
    for person in (instructor, student, admin_user):
        response = client.post(ADD, {"user": person.pk, "countries": ["GH"]})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Only program managers can be limited" in html
        assert "Select a valid choice" not in html, "the refusal should say why, not only that the choice is invalid"
    assert not ManagerScope.objects.exists()


def test_a_manager_has_one_scope(client, admin_user, officer, imet):
    ManagerScope.objects.create(user=officer, countries=["GH"])
    client.force_login(admin_user)
    response = client.post(ADD, {"user": officer.pk, "countries": ["SN"]})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert ManagerScope.objects.count() == 1


def test_a_change_of_scope_applies_at_the_managers_next_request(client, admin_user, officer):
    from courses.factories import CoursePageFactory, EnrolmentFactory, catalogue_get

    course = CoursePageFactory(parent=catalogue_get(), title="Civilian Control", slug="civilian-control")
    ghana = UserFactory(email="kofi.mensah@example.org", country="GH")
    senegal = UserFactory(email="moussa.diop@example.org", country="SN")
    for student in (ghana, senegal):
        EnrolmentFactory(user=student, course=course)
    manager_client = client.__class__()
    manager_client.force_login(officer)
    url = "/admin/learning-reports/students/?stage=enrolled"
    assert manager_client.get(url).context["page"].paginator.count == 2

    client.force_login(admin_user)
    assert client.post(ADD, {"user": officer.pk, "countries": ["SN"]}).status_code == 302
    html = manager_client.get(url).content.decode()
    assert "moussa.diop@example.org" in html and "kofi.mensah@example.org" not in html

    scope = ManagerScope.objects.get()
    assert client.post(_delete(scope)).status_code == 302
    assert manager_client.get(url).context["page"].paginator.count == 2
