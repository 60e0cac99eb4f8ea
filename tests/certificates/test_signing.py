"""The signed certificate: key, credential (eddsa-jcs-2022), PAdES signature, offline verification.

Real keys, real signatures, real PDFs: every forgery here is one a person could make.
"""

import copy
import dataclasses
import io
import json
import os
import stat

from django.core.checks import Error, Warning
from django.test import override_settings

import pypdf
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates import keys
from certificates.checks import signing_key_check
from certificates.codes import code_generate
from certificates.content import content_sample
from certificates.credentials import CREDENTIAL_FILENAME, credential_facts
from certificates.signing import (
    CredentialInvalid,
    PdfSigningError,
    credential_issue,
    credential_verify,
    pdf_sign,
    pdf_verify,
)

# Helpers shared with test_verify_command and test_wellknown -----------------------------


def sample_content(**changes):
    return dataclasses.replace(content_sample("http://testserver"), **changes)


def other_content():
    """Another certificate, of another person, by the same issuer."""
    code = code_generate()
    return sample_content(
        code=code,
        verify_url=f"http://testserver/verify/{code}/",
        holder_name="Иван Петров",
        holder_name_latin="Ivan Petrov",
    )


def unsigned_pdf(content, credential=None) -> bytes:
    """A certificate PDF carrying ``credential`` (by default its own), not yet signed."""
    credential = credential_issue(content) if credential is None else credential
    attachment = (CREDENTIAL_FILENAME, json.dumps(credential, ensure_ascii=False, indent=2).encode(), "credential")
    try:
        from certificates.rendering import certificate_pdf
    except ImportError:  # the renderer is not there yet: the same conventions by hand
        from weasyprint import HTML, Attachment

        html = (
            f'<html lang="vi"><head><title>Certificate</title><meta name="description" content="{content.code}">'
            f"</head><body><h1>{content.holder_name}</h1><p>{content.holder_name_latin}</p>"
            f"<p>{content.course_title}</p><p>{content.code}</p></body></html>"
        )
        name, data, description = attachment
        return HTML(string=html).write_pdf(
            pdf_variant="pdf/a-3b", attachments=[Attachment(string=data, name=name, description=description)]
        )
    return certificate_pdf(None, content, attachments=[attachment])


def signed_pdf(content=None, credential=None) -> bytes:
    return pdf_sign(unsigned_pdf(content or sample_content(), credential))


@pytest.fixture(scope="module")
def genuine():
    """One genuine signed certificate for the module (rendering costs ~100 ms)."""
    return signed_pdf()


@pytest.fixture
def other_key_file(tmp_path):
    """Point the platform at another key (a forger's): what is signed in the block is signed with it."""

    def use():
        return override_settings(CERTIFICATE_SIGNING_KEY_FILE=str(tmp_path / "forger" / "key.pem"))

    return use


# The key --------------------------------------------------------------------------------


def test_signing_key_missing_is_created_outside_production_with_owner_only_mode(tmp_path):
    path = tmp_path / "new" / "dir" / "key.pem"
    with override_settings(CERTIFICATE_SIGNING_KEY_FILE=str(path), CERTIFICATE_SIGNING_KEY_CREATE_MISSING=True):
        key = keys.signing_key()
        assert isinstance(key, Ed25519PrivateKey)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert keys.signing_key() is key  # cached per process
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert keys.public_key_raw(loaded.public_key()) == keys.public_key_raw(key.public_key())


def test_signing_key_missing_in_production_is_a_clear_error_and_a_failed_check(tmp_path):
    path = tmp_path / "key.pem"
    with override_settings(CERTIFICATE_SIGNING_KEY_FILE=str(path), CERTIFICATE_SIGNING_KEY_CREATE_MISSING=False):
        with pytest.raises(keys.SigningKeyMissing, match="certificate_key create"):
            keys.signing_key()
        assert not path.exists()
        problems = signing_key_check()
        assert [type(p) for p in problems] == [Error] and problems[0].id == "certificates.E001"


