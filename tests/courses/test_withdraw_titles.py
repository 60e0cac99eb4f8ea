"""Cancelling a request or withdrawing names the course as the student reads it (its translation's title)."""

from django.contrib.messages import get_messages
from django.urls import reverse

from wagtail.models import PageViewRestriction

import pytest

from courses.factories import EnrolmentFactory
from courses.models import EnrolmentStatus
from courses.services import page_translation_save
from lms.accounts.services import user_profile_update

pytestmark = pytest.mark.django_db


def _withdrawn(client, course) -> list[str]:
    response = client.post(reverse("course_withdraw", args=[course.pk]))
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def french_student(client, student):
    user_profile_update(user=student, preferred_language="fr")  # signed in, the profile's language wins
    client.force_login(student)
    return client


def test_a_cancelled_request_names_the_course_in_the_readers_language(french_student, student, course):
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.PENDING)
    assert _withdrawn(french_student, course) == ["Votre demande pour «\u00a0Contrôle civil\u00a0» est annulée."]


def test_a_withdrawal_names_the_course_in_the_readers_language(french_student, student, course):
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    EnrolmentFactory(user=student, course=course)
    assert _withdrawn(french_student, course) == ["Vous vous êtes retiré de «\u00a0Contrôle civil\u00a0»."]


def test_without_a_lendable_translation_the_message_keeps_the_original_title(french_student, student, course):
    french = page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    PageViewRestriction.objects.create(page=french, restriction_type=PageViewRestriction.LOGIN)  # stricter
    EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.PENDING)
    assert _withdrawn(french_student, course) == ["Votre demande pour «\u00a0Civilian Control\u00a0» est annulée."]


def test_an_english_reader_gets_the_original_title_and_nothing_to_withdraw_is_said_so(client, student, course):
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    client.force_login(student)
    EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.PENDING)
    assert _withdrawn(client, course) == ["Your request for “Civilian Control” is cancelled."]
    again = _withdrawn(client, course)  # nothing left to cancel: a refusal, not a second confirmation
    assert again[-1] == "You have no place on this course to withdraw from."
    assert client.post(reverse("course_withdraw", args=[10**9])).status_code == 404
