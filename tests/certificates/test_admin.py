"""The certificate screens of the Wagtail admin: list and scoping, detail and history, revoke,
reissue, issuing for a cohort, a cohort's ZIP, and the audit log."""

import csv
import hashlib
import io
import tracemalloc
import zipfile

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

import pytest

from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_for_enrolment_create, holder_name_confirm
from courses.factories import CohortFactory, EnrolmentFactory
from courses.models import EnrolmentStatus
from lms.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/certificates/"
COHORT = "/admin/certificates/cohort/"


def _rendering_landed() -> bool:
    """Whether the real PDF pipeline (certificates.rendering and .signing) is committed and importable."""
    import importlib.util

    return all(importlib.util.find_spec(f"certificates.{name}") for name in ("rendering", "signing"))


def certificate_issued(enrolment, *, name=None, latin=None, pdf=None) -> Certificate:
    """The completed enrolment's certificate, issued through the services.

    The PDF is rendered and signed for real (``certificate_render``) unless the test
    gives its own bytes (large files for the memory test) or the pipeline is missing.
    """
    from certificates.facts import enrolment_certified_refresh
    from certificates.services import certificate_render

    user = enrolment.user
    latin = latin or user.get_full_name() or "Amina Diallo"
    holder_name_confirm(user=user, name=name or latin, name_latin=latin)
    certificate, _made = certificate_for_enrolment_create(enrolment=enrolment)
    if pdf is None and _rendering_landed():
        certificate_render(certificate_id=certificate.pk)
    else:
        data = pdf or b"%PDF-1.7\n% a certificate for the tests\n%%EOF\n"
        stored = certificate.pdf.storage.save(f"certificates/{certificate.code}.pdf", ContentFile(data))
        now = timezone.now()
        Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.PENDING).update(
            status=CertificateStatus.ISSUED,
            issued_at=now,
            pdf=stored,
            pdf_sha256=hashlib.sha256(data).hexdigest(),
            pdf_size=len(data),
            credential={"type": ["VerifiableCredential"]},
        )
        # As certificate_render does after its own UPDATE.
        enrolment_certified_refresh(enrolment_ids=[certificate.enrolment_id])
        log(instance=certificate, action="certificates.issue", user=None)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED
    return certificate


def _completed(user, course, cohort=None):
    return EnrolmentFactory(user=user, course=course, cohort=cohort, status=EnrolmentStatus.COMPLETED)


def _denied(response):
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _codes(response):
    assert response.status_code == 200
    return {certificate.code for certificate in response.context["object_list"]}


