"""The public check, /verify/: what it shows for each status, as a page and as JSON; what it
never shows; unknown, mistyped and unissued codes answered alike; the rate limit."""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from certificates.codes import code_generate
from certificates.models import Certificate, CertificateStatus
from certificates.services import (
    CertificateRefused,
    certificate_content,
    certificate_for_enrolment_create,
    certificate_reissue,
    certificate_revoke,
)
from courses.factories import CohortFactory, EnrolmentFactory
from courses.models import EnrolmentStatus
from lms.accounts.factories import SponsoringProgramFactory
from tests.certificates.test_admin import certificate_issued

pytestmark = pytest.mark.django_db

PUBLIC_KEYS = {
    "code",
    "status",
    "holder",
    "holder_latin",
    "course",
    "completed_on",
    "issued_on",
    "hours",
    "issuer",
    "revoked_on",
    "revocation_reason",
    "replaced_on",
}


@pytest.fixture
def certificate(student, course):
    """Amina's valid certificate; her account holds more than the check may tell."""
    student.first_name, student.last_name, student.rank = "Amina", "Diallo", "Major"
    student.organisation = "Ministry of Defence"
    student.save()
    program = SponsoringProgramFactory(code="imet", name="IMET")
    cohort = CohortFactory(course=course, name="Spring intake", sponsoring_program=program)
    enrolment = EnrolmentFactory(user=student, course=course, cohort=cohort, status=EnrolmentStatus.COMPLETED)
    issued = certificate_issued(enrolment, name="أمينة ديالو", latin="Amina Diallo")
    Certificate.objects.filter(pk=issued.pk).update(score="87.50")
    issued.refresh_from_db()
    return issued


def _page(code, client=None):
    return (client or Client()).get(f"/verify/{code}/")


def _json(code, client=None):
    return (client or Client()).get(f"/verify/{code}.json")


def _assert_nothing_private(text, certificate):
    holder = certificate.holder
    for private in (holder.email, "87.5", "87,5", "Spring intake", "IMET", "Major", "Ministry of Defence"):
        assert private not in text, private


# Each status -------------------------------------------------------------------------------


def test_a_valid_certificate_shows_status_holder_course_date_hours_and_issuer(certificate, settings):
    response = _page(certificate.code)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid" in html
    for shown in (
        "أمينة ديالو",
        "Amina Diallo",
        certificate.course_title,
        str(certificate.hours),
        settings.CERTIFICATE_ISSUER_NAME,
        certificate.code,
    ):
        assert shown in html, shown
    assert str(certificate.completed_on.year) in html
    _assert_nothing_private(html, certificate)


def test_the_check_is_never_cached_or_indexed_and_works_signed_in_too(certificate, student_client):
    for response in (_page(certificate.code), _json(certificate.code), _page(code_generate())):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        assert "Set-Cookie" not in response or "sessionid" not in str(response.cookies)
    assert '<meta name="robots" content="noindex, nofollow">' in _page(certificate.code).content.decode()
    assert _page(certificate.code, student_client).status_code == 200


def test_a_revoked_certificate_says_so_with_the_date_and_the_reason(certificate, manager):
    certificate_revoke(certificate_id=certificate.pk, actor=manager, reason="Issued in error: course not completed.")
    certificate.refresh_from_db()
    html = _page(certificate.code).content.decode()
    assert "Revoked on" in html and "Issued in error: course not completed." in html
    assert "Valid</strong>" not in html
    data = _json(certificate.code).json()
    assert data["status"] == "revoked"
    assert data["revoked_on"] == certificate.revoked_at.date().isoformat()
    assert data["revocation_reason"] == "Issued in error: course not completed."
    assert manager.email not in html and manager.get_full_name() not in html


def test_a_replaced_certificate_says_so_with_the_date(certificate, manager):
    new = certificate_reissue(certificate_id=certificate.pk, actor=manager)
    certificate.refresh_from_db()
    html = _page(certificate.code).content.decode()
    assert "Replaced on" in html
    assert new.code not in html  # the new code is the holder's to hand out
    data = _json(certificate.code).json()
    assert data["status"] == "replaced" and data["replaced_on"] == certificate.replaced_at.date().isoformat()
    assert data["revoked_on"] is None and data["revocation_reason"] is None


def test_the_json_says_what_the_page_says_and_nothing_more(certificate, settings):
    response = _json(certificate.code)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == PUBLIC_KEYS
    assert data == {
        "code": certificate.code,
        "status": "valid",
        "holder": "أمينة ديالو",
        "holder_latin": "Amina Diallo",
        "course": certificate.course_title,
        "completed_on": certificate.completed_on.isoformat(),
        "issued_on": certificate.issued_at.date().isoformat(),
        "hours": certificate.hours,
        "issuer": settings.CERTIFICATE_ISSUER_NAME,
        "revoked_on": None,
        "revocation_reason": None,
        "replaced_on": None,
    }
    assert "أمينة" in response.content.decode()  # written as text, not \u escapes
    _assert_nothing_private(response.content.decode(), certificate)


