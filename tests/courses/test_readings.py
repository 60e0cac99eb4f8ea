"""Readings (documents shown in module text) are for the readers of that text; other documents stay public."""

from django.core.files.base import ContentFile

import pytest

from courses.factories import EnrolmentFactory, ModulePageFactory
from courses.models import EnrolmentStatus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _document(title):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    document = get_document_model()(title=title, collection=Collection.get_first_root_node())
    document.file.save(f"{title.lower().replace(' ', '-')}.pdf", ContentFile(PDF), save=True)
    return document


@pytest.fixture
def reading(course):
    document = _document("Oversight brief")
    ModulePageFactory(
        parent=course,
        title="Oversight",
        body=[{"type": "reading", "value": {"document": document.pk, "title": "Brief", "note": ""}}],
    )
    return document


def test_a_reading_is_served_only_to_readers_of_its_course(client, people, student, course, reading):
    EnrolmentFactory(user=student, course=course)
    # As for module text: the enrolled student, the course's instructor, managers and administrators.
    expected = {
        "anonymous": "login",
        "student": 200,
        "other_student": 403,
        "instructor": 200,
        "other_instructor": 403,
        "manager": 200,
        "admin": 200,
    }
    for role, want in expected.items():
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        response = client.get(reading.url)
        got = (
            "login"
            if response.status_code == 302 and "/accounts/login/" in response["Location"]
            else response.status_code
        )
        assert got == want, role


def test_a_reading_follows_the_enrolment(client, student, course, reading):
    enrolment = EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.WITHDRAWN)
    client.force_login(student)
    assert client.get(reading.url).status_code == 403
    enrolment.status, enrolment.activated_at = EnrolmentStatus.ACTIVE, enrolment.status_changed_at
    enrolment.save()
    assert client.get(reading.url).status_code == 200


def test_documents_not_used_in_modules_stay_public(client, course):
    public = _document("Public handbook")
    assert client.get(public.url).status_code == 200
