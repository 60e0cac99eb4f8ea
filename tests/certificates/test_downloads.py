"""The holder's files: the certificate PDF, the signed credential, the transcript."""

from django.urls import reverse
from django.utils import timezone

import pytest

from certificates.credentials import credential_verify
from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_render, certificate_revoke, holder_name_confirm
from courses.factories import CoursePageFactory, EnrolmentFactory
from courses.models import EnrolmentStatus
from tests.certificates.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(student, course):
    holder_name_confirm(user=student, name="Оксана Коваленко", name_latin="Oksana Kovalenko")
    enrolment = EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.COMPLETED)
    from certificates.services import certificate_for_enrolment_create

    certificate, _made = certificate_for_enrolment_create(enrolment=enrolment)
    assert certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate


def test_the_holder_downloads_the_pdf_and_the_signed_credential(student_client, issued):
    response = student_client.get(reverse("certificate_pdf", args=[issued.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="certificate-{issued.code}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == issued.pdf.open("rb").read()
    response = student_client.get(reverse("certificate_credential", args=[issued.code]))
    assert response.status_code == 200
    credential = response.json()
    credential_verify(credential)  # raises when the proof does not hold
    assert issued.code in str(credential)


def test_another_student_gets_404_for_the_files(client, other_student, issued):
    client.force_login(other_student)
    for name in ("certificate_pdf", "certificate_credential"):
        assert client.get(reverse(name, args=[issued.code])).status_code == 404


def test_a_revoked_certificate_has_no_file_to_download(student_client, issued, manager):
    certificate_revoke(certificate_id=issued.pk, actor=manager, reason="Completion recorded in error.")
    for name in ("certificate_pdf", "certificate_credential"):
        assert student_client.get(reverse(name, args=[issued.code])).status_code == 404
    page = student_client.get(reverse("dashboard")).content.decode()
    assert "Revoked on" in page and reverse("certificate_pdf", args=[issued.code]) not in page


def test_the_transcript_lists_every_completed_course_with_hours_date_score_and_code(
    student_client, student, issued, catalogue
):
    other = CoursePageFactory(parent=catalogue, title="Defence Budgeting", slug="defence-budgeting", estimated_hours=12)
    EnrolmentFactory(user=student, course=other, status=EnrolmentStatus.COMPLETED)  # no certificate yet
    response = student_client.get(reverse("certificate_transcript"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Оксана Коваленко" in text and "Oksana Kovalenko" in text
    assert issued.course_title in text and "Defence Budgeting" in text
    assert issued.code in text and "12" in text
    assert str(timezone.localdate().year) in text


def test_files_need_a_signed_in_holder(client, issued):
    for url in (
        reverse("certificate_pdf", args=[issued.code]),
        reverse("certificate_credential", args=[issued.code]),
        reverse("certificate_transcript"),
        reverse("certificate_name"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_certificate_being_prepared_has_no_file(student_client, student, course):
    enrolment = EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.COMPLETED)
    from certificates.services import certificate_for_enrolment_create

    certificate, _made = certificate_for_enrolment_create(enrolment=enrolment)
    assert certificate.status == CertificateStatus.AWAITING_NAME
    assert student_client.get(reverse("certificate_pdf", args=[certificate.code])).status_code == 404
    assert Certificate.objects.count() == 1