def test_the_qr_code_on_the_pdf_points_at_the_check(other_student, course, monkeypatch):
    import qrcode

    encoded = []
    add_data = qrcode.QRCode.add_data

    def spy(self, data, *args, **kwargs):
        encoded.append(data)
        return add_data(self, data, *args, **kwargs)

    monkeypatch.setattr(qrcode.QRCode, "add_data", spy)
    enrolment = EnrolmentFactory(user=other_student, course=course, status=EnrolmentStatus.COMPLETED)
    certificate = certificate_issued(enrolment, latin="Kofi Mensah")
    url = f"http://testserver/verify/{certificate.code}/"
    assert certificate_content(certificate).verify_url == url
    assert url in encoded
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200


# Unknown, mistyped, not yet issued ---------------------------------------------------------------


@pytest.fixture
def unissued(other_student, course):
    enrolment = EnrolmentFactory(user=other_student, course=course, status=EnrolmentStatus.COMPLETED)
    waiting, _made = certificate_for_enrolment_create(enrolment=enrolment)
    assert waiting.status == CertificateStatus.AWAITING_NAME
    return waiting


def _mistyped(code: str) -> str:
    """The code with one symbol changed: the check symbol no longer matches."""
    symbol = "7" if code[0] != "7" else "8"
    return symbol + code[1:]


def test_unknown_mistyped_and_unissued_codes_get_the_same_answer_at_the_same_cost(certificate, unissued):
    codes = {
        "unknown": code_generate(),
        "mistyped": _mistyped(certificate.code),
        "unissued": unissued.code,
        "nonsense": "hello-world",
    }
    pages, queries = {}, {}
    for kind, code in codes.items():
        with CaptureQueriesContext(connection) as captured:
            response = _page(code)
        assert response.status_code == 404, kind
        pages[kind] = response.content.decode().replace(code, "CODE")  # the language switch's "next"
        queries[kind] = len(captured)
        json_response = _json(code)
        assert json_response.status_code == 404 and json_response.json()["error"] == "not_found", kind
    assert len(set(pages.values())) == 1, "the pages differ"
    assert len(set(queries.values())) == 1, queries
    assert "No certificate has this code" in pages["unknown"]
    assert unissued.holder.email not in pages["unissued"]


def test_a_code_typed_loosely_leads_to_its_page(certificate):
    loose = " " + certificate.code.lower().replace("-", " ").replace("1", "l").replace("0", "o") + " "
    response = Client().get("/verify/", {"code": loose})
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.code}/"
    detail = _page(certificate.code.replace("-", "").lower())
    assert detail.status_code == 302 and detail["Location"] == f"/verify/{certificate.code}/"
    assert _json(certificate.code.lower()).json()["code"] == certificate.code


def test_the_lookup_form_catches_what_cannot_be_a_code(db):
    empty = Client().get("/verify/")
    assert empty.status_code == 200 and 'name="code"' in empty.content.decode()
    wrong = Client().get("/verify/", {"code": "ABCD-1234"})
    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert "This is not a certificate code" in html and 'aria-invalid="true"' in html
    assert 'value="ABCD-1234"' in html


def test_every_page_links_to_the_check(db):
    assert 'href="/verify/"' in Client().get(reverse("certificate_verify_lookup")).content.decode()


# The rate limit -----------------------------------------------------------------------------


def test_too_many_checks_from_one_address_get_a_429_page_and_others_are_not_affected(certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE = "5/m"
    busy = Client(REMOTE_ADDR="203.0.113.7")
    answers = [_page(certificate.code, busy).status_code for _ in range(5)]
    assert answers == [200] * 5
    limited = _page(certificate.code, busy)
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    html = limited.content.decode()
    assert "Too many certificate checks" in html and certificate.holder_name not in html
    # The JSON and the lookup share the budget.
    as_json = _json(certificate.code, busy)
    assert as_json.status_code == 429 and as_json.json()["error"] == "rate_limited"
    assert busy.get("/verify/", {"code": certificate.code}).status_code == 429
    # Another address is not held back.
    assert _page(certificate.code, Client(REMOTE_ADDR="198.51.100.4")).status_code == 200


def test_the_429_page_speaks_the_visitors_language(certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE = "1/m"
    client = Client(REMOTE_ADDR="203.0.113.8", HTTP_ACCEPT_LANGUAGE="fr")
    _page(certificate.code, client)
    limited = _page(certificate.code, client)
    assert limited.status_code == 429 and '<html lang="fr"' in limited.content.decode()


def test_unknown_codes_count_against_the_limit_too(db, settings):
    settings.CERTIFICATE_VERIFY_RATE = "3/m"
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    answers = [_page(code_generate(), guesser).status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    assert json.loads(_json(code_generate(), guesser).content)["error"] == "rate_limited"


def test_a_certificate_revoked_before_it_was_issued_is_unknown(unissued, manager):
    certificate_revoke(certificate_id=unissued.pk, actor=manager, reason="Completed by mistake.")
    assert _page(unissued.code).status_code == 404
    assert _json(unissued.code).status_code == 404


def test_a_revocation_cannot_be_hidden_by_a_reissue(certificate, manager):
    certificate_revoke(certificate_id=certificate.pk, actor=manager, reason="Plagiarised final essay.")
    with pytest.raises(CertificateRefused):
        certificate_reissue(certificate_id=certificate.pk, actor=manager)
    data = _json(certificate.code).json()
    assert data["status"] == "revoked" and data["revocation_reason"] == "Plagiarised final essay."
    assert "Revoked on" in _page(certificate.code).content.decode()
