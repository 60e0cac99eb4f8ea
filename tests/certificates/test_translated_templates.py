"""Certificate templates in other languages: a certificate reads in its holder's language when it can."""

from django.conf import settings
from django.urls import reverse

import pytest

from certificates.content import content_sample
from certificates.credentials import credential_verify
from certificates.models.templates import CertificateTemplateTranslation
from certificates.rendering import certificate_html
from certificates.services import certificate_for_enrolment_create, certificate_render, holder_name_confirm
from certificates.template_translations import TemplateTranslationRefused, template_translation_save
from courses.factories import EnrolmentFactory
from courses.models import EnrolmentStatus
from tests.certificates.conftest import pdf_reader, pdf_text

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Attestation de réussite"
ARABIC_TITLE = "شهادة إتمام"


@pytest.fixture
def translated(default_template):
    template_translation_save(
        template=default_template,
        language="fr",
        title=FRENCH_TITLE,
        wording="Nous certifions que {holder} a suivi le cours {course} ({hours} heures), achevé le {date}.",
    )
    template_translation_save(
        template=default_template,
        language="ar",
        title=ARABIC_TITLE,
        wording="نشهد بأن {holder} قد أتم الدورة {course}",
    )
    return default_template


def _issued(user, course, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    holder_name_confirm(user=user, name="Amina Diallo", name_latin="Amina Diallo")
    enrolment = EnrolmentFactory(user=user, course=course, status=EnrolmentStatus.COMPLETED)
    certificate, _made = certificate_for_enrolment_create(enrolment=enrolment)
    assert certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate


def _content_for(certificate):
    from certificates.services import certificate_content

    return certificate_content(certificate)


def test_a_french_holder_gets_the_certificate_in_french(student, course, translated):
    certificate = _issued(student, course, "fr")
    pdf = certificate.pdf.open("rb").read()
    text = pdf_text(pdf)
    assert FRENCH_TITLE in text and "a suivi le cours Civilian Control" in text
    assert "Certificate of completion" not in text
    assert pdf_reader(pdf).trailer["/Root"]["/Lang"] == "fr"
    html = certificate_html(translated, _content_for(certificate))
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr" dir="ltr">')


def test_an_arabic_holder_gets_it_right_to_left(student, course, translated):
    certificate = _issued(student, course, "ar")
    html = certificate_html(translated, _content_for(certificate))
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 class="title" lang="ar" dir="rtl">' in html
    pdf = certificate.pdf.open("rb").read()
    assert ARABIC_TITLE in pdf_text(pdf).splitlines()
    assert pdf_reader(pdf).trailer["/Root"]["/Lang"] == "ar"


def test_a_holder_whose_language_has_no_translation_gets_the_templates_own(student, course, translated):
    certificate = _issued(student, course, "es")
    text = pdf_text(certificate.pdf.open("rb").read())
    assert "Certificate of completion" in text and FRENCH_TITLE not in text


def test_the_translated_certificate_still_verifies(student, student_client, course, translated):
    certificate = _issued(student, course, "fr")
    credential = student_client.get(reverse("certificate_credential", args=[certificate.code])).json()
    credential_verify(credential)
    # The public check speaks the reader's interface language, whatever the certificate's.
    from django.test import Client

    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = visitor.get(f"/verify/{certificate.code}/").text
    assert '<html lang="ar" dir="rtl">' in page and "Amina Diallo" in page


def test_an_out_of_date_translation_is_not_printed_and_the_admin_says_so(
    client, admin_user, student, course, translated
):
    translated.wording = "This certifies that {holder} completed {course} with distinction on {date}."
    translated.save()
    certificate = _issued(student, course, "fr")
    text = pdf_text(certificate.pdf.open("rb").read())
    assert "with distinction" in text and FRENCH_TITLE not in text
    client.force_login(admin_user)
    listing = client.get(reverse("wagtailsnippets_certificates_certificatetemplate:list")).text
    assert "fr: Out of date" in listing and "ar: Out of date" in listing and "es: Not translated" in listing
    page = client.get(reverse("wagtailsnippets_certificates_certificatetemplate:translations", args=[translated.pk]))
    assert 'data-language="fr" data-state="out_of_date"' in page.text
    assert 'data-language="pt" data-state="missing"' in page.text
    # The translator corrects the French wording: up to date again, and printed.
    url = reverse("wagtailsnippets_certificates_certificatetemplate:translate", args=[translated.pk, "fr"])
    assert "with distinction" in client.get(url).text  # the template's own wording, beside the form
    response = client.post(url, {"title": FRENCH_TITLE, "wording": "{holder} a suivi {course} avec mention."})
    assert response.status_code == 302
    page = client.get(reverse("wagtailsnippets_certificates_certificatetemplate:translations", args=[translated.pk]))
    assert 'data-language="fr" data-state="up_to_date"' in page.text
    html = certificate_html(translated, _content_for(certificate))
    assert "avec mention" in html and '<html lang="fr"' in html


def test_a_translation_with_an_unknown_placeholder_is_refused_and_nothing_saved(client, admin_user, default_template):
    client.force_login(admin_user)
    url = reverse("wagtailsnippets_certificates_certificatetemplate:translate", args=[default_template.pk, "fr"])
    response = client.post(url, {"title": FRENCH_TITLE, "wording": "Bravo {etudiant} !"})
    assert response.status_code == 200 and "Unknown placeholder: {etudiant}" in response.text
    assert not CertificateTemplateTranslation.objects.exists()
    with pytest.raises(TemplateTranslationRefused) as refusal:
        template_translation_save(template=default_template, language="en", title="x", wording="y")
    assert "language" in refusal.value.errors
    assert not CertificateTemplateTranslation.objects.exists()


def test_program_managers_cannot_translate_templates(client, manager, default_template):
    client.force_login(manager)
    url = reverse("wagtailsnippets_certificates_certificatetemplate:translate", args=[default_template.pk, "fr"])
    assert client.post(url, {"title": "x", "wording": "y"}).status_code in (302, 403)
    assert not CertificateTemplateTranslation.objects.exists()


def test_a_preview_sample_keeps_the_templates_language(translated):
    assert '<html lang="en" dir="ltr">' in certificate_html(translated, content_sample())
