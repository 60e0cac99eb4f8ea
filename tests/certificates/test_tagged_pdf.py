"""Certificates and transcripts are tagged PDFs with a document language, as the holder downloads them.

Read back from the files the dashboard serves: the certificate after its PAdES signature
(an incremental update, which must keep the structure tree and still verify), the
transcript in the interface language of the person asking.
"""

import io

from django.conf import settings
from django.utils import translation

import pytest
from pypdf import PdfReader

from certificates.signing import pdf_verify
from courses.factories import EnrolmentFactory
from tests.certificates.test_admin import certificate_issued

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_restored():
    """A request leaves its language active in the thread; later tests must not inherit it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _roles(reader: PdfReader) -> list[tuple[str, dict]]:
    """Every structure element, in reading order: its role (/S) and the element."""
    found = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return  # a marked-content id: the leaves
        if node.get("/S") is not None:
            found.append((str(node["/S"]), node))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def _assert_tagged(reader: PdfReader, language: str) -> list[str]:
    root = reader.trailer["/Root"]
    assert root["/Lang"] == language
    assert bool(root["/MarkInfo"]["/Marked"])
    roles = [role for role, _element in _roles(reader)]
    assert roles and roles[0] == "/Document"
    return roles


def _reader_in(client, user, language):
    user.preferred_language = language
    user.save()
    client.cookies["lms_language"] = language
    client.force_login(user)
    return client


def test_a_signed_certificate_is_tagged_with_its_language_and_still_verifies(client, student, course):
    certificate = certificate_issued(EnrolmentFactory(user=student, course=course, status="completed"))
    response = _reader_in(client, student, "en").get(f"/dashboard/certificates/{certificate.code}/certificate.pdf")
    assert response.status_code == 200
    pdf = _body(response)
    reader = PdfReader(io.BytesIO(pdf))
    roles = _assert_tagged(reader, "en")
    assert reader.metadata["/Title"] == "Civilian Control"
    # The QR code is a figure a screen reader announces, not an unnamed image.
    figures = [element for role, element in _roles(reader) if role == "/Figure"]
    assert figures and all(str(figure.get("/Alt", "")).strip() for figure in figures)
    assert "/P" in roles
    # Tagging lives in the signed revision: the signature covers it and the check passes.
    report = pdf_verify(pdf)
    assert report.ok, report.problems


@pytest.mark.parametrize("language", ["fr", "ru", "ar"])
def test_the_transcript_is_tagged_in_the_language_of_the_person_asking(client, student, course, language):
    certificate_issued(EnrolmentFactory(user=student, course=course, status="completed"))
    response = _reader_in(client, student, language).get("/dashboard/certificates/transcript.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(_body(response)))
    roles = _assert_tagged(reader, language)
    # A real table: header cells a screen reader repeats with each value, and a heading.
    assert {"/Table", "/THead", "/TH", "/TD", "/H1"} <= set(roles)
    assert reader.metadata["/Title"]