def _messages(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def cohort(course):
    return CohortFactory(course=course, name="Spring intake")


@pytest.fixture
def issued(student, course, cohort):
    """Amina's certificate on the instructor's course, in the cohort."""
    student.first_name, student.last_name = "Amina", "Diallo"
    student.save()
    return certificate_issued(_completed(student, course, cohort))


@pytest.fixture
def others(other_student, other_course):
    """Another course's certificate, for another instructor."""
    other_student.first_name, other_student.last_name = "Kofi", "Mensah"
    other_student.save()
    return certificate_issued(_completed(other_student, other_course))


# The list -----------------------------------------------------------------------------------


def test_managers_see_every_certificate_and_instructors_only_their_courses(
    client, manager, admin_user, instructor, other_instructor, issued, others
):
    for person, expected in (
        (manager, {issued.code, others.code}),
        (admin_user, {issued.code, others.code}),
        (instructor, {issued.code}),
        (other_instructor, {others.code}),
    ):
        client.force_login(person)
        assert _codes(client.get(LIST)) == expected, person.email


def test_students_cannot_open_the_certificate_screens(student_client, issued):
    for url in (LIST, f"{LIST}{issued.pk}/", COHORT):
        assert _denied(student_client.get(url)), url


def test_the_list_filters_by_course_cohort_and_status_and_searches_code_and_holder(
    manager_client, issued, others, manager, course
):
    revoked = certificate_issued(_completed(UserFactory(first_name="Lena", last_name="Novak"), course))
    manager_client.post(f"{LIST}{revoked.pk}/revoke/", {"reason": "Issued in error."})
    assert _codes(manager_client.get(LIST, {"course": course.pk})) == {issued.code, revoked.code}
    assert _codes(manager_client.get(LIST, {"cohort": issued.enrolment.cohort_id})) == {issued.code}
    assert _codes(manager_client.get(LIST, {"status": "revoked"})) == {revoked.code}
    assert _codes(manager_client.get(LIST, {"status": "issued"})) == {issued.code, others.code}
    # A code as a verifier would type it, a part of one, a holder's name.
    assert _codes(manager_client.get(LIST, {"q": issued.code.lower().replace("-", " ")})) == {issued.code}
    assert _codes(manager_client.get(LIST, {"q": others.code[:9]})) == {others.code}
    assert _codes(manager_client.get(LIST, {"q": "mensah"})) == {others.code}
    assert _codes(manager_client.get(LIST, {"q": "amina diallo"})) == {issued.code}
    assert _codes(manager_client.get(f"{LIST}results/", {"q": "nobody"})) == set()


def test_an_instructor_is_never_offered_another_courses_filters(client, instructor, issued, others, other_course):
    client.force_login(instructor)
    response = client.get(LIST)
    course_choices = [str(choice) for choice in response.context["filters"].form.fields["course"].queryset]
    assert course_choices == [issued.course.title]
    # Asking for the other course by its id shows nothing of it.
    assert _codes(client.get(LIST, {"course": other_course.pk})) in (set(), {issued.code})
    assert others.code not in client.get(LIST, {"course": other_course.pk}).content.decode()


# One certificate ------------------------------------------------------------------------------


def test_an_instructor_reads_their_courses_certificate_without_any_action(client, instructor, issued, others):
    client.force_login(instructor)
    page = client.get(f"{LIST}{issued.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert issued.code in html and "Revoke" not in html and "Reissue" not in html
    assert _denied(client.get(f"{LIST}{others.pk}/"))
    assert client.get(f"{LIST}999999/").status_code == 404


def test_an_instructor_can_neither_revoke_reissue_issue_nor_download(client, instructor, issued, cohort):
    client.force_login(instructor)
    for url in (f"{LIST}{issued.pk}/revoke/", f"{LIST}{issued.pk}/reissue/", f"{COHORT}{cohort.pk}/issue/"):
        assert _denied(client.post(url, {"reason": "Because."})), url
    assert _denied(client.get(f"{COHORT}{cohort.pk}/certificates.zip"))
    assert _denied(client.get(COHORT))
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.ISSUED


# Revoking -----------------------------------------------------------------------------------


def test_revoking_needs_a_reason_and_asks_first(manager_client, issued):
    url = f"{LIST}{issued.pk}/revoke/"
    confirmation = manager_client.get(url)
    assert confirmation.status_code == 200 and "Yes, revoke" in confirmation.content.decode()
    refused = manager_client.post(url, {"reason": "   "})
    assert refused.status_code == 200
    assert "Give a reason" in refused.content.decode()
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.ISSUED


def test_revoking_shows_publicly_with_date_and_reason_and_cannot_happen_twice(manager_client, manager, issued, client):
    response = manager_client.post(f"{LIST}{issued.pk}/revoke/", {"reason": "Plagiarised final essay."}, follow=True)
    assert any("is revoked" in message for message in _messages(response))
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.REVOKED and issued.revoked_by == manager
    first_revoked_at = issued.revoked_at

    public = Client().get(f"/verify/{issued.code}/").content.decode()
    assert "Revoked on" in public and "Plagiarised final essay." in public
    assert timezone.localdate(first_revoked_at).strftime("%Y") in public

    again = manager_client.post(f"{LIST}{issued.pk}/revoke/", {"reason": "Twice."}, follow=True)
    assert any("was not revoked" in message and "already revoked" in message for message in _messages(again))
    issued.refresh_from_db()
    assert issued.revoked_at == first_revoked_at and issued.revoke_reason == "Plagiarised final essay."


def test_a_revoked_certificate_is_no_longer_downloadable(student, manager_client, issued):
    client = Client()
    client.force_login(student)
    assert client.get(f"/dashboard/certificates/{issued.code}/certificate.pdf").status_code == 200
    manager_client.post(f"{LIST}{issued.pk}/revoke/", {"reason": "Issued in error."})
    assert client.get(f"/dashboard/certificates/{issued.code}/certificate.pdf").status_code == 404
    assert client.get(f"/dashboard/certificates/{issued.code}/credential.json").status_code == 404


def test_actions_need_the_csrf_token(manager, issued, cohort):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    for url in (f"{LIST}{issued.pk}/revoke/", f"{LIST}{issued.pk}/reissue/", f"{COHORT}{cohort.pk}/issue/"):
        assert strict.post(url, {"reason": "No token."}).status_code == 403, url
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.ISSUED and Certificate.objects.count() == 1


# Reissuing ----------------------------------------------------------------------------------


def test_reissuing_makes_a_new_code_and_the_old_one_shows_replaced(manager_client, issued, student):
    confirmation = manager_client.get(f"{LIST}{issued.pk}/reissue/")
    assert confirmation.status_code == 200 and "Yes, reissue" in confirmation.content.decode()
    assert Certificate.objects.count() == 1  # asking changed nothing

    response = manager_client.post(f"{LIST}{issued.pk}/reissue/", follow=True)
    new = Certificate.objects.exclude(pk=issued.pk).get()
    assert new.code != issued.code and new.replaces_id == issued.pk and new.enrolment_id == issued.enrolment_id
    assert new.status in (CertificateStatus.PENDING, CertificateStatus.ISSUED)
    assert response.redirect_chain[-1][0] == f"{LIST}{new.pk}/"
    assert any(new.code in message and issued.code in message for message in _messages(response))
    issued.refresh_from_db()
    assert issued.status == CertificateStatus.REPLACED

    public = Client().get(f"/verify/{issued.code}/").content.decode()
    assert "Replaced on" in public
    again = manager_client.post(f"{LIST}{issued.pk}/reissue/", follow=True)
    assert any("already replaced" in message for message in _messages(again))
    assert Certificate.objects.count() == 2


# A cohort -----------------------------------------------------------------------------------


@pytest.fixture
def cohort_roster(course, other_course, cohort):
    """In the cohort: two completions without a certificate (one name confirmed), one student
    still active; elsewhere: a completion of another cohort."""
    named = UserFactory(first_name="Ana", last_name="Silva")
    holder_name_confirm(user=named, name="Ana Silva", name_latin="Ana Silva")
    unnamed = UserFactory(first_name="Omar", last_name="Haddad")
    done = [_completed(named, course, cohort), _completed(unnamed, course, cohort)]
    active = EnrolmentFactory(user=UserFactory(), course=course, cohort=cohort)
    elsewhere = _completed(UserFactory(), course, CohortFactory(course=course, name="Autumn intake"))
    # The signal makes certificates on completion; here the completions came without it.
    return {"done": done, "active": active, "elsewhere": elsewhere}


def test_the_cohort_screen_shows_where_the_cohort_stands(manager_client, cohort_roster, cohort):
    page = manager_client.get(COHORT, {"cohort": cohort.pk})
    assert page.status_code == 200
    counts = page.context["counts"]
    assert counts["completed"] == 2 and counts["without_certificate"] == 2 and counts["issued"] == 0
    assert "Issue certificates for this cohort" in page.content.decode()
    assert manager_client.get(COHORT).status_code == 200  # no cohort chosen yet


def test_issuing_for_a_cohort_covers_its_completions_only_and_twice_changes_nothing(
    manager_client, manager, cohort_roster, cohort
):
    response = manager_client.post(f"{COHORT}{cohort.pk}/issue/", follow=True)
    made = Certificate.objects.filter(enrolment__cohort=cohort)
    assert {c.enrolment_id for c in made} == {e.pk for e in cohort_roster["done"]}
    assert not Certificate.objects.filter(enrolment=cohort_roster["elsewhere"]).exists()
    assert not Certificate.objects.filter(enrolment=cohort_roster["active"]).exists()
    assert sorted(made.values_list("status", flat=True)) == ["awaiting_name", "pending"]
    assert any("2 new certificates" in message for message in _messages(response))
    assert ModelLogEntry.objects.filter(action="certificates.bulk_issue", user=manager).count() == 2

    again = manager_client.post(f"{COHORT}{cohort.pk}/issue/", follow=True)
    assert Certificate.objects.filter(enrolment__cohort=cohort).count() == 2
    assert any("0 new certificates" in message for message in _messages(again))
    assert ModelLogEntry.objects.filter(action="certificates.bulk_issue").count() == 2


def test_a_cohort_for_nobody_is_a_404(manager_client):
    assert manager_client.post(f"{COHORT}999999/issue/").status_code == 404
    assert manager_client.get(f"{COHORT}999999/certificates.zip").status_code == 404


# The ZIP ------------------------------------------------------------------------------------


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_cohort_zip_holds_its_valid_pdfs_and_a_manifest_safe_for_spreadsheets(
    manager_client, course, cohort, issued, others
):
    formula = certificate_issued(
        _completed(UserFactory(first_name="=HYPERLINK(evil)", last_name="X"), course, cohort),
        name='=HYPERLINK("http://evil")',
        latin="@SUM(1+1)",
    )
    revoked = certificate_issued(_completed(UserFactory(first_name="Lena", last_name="Novak"), course, cohort))
    manager_client.post(f"{LIST}{revoked.pk}/revoke/", {"reason": "Issued in error."})
    archive = _zip(manager_client.get(f"{COHORT}{cohort.pk}/certificates.zip"))

    names = sorted(archive.namelist())
    assert names == sorted(["manifest.csv", f"Amina-Diallo_{issued.code}.pdf", f"SUM-1-1_{formula.code}.pdf"]), names
    assert archive.testzip() is None
    for certificate in (issued, formula):
        pdf = next(n for n in names if certificate.code in n)
        assert hashlib.sha256(archive.read(pdf)).hexdigest() == certificate.pdf_sha256

    manifest = archive.read("manifest.csv").decode("utf-8-sig")
    rows = {row["Code"]: row for row in csv.DictReader(io.StringIO(manifest))}
    assert set(rows) == {issued.code, formula.code, revoked.code}  # not the other course's
    assert rows[formula.code]["Holder"] == '\'=HYPERLINK("http://evil")'
    assert rows[formula.code]["Holder (Latin script)"] == "'@SUM(1+1)"
    assert rows[issued.code]["Status"] == "Valid" and rows[issued.code]["File"] == f"Amina-Diallo_{issued.code}.pdf"
    assert rows[issued.code]["Verification URL"].endswith(f"/verify/{issued.code}/")
    assert rows[revoked.code]["Status"] == "Revoked" and rows[revoked.code]["File"] == ""
    assert rows[issued.code]["Course"] == issued.course_title
    for text in rows[issued.code].values():
        assert not text.startswith(("=", "+", "-", "@"))


def test_the_cohort_zip_streams_with_flat_memory(manager_client, course, cohort):
    size = 512 * 1024
    for number in range(12):
        enrolment = _completed(UserFactory(first_name=f"Student{number}", last_name="Test"), course, cohort)
        certificate_issued(enrolment, pdf=b"%PDF-1.7\n" + bytes([number]) * size)
    response = manager_client.get(f"{COHORT}{cohort.pk}/certificates.zip")
    assert response.streaming
    tracemalloc.start()
    try:
        total = 0
        for piece in response.streaming_content:
            total += len(piece)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Six megabytes of PDFs go through, a few hundred kilobytes at a time.
    assert total > 12 * 1024 and peak < 3 * size, (total, peak)


# The audit log ----------------------------------------------------------------------------


def test_issue_revoke_and_reissue_are_in_the_audit_log_with_who_and_when(
    manager_client, manager, student, course, cohort
):
    certificate = certificate_issued(_completed(student, course, cohort))
    manager_client.post(f"{LIST}{certificate.pk}/reissue/")
    new = Certificate.objects.get(replaces=certificate)
    certificate_issued_again = new  # pending, or issued if rendering ran
    manager_client.post(f"{LIST}{new.pk}/revoke/", {"reason": "Wrong course."})

    entries = {
        (entry.action, entry.object_id): entry
        for entry in ModelLogEntry.objects.filter(action__startswith="certificates.")
    }
    assert (("certificates.issue", str(certificate.pk))) in entries
    for action, pk in (
        ("certificates.replace", certificate.pk),
        ("certificates.reissue", certificate_issued_again.pk),
        ("certificates.revoke", new.pk),
    ):
        entry = entries[(action, str(pk))]
        assert entry.user == manager and entry.timestamp is not None, action
    assert entries[("certificates.revoke", str(new.pk))].data["reason"] == "Wrong course."

    # Each certificate's page tells its story; the site history lists it with readable labels.
    page = manager_client.get(f"{LIST}{new.pk}/").content.decode()
    assert "Reason: Wrong course." in page and "In place of: " + certificate.code in page
    assert manager.get_full_name() in page or manager.email in page
    history = manager_client.get("/admin/reports/site-history/")
    assert history.status_code == 200
    html = history.content.decode()
    assert "Certificate revoked" in html and "Certificate reissued" in html


def test_the_detail_links_a_replaced_certificate_and_its_replacement(manager_client, issued):
    manager_client.post(f"{LIST}{issued.pk}/reissue/")
    new = Certificate.objects.get(replaces=issued)
    old_page = manager_client.get(f"{LIST}{issued.pk}/").content.decode()
    assert f"{LIST}{new.pk}/" in old_page and "Reissue" not in old_page.split("History")[0].split("</header>")[-1]
    new_page = manager_client.get(f"{LIST}{new.pk}/").content.decode()
    assert f"{LIST}{issued.pk}/" in new_page


def test_a_revoked_certificate_is_not_reissued_and_stays_revoked_publicly(manager_client, issued):
    manager_client.post(f"{LIST}{issued.pk}/revoke/", {"reason": "Plagiarised final essay."})
    page = manager_client.get(f"{LIST}{issued.pk}/").content.decode()
    assert f"{LIST}{issued.pk}/reissue/" not in page
    response = manager_client.post(f"{LIST}{issued.pk}/reissue/", follow=True)
    assert any("revocation is final" in message for message in _messages(response))
    assert Certificate.objects.count() == 1
    public = Client().get(f"/verify/{issued.code}/").content.decode()
    assert "Revoked on" in public and "Plagiarised final essay." in public
