"""Emails are written in their recipient's language and name the course as it reads in that language.

The locmem mail backend (lms.settings.test) stands where SMTP would: what is in
``mail.outbox`` is what would have left the platform.
"""

from django.core import mail
from django.utils import translation

import pytest

from certificates.models import Certificate, CertificateStatus
from certificates.services import holder_name_confirm
from courses.factories import CoursePageFactory, ModulePageFactory
from courses.selectors.titles import page_title_in_language
from courses.services import enrolment_approve, enrolment_reject, enrolment_request, module_complete
from courses.services.translation import page_translation_save
from lms.accounts.services import user_profile_update

pytestmark = pytest.mark.django_db

ENGLISH = "Joint Doctrine and Interoperability"
FRENCH = "Doctrine interarmées et interopérabilité"
ARABIC = "العقيدة المشتركة وقابلية التشغيل البيني"
RUSSIAN = "Совместная доктрина и оперативная совместимость"


def _words(text: str) -> str:
    """The text with its spacing made plain (French puts no-break spaces inside « » and before colons)."""
    return " ".join(text.split())


@pytest.fixture
def doctrine(catalogue):
    """A course whose places are given by a program manager, so that each decision is emailed."""
    return CoursePageFactory(parent=catalogue, title=ENGLISH, slug="joint-doctrine", enrolment_policy="approval")


def _speaks(user, language):
    user_profile_update(user=user, preferred_language=language)
    user.refresh_from_db()
    return user


def _approved(student, course, manager, capture):
    enrolment = enrolment_request(user=student, course=course)
    mail.outbox.clear()
    with capture(execute=True):
        enrolment_approve(enrolment_id=enrolment.pk, actor=manager)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [student.email]
    return mail.outbox[0]


def test_french_student_gets_the_approval_in_french_with_the_french_title(
    student, manager, doctrine, django_capture_on_commit_callbacks
):
    page_translation_save(source=doctrine, language="fr", fields={"title": FRENCH})
    message = _approved(_speaks(student, "fr"), doctrine, manager, django_capture_on_commit_callbacks)
    assert _words(message.subject) == f"Votre place dans « {FRENCH} » est confirmée"
    body = _words(message.body)
    assert f"Votre demande de place dans « {FRENCH} » a été approuvée." in body
    assert ENGLISH not in body and "approved" not in body
    assert "/catalogue/joint-doctrine/" in body  # the one address of the course, whatever its language


def test_a_draft_translation_leaves_the_original_title_in_a_french_email(
    student, manager, doctrine, django_capture_on_commit_callbacks
):
    page_translation_save(source=doctrine, language="fr", fields={"title": FRENCH}, publish=False)
    message = _approved(_speaks(student, "fr"), doctrine, manager, django_capture_on_commit_callbacks)
    assert _words(message.subject) == f"Votre place dans « {ENGLISH} » est confirmée"
    assert FRENCH not in message.body and f"« {ENGLISH} »" in _words(message.body)


def test_an_unpublished_translation_is_no_longer_named(student, manager, doctrine, django_capture_on_commit_callbacks):
    french = page_translation_save(source=doctrine, language="fr", fields={"title": FRENCH})
    french.unpublish()
    message = _approved(_speaks(student, "fr"), doctrine, manager, django_capture_on_commit_callbacks)
    assert ENGLISH in message.subject and FRENCH not in message.subject


def test_arabic_student_gets_the_approval_in_arabic_with_the_arabic_title(
    student, manager, doctrine, django_capture_on_commit_callbacks
):
    page_translation_save(source=doctrine, language="fr", fields={"title": FRENCH})
    page_translation_save(source=doctrine, language="ar", fields={"title": ARABIC})
    message = _approved(_speaks(student, "ar"), doctrine, manager, django_capture_on_commit_callbacks)
    assert message.subject == f"تأكّد مقعدك في «{ARABIC}»"
    assert f"«{ARABIC}»" in message.body and "تمت الموافقة" in message.body
    assert ENGLISH not in message.body and FRENCH not in message.body


