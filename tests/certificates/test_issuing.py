"""Issuing: once per completed enrolment, after the name is confirmed, rendered and signed, emailed."""

import hashlib
import threading
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from assessments.factories import AssessmentFactory
from certificates.models import Certificate, CertificateStatus, HolderName
from certificates.selectors import enrolment_score
from certificates.services import (
    CertificateRefused,
    certificate_for_enrolment_create,
    certificate_reissue,
    certificate_render,
    certificates_sweep,
    holder_name_confirm,
)
from courses.factories import EnrolmentFactory
from courses.models import EnrolmentStatus
from courses.services import module_complete

pytestmark = pytest.mark.django_db


def _complete(student, modules):
    for module in modules:
        module_complete(user=student, module=module)


@pytest.fixture
def completed(student, enrolment, modules):
    _complete(student, modules)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    return enrolment


def test_completing_a_course_makes_one_certificate_that_waits_for_the_name(student_client, completed):
    certificate = Certificate.objects.get(enrolment=completed)
    assert certificate.status == CertificateStatus.AWAITING_NAME
    assert certificate.course_title == completed.course.title and certificate.hours == completed.course.estimated_hours
    page = student_client.get(reverse("dashboard")).content.decode()
    assert "Confirm your name" in page and reverse("certificate_name") in page


def test_a_second_completion_signal_or_call_makes_no_second_certificate(completed):
    first, made = certificate_for_enrolment_create(enrolment=completed)
    assert made is False
    assert Certificate.objects.filter(enrolment=completed).count() == 1
    # The database refuses a second current certificate, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            code="X",
            enrolment=completed,
            holder=completed.user,
            course=completed.course,
            status=CertificateStatus.PENDING,
            course_title="x",
            hours=1,
            completed_on=first.completed_on,
        )


def test_no_certificate_for_a_course_not_completed(enrolment):
    with pytest.raises(CertificateRefused):
        certificate_for_enrolment_create(enrolment=enrolment)
    assert not Certificate.objects.exists()


