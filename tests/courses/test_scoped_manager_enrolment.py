"""A program manager limited to some students (a ManagerScope) cannot use the bulk import, which could
rewrite any student's country and program and so pull them into the scope, and enrols by hand only
the students in their scope, without learning which other addresses have an account.

Two students: Kofi (Ghana, IMET) inside every scope below, Moussa (Senegal, national funding) outside.
"""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from courses.factories import CohortFactory
from courses.models import Enrolment
from lms.accounts.factories import SponsoringProgramFactory, UserFactory
from lms.accounts.models import ManagerScope, User
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/students/import/"
TEMPLATE_URL = "/admin/students/import/template.csv"
ENROL_URL = "/admin/enrolments/enrol/"
KOFI, MOUSSA = "kofi.mensah@example.org", "moussa.ndiaye@example.org"
# The scopes the officer may have: (countries, program codes); Kofi is inside each, Moussa outside.
SCOPES = {
    "countries": (["GH"], []),
    "programs": ([], ["imet"]),
    "both": (["GH"], ["imet"]),
}


@pytest.fixture
def programs(db):
    return {
        "imet": SponsoringProgramFactory(code="imet", name="IMET"),
        "national": SponsoringProgramFactory(code="national", name="National funding"),
    }


@pytest.fixture
def kofi(programs):
    return UserFactory(
        email=KOFI, first_name="Kofi", country="GH", sponsoring_program=programs["imet"], roles=[Role.STUDENT]
    )


@pytest.fixture
def moussa(programs):
    return UserFactory(
        email=MOUSSA, first_name="Moussa", country="SN", sponsoring_program=programs["national"], roles=[Role.STUDENT]
    )


@pytest.fixture
def cohort(course, programs):
    return CohortFactory(course=course, name="2027 spring intake", sponsoring_program=programs["imet"])


@pytest.fixture(params=list(SCOPES))
def officer(request, programs):
    """A program manager limited by each kind of scope in turn."""
    countries, codes = SCOPES[request.param]
    user = UserFactory(email="officer@example.org", roles=[Role.PROGRAM_MANAGER])
    scope = ManagerScope.objects.create(user=user, countries=countries)
    scope.sponsoring_programs.set([programs[code] for code in codes])
    return user


def _denied(response):
    """The admin refuses with a 403, or by sending the person back to the dashboard with a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _pulling_file() -> bytes:
    """Moussa's existing email with the officer's own country and program: the row that would pull him in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Email", "Given names", "Family name", "Country", "Sponsoring program"])
    writer.writerow([MOUSSA, "Moussa", "Ndiaye", "GH", "imet"])
    return out.getvalue().encode("utf-8")


def _upload():
    return SimpleUploadedFile("students.csv", _pulling_file(), content_type="text/csv")


def _profile(email):
    user = User.objects.get(email=email)
    return str(user.country), user.sponsoring_program.code


# Bulk import ------------------------------------------------------------------


def test_import_screens_refuse_a_scoped_manager(client, officer, moussa, cohort, django_capture_on_commit_callbacks):
    client.force_login(officer)
    for url in (IMPORT_URL, f"{IMPORT_URL}?cohort={cohort.pk}", TEMPLATE_URL):
        assert _denied(client.get(url)), url

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT_URL, {"cohort": cohort.pk, "file": _upload()})

    assert _denied(response)
    assert _profile(MOUSSA) == ("SN", "national")
    assert not Enrolment.objects.exists()


def test_import_is_not_offered_to_a_scoped_manager(client, officer, cohort):
    client.force_login(officer)
    dashboard = client.get("/admin/").text
    assert "Import students" not in dashboard
    assert IMPORT_URL not in dashboard
    cohorts = client.get("/admin/snippets/courses/cohort/")
    assert cohorts.status_code == 200
    assert "2027 spring intake" in cohorts.text  # the listing is there, without the way in to the import
    assert IMPORT_URL not in cohorts.text


def test_import_still_works_for_an_unscoped_manager(
    client, manager, moussa, cohort, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    assert IMPORT_URL in client.get("/admin/").text
    assert f"{IMPORT_URL}?cohort={cohort.pk}" in client.get("/admin/snippets/courses/cohort/").text
    assert client.get(TEMPLATE_URL).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT_URL, {"cohort": cohort.pk, "file": _upload()})

    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert _profile(MOUSSA) == ("GH", "imet")
    assert Enrolment.objects.get(user=moussa).cohort == cohort


# Enrolling by hand --------------------------------------------------------------


def test_enrolment_by_hand_scoped_manager_enrols_a_student_in_scope(client, officer, kofi, course, cohort):
    client.force_login(officer)
    response = client.post(ENROL_URL, {"student": KOFI.upper(), "course": course.pk, "cohort": cohort.pk})
    assert response.status_code == 302 and response["Location"] == f"/admin/enrolments/?course={course.pk}"
    enrolment = Enrolment.objects.get(user=kofi, course=course)
    assert (enrolment.status, enrolment.cohort) == ("active", cohort)
    assert enrolment.events.get().actor == officer


def test_enrolment_by_hand_answers_an_address_outside_the_scope_as_an_unknown_one(
    client, officer, moussa, kofi, course
):
    client.force_login(officer)

    unknown = client.post(ENROL_URL, {"student": "nobody@example.org", "course": course.pk})
    outside = client.post(ENROL_URL, {"student": MOUSSA, "course": course.pk})

    assert unknown.status_code == outside.status_code == 200
    errors = outside.context["form"].errors.as_data()
    assert list(errors) == ["student"]
    assert [error.code for error in errors["student"]] == ["unknown_student"]
    assert outside.context["form"].errors == unknown.context["form"].errors
    assert outside.context["form"].errors["student"] == ["No active account in your scope uses this email address."]
    assert not Enrolment.objects.exists()


def test_enrolment_by_hand_unscoped_manager_still_finds_every_student(client, manager, moussa, course):
    client.force_login(manager)
    response = client.post(ENROL_URL, {"student": MOUSSA, "course": course.pk})
    assert response.status_code == 302
    assert Enrolment.objects.filter(user=moussa, course=course).exists()