def test_the_recipients_language_wins_over_the_managers(student, manager, doctrine, django_capture_on_commit_callbacks):
    """A manager working in Spanish turns down a Russian-speaking student: the student reads Russian."""
    page_translation_save(source=doctrine, language="es", fields={"title": "Doctrina conjunta"})
    page_translation_save(source=doctrine, language="ru", fields={"title": RUSSIAN})
    enrolment = enrolment_request(user=_speaks(student, "ru"), course=doctrine)
    mail.outbox.clear()
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        enrolment_reject(enrolment_id=enrolment.pk, actor=manager, reason="Нет мест в этом наборе.")
    message = mail.outbox[0]
    assert message.subject == f"Ваша заявка на курс «{RUSSIAN}»"
    assert f"Ваша заявка на место на курсе «{RUSSIAN}» не одобрена." in message.body
    assert "Нет мест в этом наборе." in message.body
    assert "Doctrina" not in message.body and ENGLISH not in message.body


def test_english_and_unknown_profile_languages_get_english_and_the_original_title(
    student, other_student, manager, doctrine, django_capture_on_commit_callbacks
):
    page_translation_save(source=doctrine, language="fr", fields={"title": FRENCH})
    # A profile language the platform does not offer (written in by an import, say): English, the original title.
    _speaks(other_student, "en")
    other_student.preferred_language = "de"
    other_student.save(update_fields=["preferred_language"])
    with translation.override("fr"):  # whatever the sender reads in
        for person in (_speaks(student, "en"), other_student):
            message = _approved(person, doctrine, manager, django_capture_on_commit_callbacks)
            assert message.subject == f"Your place on “{ENGLISH}” is confirmed"
            assert FRENCH not in message.body


@pytest.mark.parametrize("language", ["", None, "xx", "de", "en", "fr-ca", "FR"])
def test_page_title_in_language_takes_odd_languages_without_failing(doctrine, language):
    page_translation_save(source=doctrine, language="fr", fields={"title": FRENCH})
    expected = FRENCH if language in ("fr-ca", "FR") else ENGLISH
    assert page_title_in_language(doctrine, language) == expected


def test_page_title_in_language_keeps_the_given_original_when_untranslated(doctrine):
    assert page_title_in_language(doctrine, "ru", original="As printed") == "As printed"
    page_translation_save(source=doctrine, language="ru", fields={"title": RUSSIAN})
    assert page_title_in_language(doctrine, "ru", original="As printed") == RUSSIAN


# The certificate email ---------------------------------------------------------------------


@pytest.fixture
def issued(student, course, enrolment, django_capture_on_commit_callbacks):
    """Complete the course, confirm the name: the certificate is rendered and its email sent (on commit)."""

    def issue():
        module = ModulePageFactory(parent=course, title="Only part", slug="only-part")
        module_complete(user=student, module=module)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            holder_name_confirm(user=student, name="Амина Карим", name_latin="Amina Karim")
        certificate = Certificate.objects.get(enrolment=enrolment)
        assert certificate.status == CertificateStatus.ISSUED
        assert len(mail.outbox) == 1
        return certificate, mail.outbox[0]

    return issue


def test_certificate_email_in_french_names_the_french_course(student, course, issued):
    page_translation_save(source=course, language="fr", fields={"title": "Le contrôle civil"})
    _speaks(student, "fr")
    certificate, message = issued()
    assert _words(message.subject) == "Votre certificat : Le contrôle civil"
    assert "« Le contrôle civil »" in _words(message.body) and certificate.code in message.body
    assert certificate.course_title == "Civilian Control"  # the PDF keeps the title it printed


def test_certificate_email_without_a_translation_names_the_printed_title(student, course, issued):
    _speaks(student, "ar")
    certificate, message = issued()
    # Renamed after issue: the email names the course as its certificate prints it.
    course.title = "Civilian Control of the Armed Forces"
    course.save_revision().publish()
    from certificates.services import certificate_ready_notify

    Certificate.objects.filter(pk=certificate.pk).update(notified_at=None)
    mail.outbox.clear()
    assert certificate_ready_notify(certificate_id=certificate.pk) is True
    assert mail.outbox[0].subject == "شهادتك: Civilian Control"
    assert message.subject == "شهادتك: Civilian Control"