def test_confirming_the_name_issues_a_signed_pdf_and_tells_the_student(
    student, student_client, completed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = student_client.post(
            reverse("certificate_name"),
            {"name": "Нгуен Ван Ань", "name_latin": "Nguyen Van Anh", "confirm": "on"},
        )
    assert response.status_code == 302
    certificate = Certificate.objects.get(enrolment=completed)
    assert certificate.status == CertificateStatus.ISSUED
    assert (certificate.holder_name, certificate.holder_name_latin) == ("Нгуен Ван Ань", "Nguyen Van Anh")
    data = certificate.pdf.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert certificate.credential["credentialSubject"]
    assert [m.to for m in mailoutbox] == [[student.email]]
    assert certificate.code in mailoutbox[0].body
    assert ModelLogEntry.objects.filter(object_id=str(certificate.pk), action="certificates.issue").exists()
    # The dashboard now offers the files.
    page = student_client.get(reverse("dashboard")).content.decode()
    assert reverse("certificate_pdf", args=[certificate.code]) in page


@pytest.mark.parametrize(
    ("name", "latin", "message"),
    [
        ("", "Nguyen Van Anh", "This field is required"),
        ("Нгуен Ван Ань", "Нгуен Ван Ань", "Latin letters only"),
        ("Нгуен Ван Ань", "   ", "This field is required"),
    ],
)
def test_a_name_that_cannot_be_printed_is_refused_and_nothing_changes(student_client, completed, name, latin, message):
    response = student_client.post(reverse("certificate_name"), {"name": name, "name_latin": latin, "confirm": "on"})
    assert response.status_code == 200 and message in response.content.decode()
    assert not HolderName.objects.exists()
    assert Certificate.objects.get(enrolment=completed).status == CertificateStatus.AWAITING_NAME


def test_the_name_form_suggests_a_transliteration(student_client, student):
    student.first_name, student.last_name, student.name_native = "", "", "Алексей Смирнов"
    student.save()
    page = student_client.get(reverse("certificate_name")).content.decode()
    assert 'value="Алексей Смирнов"' in page and 'value="Aleksey Smirnov"' in page


def test_rendering_twice_issues_once(student, completed):
    holder_name_confirm(user=student, name="Amina Diallo", name_latin="Amina Diallo")
    certificate = Certificate.objects.get(enrolment=completed)
    assert certificate_render(certificate_id=certificate.pk) is True
    assert certificate_render(certificate_id=certificate.pk) is False
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED
    stored = [name for name in certificate.pdf.storage.listdir("certificates")[1] if certificate.code in name]
    assert stored == [f"{certificate.code}.pdf"]


def test_a_student_who_confirmed_earlier_gets_the_certificate_without_asking(student, enrolment, modules):
    holder_name_confirm(user=student, name="Amina Diallo", name_latin="Amina Diallo")
    _complete(student, modules)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == CertificateStatus.PENDING and certificate.holder_name == "Amina Diallo"


def test_the_sweep_issues_a_completion_left_without_certificate(student, course, django_capture_on_commit_callbacks):
    from django.utils import timezone

    holder_name_confirm(user=student, name="Amina Diallo", name_latin="Amina Diallo")
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    enrolment = EnrolmentFactory(
        user=student, course=course, status=EnrolmentStatus.COMPLETED, status_changed_at=long_ago
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = certificates_sweep()
    assert counts["created"] == 1
    assert Certificate.objects.get(enrolment=enrolment).status == CertificateStatus.ISSUED
    # Run again: nothing more to do.
    assert certificates_sweep()["created"] == 0


def test_a_reissue_makes_a_new_code_and_the_old_one_shows_replaced(student, completed, manager):
    holder_name_confirm(user=student, name="Amina Diallo", name_latin="Amina Diallo")
    old = Certificate.objects.get(enrolment=completed)
    certificate_render(certificate_id=old.pk)
    holder_name_confirm(user=student, name="Amina B. Diallo", name_latin="Amina B. Diallo")
    new = certificate_reissue(certificate_id=old.pk, actor=manager)
    old.refresh_from_db()
    assert old.status == CertificateStatus.REPLACED and new.code != old.code and new.replaces_id == old.pk
    assert new.holder_name == "Amina B. Diallo"
    with pytest.raises(CertificateRefused):
        certificate_reissue(certificate_id=old.pk, actor=manager)
    # A revoked certificate stays revoked: no reissue hides it.
    from certificates.services import certificate_revoke

    certificate_render(certificate_id=new.pk)
    certificate_revoke(certificate_id=new.pk, actor=manager, reason="Fraud.")
    with pytest.raises(CertificateRefused, match="revoked"):
        certificate_reissue(certificate_id=new.pk, actor=manager)
    assert Certificate.objects.get(pk=new.pk).status == CertificateStatus.REVOKED
    assert ModelLogEntry.objects.filter(object_id=str(new.pk), action="certificates.reissue", user=manager).exists()


def test_the_printed_score_is_the_mean_of_the_best_percent_on_each_required_assessment(student, course, enrolment):
    from django.utils import timezone

    from assessments.models import Attempt, AttemptStatus

    first = AssessmentFactory(course=course, title="Final", is_required=True)
    second = AssessmentFactory(course=course, title="Essay", is_required=True)
    optional = AssessmentFactory(course=course, title="Practice", is_required=False)
    now = timezone.now()
    for number, (assessment, percent) in enumerate(
        [(first, "60"), (first, "90"), (second, "70"), (optional, "10")], start=1
    ):
        Attempt.objects.create(
            assessment=assessment,
            user=student,
            enrolment=enrolment,
            number=number,
            status=AttemptStatus.GRADED,
            started_at=now,
            max_score=10,
            score=Decimal(percent) / 10,
            percent=Decimal(percent),
            passed=True,
            graded_at=now,
            submitted_at=now,
        )
    assert enrolment_score(enrolment) == Decimal("80.00")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_callers_at_once_make_one_certificate(student, course):
    enrolment = EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.COMPLETED)
    barrier = threading.Barrier(4)
    made, errors = [], []

    def create():
        try:
            barrier.wait()
            made.append(certificate_for_enrolment_create(enrolment=enrolment)[1])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(made) == [False, False, False, True]
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_issuing_for_a_cohort_takes_the_same_queries_for_5_or_25_students(course, manager):
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from certificates.services import cohort_certificates_issue
    from courses.models import Cohort
    from lms.accounts.factories import UserFactory

    def cohort_of(size: int, name: str) -> Cohort:
        today = timezone.localdate()
        cohort = Cohort.objects.create(course=course, name=name, starts_on=today, ends_on=today)
        for n in range(size):
            user = UserFactory(email=f"{name}.{n}@example.org")
            HolderName.objects.create(user=user, name=f"Name {n}", name_latin=f"Name {n}", confirmed_at=timezone.now())
            EnrolmentFactory(user=user, course=course, cohort=cohort, status=EnrolmentStatus.COMPLETED)
        return cohort

    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Certificate)  # cached per process after the first call
    counts = []
    for size, name in ((5, "small"), (25, "large")):
        cohort = cohort_of(size, name)
        with CaptureQueriesContext(connection) as queries:
            assert cohort_certificates_issue(cohort=cohort, actor=manager)["created"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_course_prints_with_its_chosen_template_else_the_default(student, course, other_course):
    from certificates.models import CertificateTemplate, CourseCertificate
    from certificates.selectors import template_for_course

    default = CertificateTemplate.objects.get(is_default=True)
    chosen = CertificateTemplate.objects.create(
        name="Bilingual EN/FR",
        second_language="fr",
        second_title="Certificat",
        second_wording="{holder} a suivi le cours {course}.",
    )
    CourseCertificate.objects.create(course=course, template=chosen)
    assert template_for_course(course) == chosen and template_for_course(other_course) == default
    holder_name_confirm(user=student, name="Amina Diallo", name_latin="Amina Diallo")
    enrolment = EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.COMPLETED)
    certificate, _made = certificate_for_enrolment_create(enrolment=enrolment)
    assert certificate.template == chosen
    assert certificate_render(certificate_id=certificate.pk)
    from tests.certificates.conftest import pdf_text

    certificate.refresh_from_db()
    assert "Amina Diallo a suivi le cours" in pdf_text(certificate.pdf.read())


def test_a_file_left_by_a_render_killed_before_issuing_is_removed_by_the_next_render(
    student, completed, django_capture_on_commit_callbacks
):
    """A worker killed between storing the PDF and marking it issued leaves a file no row names."""
    holder_name_confirm(user=student, name="Amina Diallo", name_latin="Amina Diallo")
    certificate = Certificate.objects.get(enrolment=completed)
    storage = certificate.pdf.storage
    orphan = storage.save(f"certificates/{certificate.code}.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf.name != orphan and storage.exists(certificate.pdf.name)
    assert not storage.exists(orphan), "the killed render's file is not kept beside the issued one"