def test_signing_key_default_rule_creates_only_in_debug_or_test_settings(settings, monkeypatch):
    del settings.CERTIFICATE_SIGNING_KEY_CREATE_MISSING  # absent: decided from DEBUG and the settings module
    assert keys.key_create_missing_allowed() is True  # lms.settings.test
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "lms.settings.production")
    settings.DEBUG = False
    assert keys.key_create_missing_allowed() is False
    settings.DEBUG = True
    assert keys.key_create_missing_allowed() is True


def test_signing_key_check_reports_a_wrong_file_and_loose_permissions(tmp_path):
    path = tmp_path / "key.pem"
    with override_settings(CERTIFICATE_SIGNING_KEY_FILE=str(path), CERTIFICATE_SIGNING_KEY_CREATE_MISSING=False):
        path.write_text("not a key")
        assert [p.id for p in signing_key_check()] == ["certificates.E002"]
        with pytest.raises(keys.SigningKeyInvalid, match="PEM"):
            keys.key_load(path)
        path.unlink()
        keys.key_create(path)
        assert signing_key_check() == []
        os.chmod(path, 0o644)
        problems = signing_key_check()
        assert [type(p) for p in problems] == [Warning] and problems[0].id == "certificates.W001"


def test_key_create_refuses_to_replace_a_key_unless_forced(tmp_path):
    path = tmp_path / "key.pem"
    first = keys.key_create(path)
    with pytest.raises(FileExistsError):
        keys.key_create(path)
    assert keys.public_key_raw(keys.key_load(path).public_key()) == keys.public_key_raw(first.public_key())
    second = keys.key_create(path, force=True)
    assert keys.public_key_raw(keys.key_load(path).public_key()) == keys.public_key_raw(second.public_key())
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]  # no temporary file left behind


