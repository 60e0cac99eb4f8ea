"""A valid certificate issued without a file (as ``seed_demo --history`` makes them) is rendered the
first time its holder or a program manager's cohort archive asks for it, once, and kept."""

import csv
import datetime
import hashlib
import io
import os
import threading
import zipfile
from unittest import mock

from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from certificates import services
from certificates.credentials import credential_verify
from certificates.models import Certificate, CertificateStatus, HolderName
from certificates.services import certificate_for_enrolment_create, certificate_revoke
from certificates.signing import pdf_verify
from courses.factories import CohortFactory, EnrolmentFactory
from courses.models import EnrolmentStatus
from lms.accounts.factories import UserFactory
from lms.accounts.models import ManagerScope

pytestmark = pytest.mark.django_db

ISSUED_ON = datetime.date(2025, 3, 14)
FILES_MAKE = services.certificate_files_make  # the real rendering, for the spies below


def issued_without_file(user, course, cohort=None, *, name="Amina Diallo") -> Certificate:
    """Issued in the past with no PDF and no credential, the way the demo's history leaves it: made
    while waiting for the name (so nothing is queued), then the name recorded and the row marked issued."""
    enrolment = EnrolmentFactory(user=user, course=course, cohort=cohort, status=EnrolmentStatus.COMPLETED)
    certificate, _made = certificate_for_enrolment_create(enrolment=enrolment)
    issued_at = timezone.make_aware(datetime.datetime.combine(ISSUED_ON, datetime.time(10)))
    HolderName.objects.create(user=user, name=name, name_latin=name, confirmed_at=issued_at)
    Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.AWAITING_NAME).update(
        status=CertificateStatus.ISSUED,
        holder_name=name,
        holder_name_latin=name,
        issued_at=issued_at,
        notified_at=issued_at,
        updated_at=issued_at,
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED and not certificate.pdf and certificate.credential is None
    return certificate


@pytest.fixture
def cohort(course):
    return CohortFactory(course=course, name="Spring intake")


@pytest.fixture
def unrendered(student, course, cohort):
    return issued_without_file(student, course, cohort)


@pytest.fixture
def renders():
    """Counts the renderings (the real ones still run)."""
    with mock.patch.object(services, "certificate_files_make", wraps=FILES_MAKE) as spy:
        yield spy


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


def _pdf(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def _stored_files(code: str) -> list[str]:
    folder = os.path.join(str(settings.PRIVATE_MEDIA_ROOT), "certificates")
    return sorted(name for name in os.listdir(folder) if name.startswith(code)) if os.path.isdir(folder) else []


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.streaming
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _manifest(archive) -> dict:
    rows = csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig")))
    return {row["Code"]: row for row in rows}


def test_the_holder_gets_a_signed_pdf_on_first_request_and_the_same_file_after(student_client, unrendered, renders):
    url = reverse("certificate_pdf", args=[unrendered.code])
    first = _pdf(student_client.get(url))
    report = pdf_verify(first)
    assert report.ok, report.problems
    assert report.code == unrendered.code and report.holder_name_latin == "Amina Diallo"
    assert report.issued_on == ISSUED_ON  # printed with its own issue date, not today's
    assert _pdf(student_client.get(url)) == first
    assert renders.call_count == 1

    stored = Certificate.objects.get(pk=unrendered.pk)
    assert stored.status == CertificateStatus.ISSUED and stored.issued_at == unrendered.issued_at
    assert stored.pdf_sha256 == hashlib.sha256(first).hexdigest() and stored.pdf_size == len(first)
    assert stored.render_error == "" and stored.notified_at == unrendered.notified_at
    assert _stored_files(unrendered.code) == [os.path.basename(stored.pdf.name)]
    assert mail.outbox == []  # issued long ago: nobody is emailed again
    # The audit trail says when the file was made, and which file (once: the second request made none).
    from wagtail.models import ModelLogEntry

    made = ModelLogEntry.objects.filter(object_id=str(stored.pk), action="certificates.files")
    assert [entry.data for entry in made] == [{"sha256": stored.pdf_sha256}]

    credential = student_client.get(reverse("certificate_credential", args=[unrendered.code]))
    assert credential.status_code == 200
    credential_verify(credential.json())
    assert credential.json() == stored.credential
    assert renders.call_count == 1


def test_asking_for_the_credential_first_renders_the_pdf_it_belongs_to(student_client, unrendered, renders):
    credential = student_client.get(reverse("certificate_credential", args=[unrendered.code]))
    assert credential.status_code == 200
    credential_verify(credential.json())
    pdf = _pdf(student_client.get(reverse("certificate_pdf", args=[unrendered.code])))
    assert pdf_verify(pdf).ok
    assert renders.call_count == 1
    assert Certificate.objects.get(pk=unrendered.pk).credential == credential.json()


def test_the_dashboard_offers_the_files_and_they_work(student_client, unrendered):
    page = student_client.get(reverse("dashboard")).content.decode()
    url = reverse("certificate_pdf", args=[unrendered.code])
    assert url in page
    assert pdf_verify(_pdf(student_client.get(url))).ok


def test_someone_else_is_refused_and_nothing_is_rendered(client, other_student, unrendered, renders):
    client.force_login(other_student)
    for name in ("certificate_pdf", "certificate_credential"):
        assert client.get(reverse(name, args=[unrendered.code])).status_code == 404
    client.logout()
    response = client.get(reverse("certificate_pdf", args=[unrendered.code]))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert renders.call_count == 0
    assert not Certificate.objects.get(pk=unrendered.pk).pdf


def test_a_revoked_certificate_is_never_rendered(student_client, manager_client, unrendered, manager, cohort, renders):
    certificate_revoke(certificate_id=unrendered.pk, actor=manager, reason="Completion recorded in error.")
    for name in ("certificate_pdf", "certificate_credential"):
        assert student_client.get(reverse(name, args=[unrendered.code])).status_code == 404
    archive = _zip(manager_client.get(f"/admin/certificates/cohort/{cohort.pk}/certificates.zip"))
    assert archive.namelist() == ["manifest.csv"]
    assert _manifest(archive)[unrendered.code]["File"] == ""
    assert renders.call_count == 0
    assert not Certificate.objects.get(pk=unrendered.pk).pdf
    assert services.certificate_files_ensure(certificate_id=unrendered.pk) is None


def test_a_revocation_during_the_rendering_keeps_no_file(student, course, manager, django_capture_on_commit_callbacks):
    certificate = issued_without_file(student, course)

    def render_then_revoked(current):
        made = FILES_MAKE(current)
        certificate_revoke(certificate_id=certificate.pk, actor=manager, reason="Issued in error.")
        return made

    with (
        mock.patch.object(services, "certificate_files_make", side_effect=render_then_revoked),
        django_capture_on_commit_callbacks(execute=True),  # its file is removed once that commits
    ):
        assert services.certificate_files_ensure(certificate_id=certificate.pk) is None
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and not certificate.pdf
    assert _stored_files(certificate.code) == []


def test_the_public_check_answers_without_a_file_and_renders_nothing(client, unrendered, renders):
    page = client.get(reverse("certificate_verify", args=[unrendered.code]))
    assert page.status_code == 200 and "Amina Diallo" in page.content.decode()
    facts = client.get(f"/verify/{unrendered.code}.json").json()
    assert facts["status"] == "valid" and facts["issued_on"] == ISSUED_ON.isoformat()
    assert renders.call_count == 0


def test_a_failed_rendering_asks_to_try_again_and_is_shown_to_the_admin(student_client, manager_client, unrendered):
    url = reverse("certificate_pdf", args=[unrendered.code])
    with mock.patch.object(services, "certificate_files_make", side_effect=OSError("disk full")):
        response = student_client.get(url)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "could not be prepared just now" in response.content.decode()
    assert Certificate.objects.get(pk=unrendered.pk).render_error == "OSError: disk full"
    detail = manager_client.get(f"/admin/certificates/{unrendered.pk}/").content.decode()
    assert "OSError: disk full" in detail and "tried again when someone next downloads it" in detail
    # The next request renders it; the error is cleared.
    assert pdf_verify(_pdf(student_client.get(url))).ok
    assert Certificate.objects.get(pk=unrendered.pk).render_error == ""


# A program manager's cohort archive ----------------------------------------------------------


def test_the_cohort_zip_renders_them_and_the_holder_then_gets_the_same_file(
    manager_client, student_client, unrendered, cohort, renders
):
    zip_url = f"/admin/certificates/cohort/{cohort.pk}/certificates.zip"
    first = _zip(manager_client.get(zip_url))
    name = f"Amina-Diallo_{unrendered.code}.pdf"
    assert set(first.namelist()) == {"manifest.csv", name}
    assert pdf_verify(first.read(name)).ok
    row = _manifest(first)[unrendered.code]
    assert row["Status"] == "Valid" and row["File"] == name and row["Note"] == ""
    assert row["Issued"] == ISSUED_ON.isoformat()

    second = _zip(manager_client.get(zip_url))
    assert second.read(name) == first.read(name)
    assert _pdf(student_client.get(reverse("certificate_pdf", args=[unrendered.code]))) == first.read(name)
    assert renders.call_count == 1


def test_the_cohort_zip_renders_a_limited_number_each_time_and_lists_the_rest(
    manager_client, course, cohort, renders, monkeypatch
):
    from certificates.wagtail_admin import certificates as admin

    monkeypatch.setattr(admin, "ZIP_RENDER_LIMIT", 1)
    first_one = issued_without_file(UserFactory(first_name="Ana", last_name="Silva"), course, cohort, name="Ana Silva")
    second_one = issued_without_file(UserFactory(first_name="Bo", last_name="Lind"), course, cohort, name="Bo Lind")
    zip_url = f"/admin/certificates/cohort/{cohort.pk}/certificates.zip"

    archive = _zip(manager_client.get(zip_url))
    rows = _manifest(archive)
    assert set(archive.namelist()) == {"manifest.csv", f"Ana-Silva_{first_one.code}.pdf"}
    assert rows[second_one.code]["File"] == "" and "not rendered yet" in rows[second_one.code]["Note"]
    assert renders.call_count == 1

    archive = _zip(manager_client.get(zip_url))
    assert set(archive.namelist()) == {
        "manifest.csv",
        f"Ana-Silva_{first_one.code}.pdf",
        f"Bo-Lind_{second_one.code}.pdf",
    }
    assert all(row["Note"] == "" for row in _manifest(archive).values())
    assert renders.call_count == 2


def test_the_cohort_zip_stops_rendering_once_its_time_budget_is_spent(
    manager_client, course, cohort, renders, monkeypatch
):
    """A slow rendering (a cold worker) uses up the download's time: the rest wait for the next download."""
    import time

    from certificates.wagtail_admin import certificates as admin

    assert admin.ZIP_RENDER_LIMIT == 20 and admin.ZIP_RENDER_SECONDS <= 10
    monkeypatch.setattr(admin, "ZIP_RENDER_SECONDS", 0.2)

    def slow(certificate):
        time.sleep(0.3)
        return FILES_MAKE(certificate)

    renders.side_effect = slow
    names = ("Ana Silva", "Bo Lind", "Cy Tran")
    made = [
        issued_without_file(UserFactory(first_name=n.split()[0], last_name=n.split()[1]), course, cohort, name=n)
        for n in names
    ]
    zip_url = f"/admin/certificates/cohort/{cohort.pk}/certificates.zip"

    archive = _zip(manager_client.get(zip_url))
    rows = _manifest(archive)
    assert set(archive.namelist()) == {"manifest.csv", f"Ana-Silva_{made[0].code}.pdf"}
    assert renders.call_count == 1
    for certificate in made[1:]:
        assert rows[certificate.code]["File"] == "" and "not rendered yet" in rows[certificate.code]["Note"]

    archive = _zip(manager_client.get(zip_url))
    assert len(archive.namelist()) == 3 and renders.call_count == 2


def test_a_scoped_manager_archive_holds_only_their_students(client, manager, course, cohort, renders):
    ManagerScope.objects.create(user=manager, countries=["KE"])
    theirs = issued_without_file(UserFactory(country="KE"), course, cohort, name="Wanjiru Kamau")
    other = issued_without_file(UserFactory(country="GH"), course, cohort, name="Kwame Mensah")
    client.force_login(manager)
    archive = _zip(client.get(f"/admin/certificates/cohort/{cohort.pk}/certificates.zip"))
    assert set(archive.namelist()) == {"manifest.csv", f"Wanjiru-Kamau_{theirs.code}.pdf"}
    assert set(_manifest(archive)) == {theirs.code}
    assert renders.call_count == 1
    assert not Certificate.objects.get(pk=other.pk).pdf


# Concurrent first requests ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_first_requests_at_once_store_one_file_and_all_get_it(student, course):
    certificate = issued_without_file(student, course)
    clients = 4
    rendered = threading.Barrier(clients)

    def render_and_wait(current):
        # Every request renders before any keeps its result: the race on keeping it is certain.
        made = FILES_MAKE(current)
        rendered.wait(timeout=60)
        return made

    def download():
        try:
            client = Client()
            client.force_login(student)
            response = client.get(reverse("certificate_pdf", args=[certificate.code]))
            return response.status_code, b"".join(response.streaming_content)
        finally:
            connection.close()

    results = [None] * clients
    start = threading.Barrier(clients)

    def run(index):
        try:
            start.wait(timeout=30)
            results[index] = download()
        except Exception as error:
            results[index] = error

    with mock.patch.object(services, "certificate_files_make", side_effect=render_and_wait) as spy:
        threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert spy.call_count == clients
    assert all(isinstance(result, tuple) and result[0] == 200 for result in results), results
    bodies = {body for _status, body in results}
    assert len(bodies) == 1
    stored = Certificate.objects.get(pk=certificate.pk)
    assert stored.pdf_sha256 == hashlib.sha256(bodies.pop()).hexdigest()
    assert _stored_files(certificate.code) == [os.path.basename(stored.pdf.name)]