def test_issuer_did_is_did_web_of_the_host_with_the_port_encoded(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://lms.example.org:8443/"
    assert keys.issuer_did() == "did:web:lms.example.org%3A8443"
    assert keys.verification_method_id() == "did:web:lms.example.org%3A8443#key-1"
    settings.WAGTAILADMIN_BASE_URL = "https://lms.example.org"
    assert keys.issuer_did() == "did:web:lms.example.org"


def test_public_key_encodings_round_trip():
    key = Ed25519PrivateKey.generate().public_key()
    multibase = keys.public_key_multibase(key)
    assert multibase.startswith("z6Mk")
    assert keys.public_key_raw(keys.public_key_from_multibase(multibase)) == keys.public_key_raw(key)
    assert keys.public_key_raw(keys.public_key_from_jwk(keys.public_key_jwk(key))) == keys.public_key_raw(key)
    for data in (b"", b"\0", b"\0\0\x01\xff", os.urandom(40)):
        assert keys.base58btc_decode(keys.base58btc_encode(data)) == data


def test_signing_certificate_is_the_same_each_time_and_carries_the_platform_key():
    certificate = keys.signing_certificate()
    assert keys.signing_certificate() is certificate
    raw = certificate.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert raw == keys.public_key_raw(keys.public_key())
    assert certificate.subject.rfc4514_string() == "CN=PME Learning"
    # Rebuilt from scratch (another process), it is byte for byte the same certificate.
    keys._certificate.cache_clear()
    again = keys.signing_certificate()
    assert again.public_bytes(serialization.Encoding.DER) == certificate.public_bytes(serialization.Encoding.DER)


# The credential --------------------------------------------------------------------------


def test_credential_issue_is_an_open_badge_with_only_what_the_verify_page_shows():
    content = sample_content()
    credential = credential_issue(content)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == content.verify_url
    assert credential["issuer"] == {
        "id": "did:web:testserver",
        "type": ["Profile"],
        "name": "PME Learning",
        "url": "http://testserver",
    }
    assert credential["validFrom"] == "2026-11-21T00:00:00Z"
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert credential["proof"]["verificationMethod"] == "did:web:testserver#key-1"
    assert credential["proof"]["proofValue"].startswith("z")
    facts = credential_facts(credential)
    assert facts.code == content.code
    assert (facts.holder_name, facts.holder_name_latin) == ("Nguyễn Thị Minh Khai", "Nguyen Thi Minh Khai")
    assert (facts.course_title, facts.hours) == (content.course_title, 20)
    assert (facts.completed_on, facts.issued_on) == (content.completed_on, content.issued_on)
    text = json.dumps(credential, ensure_ascii=False)
    for private in ("87.5", "score", content.cohort_name, content.program_name, "@"):
        assert private not in text.replace("@context", "")


def test_credential_holder_named_once_when_both_scripts_agree():
    credential = credential_issue(sample_content(holder_name="Jane Smith", holder_name_latin="Jane Smith"))
    assert [entry["identityHash"] for entry in credential["credentialSubject"]["identifier"]] == ["Jane Smith"]


def test_credential_verify_accepts_a_genuine_credential():
    credential_verify(credential_issue(sample_content()))


def test_credential_verify_matches_the_eddsa_jcs_2022_test_vector():
    """Digital Bazaar's vector for the cryptosuite: our verifier agrees with other implementations."""
    key = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    contexts = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
    vector = {
        "@context": contexts,
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.",
        "issuer": f"did:key:{key}",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
        "proof": {
            "type": "DataIntegrityProof",
            "created": "2023-02-24T23:36:38Z",
            "verificationMethod": f"did:key:{key}#{key}",
            "cryptosuite": "eddsa-jcs-2022",
            "proofPurpose": "assertionMethod",
            "@context": contexts,
            "proofValue": "z5EhYRJkfPLkoT92FPXN8KK6M9rsBhq3xs19GBSsA6VdNYH4QMKSyNuA2Gfznz9QthVD7Rz3HTAfqxxay23htUpTg",
        },
    }
    credential_verify(vector, keys.public_key_from_multibase(key))
    vector["credentialSubject"]["alumniOf"] = "Another School"
    with pytest.raises(CredentialInvalid):
        credential_verify(vector, keys.public_key_from_multibase(key))


def _set(document, path, value):
    *parents, last = path
    for name in parents:
        document = document[name]
    if value is _DELETE:
        del document[last]
    else:
        document[last] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "name"), "Jane Forger"),
        (("credentialSubject", "identifier", 1, "identityHash"), "Jane Forger"),
        (("credentialSubject", "achievement", "name"), "Advanced Strategy"),
        (("credentialSubject", "achievement", "hours"), 200),
        (("credentialSubject", "activityEndDate"), "2025-11-20T00:00:00Z"),
        (("validFrom",), "2025-11-21T00:00:00Z"),
        (("identifier", 0, "identifier"), "7KQ2-M9XD-4HTB-R1WZ-C8P3"),
        (("id",), "http://testserver/verify/7KQ2-M9XD-4HTB-R1WZ-C8P3/"),
        (("issuer", "name"), "Another Academy"),
        (("credentialSubject", "score"), 100),
        (("name",), _DELETE),
        (("@context",), ["https://www.w3.org/ns/credentials/v2"]),
        (("proof", "created"), "2020-01-01T00:00:00Z"),
        (("proof", "proofValue"), "z" + "1" * 80),
    ],
)
def test_credential_verify_rejects_a_change_to_any_field(path, value):
    credential = credential_issue(sample_content())
    forged = copy.deepcopy(credential)
    _set(forged, path, value)
    with pytest.raises(CredentialInvalid):
        credential_verify(forged)


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (("proof",), _DELETE, "no proof"),
        (("proof", "cryptosuite"), "eddsa-rdfc-2022", "cryptosuite"),
        (("proof", "proofPurpose"), "authentication", "purpose"),
        (("proof", "verificationMethod"), "did:web:forger.example#key-1", "issuer"),
        (("issuer", "id"), "did:web:forger.example", "issuer"),
        (("proof", "proofValue"), "not multibase", "base58btc"),
    ],
)
def test_credential_verify_says_why_a_proof_is_refused(path, value, reason):
    forged = credential_issue(sample_content())
    _set(forged, path, value)
    with pytest.raises(CredentialInvalid, match=reason):
        credential_verify(forged)


def test_credential_signed_with_another_key_fails(other_key_file):
    with other_key_file():
        forged = credential_issue(sample_content(holder_name="Jane Forger"))
        credential_verify(forged)  # it is a good signature, by the forger's key...
    with pytest.raises(CredentialInvalid, match="another key"):
        credential_verify(forged)  # ...not by ours, though it names our DID as issuer


# The PDF ----------------------------------------------------------------------------------


def test_pdf_verify_accepts_a_genuine_certificate(genuine):
    report = pdf_verify(genuine)
    assert report.ok, report.problems
    assert report.problems == []
    content = sample_content()
    assert (report.code, report.holder_name, report.holder_name_latin) == (
        content.code,
        content.holder_name,
        content.holder_name_latin,
    )
    assert (report.course_title, report.hours, report.issued_on) == (content.course_title, 20, content.issued_on)
    assert report.issuer_id == "did:web:testserver" and report.signer == "Common Name: PME Learning"
    assert report.signed_at is not None


def test_pdf_sign_keeps_the_pdfa_declaration_the_subject_and_the_credential(genuine):
    reader = pypdf.PdfReader(io.BytesIO(genuine))
    assert reader.metadata["/Subject"] == sample_content().code
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfaid" in xmp and ("<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp)
    assert list(reader.attachments) == [CREDENTIAL_FILENAME]
    # Signed as an incremental update: the unsigned document is still there, byte for byte, in front.
    unsigned_length = genuine.index(b"%%EOF") + len(b"%%EOF")
    assert genuine[:unsigned_length].startswith(b"%PDF-")


def test_pdf_sign_passes_pyhankos_own_validation(genuine):
    """The spliced signature container is one pyHanko itself judges valid, covering the whole file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from certificates.keys import signing_certificate
    from certificates.signing import _run

    signature = PdfFileReader(io.BytesIO(genuine)).embedded_signatures[0]
    anchor = signature.signer_cert
    assert anchor.dump() == signing_certificate().public_bytes(serialization.Encoding.DER)
    # Through signing._run: the browser tests leave an event loop running on this thread for the session.
    status = _run(
        async_validate_pdf_signature(
            signature, signer_validation_context=ValidationContext(trust_roots=[anchor], allow_fetching=False)
        )
    )
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha512"
    assert signature.sig_object["/Filter"] == "/Adobe.PPKLite" and signature.sig_object["/SubFilter"] == (
        "/ETSI.CAdES.detached"
    )


def test_pdf_sign_from_several_threads_at_once():
    """A threaded worker pool signs in parallel: each thread runs pyHanko on its own event loop."""
    from concurrent.futures import ThreadPoolExecutor

    unsigned = unsigned_pdf(sample_content())
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(pdf_sign, [unsigned] * 8))
    assert all(pdf_verify(result).ok for result in results)


def test_pdf_verify_rejects_a_byte_changed_in_the_signed_range(genuine):
    start, length = (int(n) for n in _byte_range(genuine)[:2])
    assert start == 0
    altered = bytearray(genuine)
    altered[length // 2] ^= 0x01
    report = pdf_verify(bytes(altered))
    assert not report.ok and report.problems


def test_pdf_verify_rejects_a_changed_code_in_the_signed_metadata(genuine):
    code = sample_content().code.encode()
    at = genuine.rfind(b"(" + code + b")")
    assert at > 0
    altered = genuine[: at + 1] + b"X" + genuine[at + 2 :]
    report = pdf_verify(altered)
    assert not report.ok
    assert "The signed content of the PDF was altered after signing." in report.problems


def _byte_range(pdf: bytes):
    import re

    return re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)[-1]


def test_pdf_verify_rejects_an_update_appended_after_signing(genuine):
    """A visible new name over the printed one, added as an incremental update: the classic PDF forgery."""
    from pypdf.annotations import FreeText

    writer = pypdf.PdfWriter(io.BytesIO(genuine), incremental=True)
    writer.add_annotation(page_number=0, annotation=FreeText(text="Jane Forger", rect=(50, 400, 400, 450)))
    output = io.BytesIO()
    writer.write(output)
    forged = output.getvalue()
    assert forged.startswith(genuine)  # the signed bytes are all still there
    report = pdf_verify(forged)
    assert not report.ok
    assert "The PDF was changed after it was signed (content was added after the signature)." in report.problems


def test_pdf_verify_rejects_a_metadata_update_made_with_pyhanko(genuine):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(genuine))
    info = writer.trailer["/Info"].get_object()
    info[generic.NameObject("/Subject")] = generic.TextStringObject(other_content().code)
    writer.update_container(info)
    output = io.BytesIO()
    writer.write(output)
    report = pdf_verify(output.getvalue())
    assert not report.ok
    assert any("changed after it was signed" in problem for problem in report.problems)


def test_pdf_verify_rejects_a_pdf_signed_with_another_key(other_key_file):
    genuine_unsigned = unsigned_pdf(sample_content())  # our genuine credential inside
    with other_key_file():
        forged = pdf_sign(genuine_unsigned)
    report = pdf_verify(forged)
    assert not report.ok
    assert "The PDF's signature is intact." in report.passed  # a sound signature, but by the wrong key
    assert report.problems == ["The PDF was signed with a key that is not the issuer's."]


def test_pdf_verify_rejects_a_pdf_and_credential_both_made_with_another_key(other_key_file):
    with other_key_file():
        forged = signed_pdf(sample_content(holder_name="Jane Forger", holder_name_latin="Jane Forger"))
    report = pdf_verify(forged)
    assert not report.ok
    assert "The PDF was signed with a key that is not the issuer's." in report.problems
    assert any(problem.startswith("The attached credential does not verify") for problem in report.problems)


def test_pdf_verify_rejects_another_certificates_credential_even_when_all_is_signed(genuine):
    """Each part verifies on its own; only comparing them shows that this is not one certificate."""
    swapped = signed_pdf(sample_content(), credential=credential_issue(other_content()))
    report = pdf_verify(swapped)
    assert not report.ok
    assert "The PDF's signature is intact." in report.passed
    assert "The attached credential's proof verifies with the issuer's key." in report.passed
    assert any(problem.startswith("The credential is for certificate") for problem in report.problems)
    assert any(problem.startswith("The holder's name in the credential") for problem in report.problems)


@pytest.mark.parametrize("name", ["Ann Tice", "عبد الله"])
def test_pdf_verify_rejects_a_credential_naming_someone_else_under_the_same_code(name):
    """Whose letters all occur somewhere on the page, but who is not the holder printed."""
    credential = credential_issue(sample_content(holder_name=name, holder_name_latin=name))
    report = pdf_verify(signed_pdf(sample_content(), credential=credential))
    assert not report.ok
    assert "The PDF and the credential carry the same certificate code." in report.passed
    assert [problem for problem in report.problems if problem.startswith("The holder's name")]


@pytest.mark.parametrize("name", ["محمد عبد الله", "דוד לוי", "王小明"])
def test_pdf_verify_finds_a_name_printed_only_in_its_own_script(name):
    """No Latin form to fall back on: the right-to-left name, ligatures and all, is found on the page."""
    assert pdf_verify(signed_pdf(sample_content(holder_name=name, holder_name_latin=name))).ok


def test_pdf_verify_rejects_a_pdf_without_signature():
    report = pdf_verify(unsigned_pdf(sample_content()))
    assert not report.ok
    assert "The PDF carries no digital signature." in report.problems


def test_pdf_verify_rejects_a_pdf_without_credential():
    from weasyprint import HTML

    content = sample_content()
    html = f'<title>x</title><meta name="description" content="{content.code}"><p>{content.holder_name}</p>'
    report = pdf_verify(pdf_sign(HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")))
    assert not report.ok
    assert report.problems == ["The PDF does not carry exactly one attached credential.json."]


@pytest.mark.parametrize("data", [b"", b"not a pdf", b"%PDF-1.7\n%%EOF\n"])
def test_pdf_verify_reports_garbage_without_raising(data):
    report = pdf_verify(data)
    assert not report.ok and report.problems


def test_pdf_sign_refuses_garbage_clearly():
    with pytest.raises(PdfSigningError):
        pdf_sign(b"not a pdf")


def test_pdf_verify_with_the_keys_of_the_published_did_document(genuine):
    published = keys.did_document_keys(keys.did_document())
    assert pdf_verify(genuine, public_key=published).ok
    stranger = {"did:web:testserver#key-1": Ed25519PrivateKey.generate().public_key()}
    report = pdf_verify(genuine, public_key=stranger)
    assert not report.ok and "The PDF was signed with a key that is not the issuer's." in report.problems
