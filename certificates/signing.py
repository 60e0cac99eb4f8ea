"""Signed certificates: the PDF's PAdES signature, and checking a certificate offline.

A certificate PDF carries two signatures by the platform's one Ed25519 key
(``certificates.keys``):

- the PDF itself is signed (PAdES baseline B-B, a certification signature that
  allows no changes), so any PDF reader shows whether a byte was altered; the
  signature is an incremental update, so a PDF/A-3b input keeps its PDF/A
  metadata (pyHanko updates the XMP packet);
- the attached ``credential.json`` is an Open Badges 3.0 credential with its own
  proof (``certificates.credentials``), which also travels on its own.

``pdf_verify`` checks both and that they agree; ``manage.py verify_certificate``
prints its report. Nothing here touches the network or the database.

Speed. pyHanko builds the CMS signature container with asn1crypto, which costs
about 30 ms a signature; a cohort of 1,000 cannot afford it. Everything in the
container is the same on every certificate except the document digest inside the
signed attributes and the signature over them (PAdES puts no signing time there:
it goes in the signature dictionary). So the container is built once per process,
by pyHanko, around a random placeholder digest; signing a PDF splices in the
real digest and a fresh Ed25519 signature at known offsets. pyHanko still lays
out the PDF and computes the digest, and its own validator checks the result in
the tests. What is left (6 to 9 ms for a certificate) is pyHanko reading and writing
the PDF.
"""

import asyncio
import datetime
import functools
import io
import json
import logging
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .credentials import (
    CREDENTIAL_FILENAME,
    CredentialInvalid,
    credential_facts,
    credential_issue,
    credential_verify,
)
from .keys import (
    issuer_did,
    key_cache_clear_hook,
    key_create_missing_allowed,
    key_file,
    platform_public_keys,
    public_key_raw,
    signing_certificate,
    signing_key,
    site_url,
)

__all__ = [
    "CREDENTIAL_FILENAME",
    "CredentialInvalid",
    "PdfSigningError",
    "VerificationReport",
    "credential_issue",
    "credential_verify",
    "pdf_sign",
    "pdf_verify",
    "signing_key",
]

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "CertificateSignature"
_DIGEST = "sha512"  # RFC 8419: Ed25519 in CMS hashes with SHA-512


_loops = threading.local()


def _run(coroutine):
    """Run one of pyHanko's coroutines to its end on this thread's own event loop.

    ``asyncio.run`` would make and tear down a loop for every PDF, a millisecond or
    two of a signature that costs a few; callers here are mostly synchronous (tasks,
    commands). Called where an event loop already runs (async code, a browser test
    driving Playwright), the coroutine runs on a thread of its own instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(_run, coroutine).result()
    loop = getattr(_loops, "loop", None)
    # A loop inherited through fork (a Celery worker's child) shares its parent's selector: not that one.
    if loop is None or loop.is_closed() or getattr(_loops, "pid", None) != os.getpid():
        loop = _loops.loop = asyncio.new_event_loop()
        _loops.pid = os.getpid()
    return loop.run_until_complete(coroutine)


class PdfSigningError(Exception):
    """The PDF could not be signed (it is not a PDF pyHanko can read, or is signed already)."""


# Signing --------------------------------------------------------------------------


class _Signing:
    """Everything a signature needs that is the same on every PDF: made once per process and key."""

    def __init__(self):
        from pyhanko.sign import fields, signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        self.key = signing_key()
        der_certificate = signing_certificate().public_bytes(serialization.Encoding.DER)
        certificate = asn1_x509.Certificate.load(der_certificate)
        private_key = asn1_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        # An empty registry: the signing certificate goes into the container once, not twice.
        signer = signers.SimpleSigner(
            signing_cert=certificate, signing_key=private_key, cert_registry=SimpleCertificateStore()
        )
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Certificate issued by %(issuer)s; check it at %(url)s") % {
                "issuer": settings.CERTIFICATE_ISSUER_NAME,
                "url": f"{site_url()}{reverse('certificate_verify_lookup')}",
            }
        metadata = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm=_DIGEST,
            subfilter=fields.SigSeedSubFilter.PADES,  # ETSI.CAdES.detached: PAdES baseline
            certify=True,  # a certification signature: readers show any later change as breaking it
            docmdp_permissions=fields.MDPPerm.NO_CHANGES,
            name=settings.CERTIFICATE_ISSUER_NAME,
            reason=reason,
            location=site_url(),
        )
        self.pdf_signer = signers.PdfSigner(metadata, signer=signer)
        self._template_build(signer)

    def _template_build(self, signer) -> None:
        """The CMS container around a placeholder digest, and where to splice the real one in."""
        self.placeholder = os.urandom(64)
        container = _run(signer.async_sign(self.placeholder, _DIGEST, use_pades=True))
        signer_info = container["content"]["signer_infos"][0]
        attribute_types = [attribute["type"].native for attribute in signer_info["signed_attrs"]]
        self.template = container.dump()
        self.attributes = signer_info["signed_attrs"].dump()  # [0] IMPLICIT; signed as a SET (0x31)
        placeholder_signature = signer_info["signature"].native
        if (
            attribute_types != ["content_type", "message_digest", "signing_certificate_v2"]
            or self.template.count(self.attributes) != 1
            or self.attributes.count(self.placeholder) != 1
            or self.template.count(placeholder_signature) != 1
            or len(placeholder_signature) != 64
        ):  # pragma: no cover - a pyHanko upgrade changed the container; pdf_sign says so at once
            raise PdfSigningError(f"Unexpected CMS layout from pyHanko (signed attributes {attribute_types})")
        self.attributes_at = self.template.index(self.attributes)
        self.signature_at = self.template.index(placeholder_signature)
        # Sized exactly (pyHanko counts hex digits, two a byte); every container has the same length.
        self.bytes_reserved = 2 * len(self.template)

    def container(self, document_digest: bytes) -> bytes:
        """The CMS SignedData for a document digest: the template with the digest and a fresh signature."""
        if len(document_digest) != len(self.placeholder):  # the offsets below hold for SHA-512 only
            raise PdfSigningError(f"Unexpected document digest length {len(document_digest)}")
        attributes = self.attributes.replace(self.placeholder, document_digest)
        signature = self.key.sign(b"\x31" + attributes[1:])
        template, start, end = self.template, self.attributes_at, self.attributes_at + len(self.attributes)
        return (
            template[:start]
            + attributes
            + template[end : self.signature_at]
            + signature
            + template[self.signature_at + 64 :]
        )

    def sign(self, pdf: bytes) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        prepared, _tbs, output = _run(
            self.pdf_signer.async_digest_doc_for_signing(
                writer, bytes_reserved=self.bytes_reserved, output=io.BytesIO()
            )
        )
        _run(PdfTBSDocument.async_finish_signing(output, prepared, self.container(prepared.document_digest)))
        return output.getvalue()


@functools.lru_cache(maxsize=2)
def _signing(path: str, create_missing: bool, issuer_name: str, did: str, base_url: str) -> _Signing:
    return _Signing()


key_cache_clear_hook(_signing.cache_clear)


def pdf_sign(pdf: bytes) -> bytes:
    """``pdf`` with the platform's PAdES signature added as an incremental update.

    Raises ``PdfSigningError`` when the input cannot be signed.
    """
    signing = _signing(
        str(key_file()), key_create_missing_allowed(), settings.CERTIFICATE_ISSUER_NAME, issuer_did(), site_url()
    )
    try:
        return signing.sign(pdf)
    except PdfSigningError:
        raise
    except Exception as error:
        raise PdfSigningError(_("The PDF could not be signed: %s") % error) from error


# Verifying ---------------------------------------------------------------------------


@dataclass
class VerificationReport:
    """What ``pdf_verify`` found: ``ok`` only when every check passed; ``problems`` says what failed."""

    ok: bool = False
    problems: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    code: str = ""
    holder_name: str = ""
    holder_name_latin: str = ""
    course_title: str = ""
    hours: int | None = None
    completed_on: datetime.date | None = None
    issued_on: datetime.date | None = None
    issuer_name: str = ""
    issuer_id: str = ""
    verify_url: str = ""
    signed_at: datetime.datetime | None = None
    signer: str = ""


def _text_normalized(text: str) -> str:
    """For "does this name appear in the page": compatibility forms folded, spaces and case ignored.

    Text pulled from a PDF may come out in presentation forms (Arabic) or with spaces
    where the layout broke a line; the name is found whatever the layout did.
    """
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text).casefold()


def _right_to_left(character: str) -> bool:
    return unicodedata.bidirectional(character) in ("R", "AL")


def _name_printed(name: str, text: str) -> bool:
    """Whether ``name`` is printed in the page ``text``.

    Right-to-left text comes out of a PDF in the order its glyphs were drawn, and a
    ligature (the Arabic lam-lam-heh of "Abd Allah") comes out where its glyph sits,
    so the name's last word may be extracted split, its ligature moved to the front:
    the same letters, not the same string. So a right-to-left name also counts as
    printed when some line's right-to-left letters are exactly the name's letters.
    Other names must appear as they are.
    """
    wanted = _text_normalized(name)
    if wanted in _text_normalized(text):
        return True
    if not wanted or not all(_right_to_left(character) for character in wanted):
        return False
    letters = Counter(wanted)
    return any(
        Counter(character for character in _text_normalized(line) if _right_to_left(character)) == letters
        for line in text.splitlines()
    )


def _expected_keys(public_key) -> dict[str | None, Ed25519PublicKey]:
    if public_key is None:
        return platform_public_keys()
    if isinstance(public_key, Mapping):
        return dict(public_key)
    return {None: public_key}


def _signature_check(pdf: bytes, keys: Mapping, report: VerificationReport) -> None:
    """The PAdES signature: present, intact, by one of ``keys``, covering the whole file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception as error:
        report.problems.append(_("The file cannot be read as a PDF: %s") % error)
        return
    if not signatures:
        report.problems.append(_("The PDF carries no digital signature."))
        return
    if len(signatures) > 1:
        report.problems.append(_("The PDF carries more than one signature; a certificate is signed once."))
        return
    signature = signatures[0]
    try:
        certificate = signature.signer_cert
        report.signer = certificate.subject.human_friendly
        signer_key = Ed25519PublicKey.from_public_bytes(certificate.public_key["public_key"].native)
    except Exception:
        report.problems.append(_("The PDF's signature is not made with an Ed25519 key."))
        return
    ours = any(public_key_raw(key) == public_key_raw(signer_key) for key in keys.values())
    if ours:
        report.passed.append(_("The PDF was signed with the issuer's key."))
    else:
        report.problems.append(_("The PDF was signed with a key that is not the issuer's."))
    try:
        # Offline: nothing is fetched. The signer's own certificate is the anchor, which is
        # meaningful only because its key was just compared with the issuer's published key.
        context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
        # No diff analysis: anything added after the signature is refused below whatever it is,
        # so pyHanko need not judge (and log at length) whether the addition was harmless.
        status = _run(async_validate_pdf_signature(signature, signer_validation_context=context, skip_diff=True))
    except Exception as error:  # a hostile file may break the parser anywhere: a failed check, not a crash
        report.problems.append(_("The PDF's signature cannot be checked: %s") % error)
        return
    report.signed_at = status.signer_reported_dt
    if not status.intact:
        report.problems.append(_("The signed content of the PDF was altered after signing."))
    elif not status.valid:
        report.problems.append(_("The PDF's signature value does not verify."))
    else:
        report.passed.append(_("The PDF's signature is intact."))
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        report.problems.append(_("The PDF was changed after it was signed (content was added after the signature)."))
    elif status.intact and status.valid:
        report.passed.append(_("The signature covers the whole file: nothing was added after signing."))


def _credential_check(pdf: bytes, keys: Mapping, report: VerificationReport) -> None:
    """The attached credential verifies, and it describes this PDF (code, name)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        attachments = reader.attachments
        found = attachments.get(CREDENTIAL_FILENAME) or []
    except Exception as error:
        report.problems.append(_("The PDF's attachments cannot be read: %s") % error)
        return
    if len(found) != 1:
        report.problems.append(
            _("The PDF does not carry exactly one attached %(file)s.") % {"file": CREDENTIAL_FILENAME}
        )
        return
    try:
        document = json.loads(found[0])
    except ValueError:
        report.problems.append(_("The attached credential is not valid JSON."))
        return
    try:
        credential_verify(document, keys.get(None, keys))
        facts = credential_facts(document)
    except CredentialInvalid as error:
        report.problems.append(_("The attached credential does not verify: %s") % error.reason)
        return
    report.passed.append(_("The attached credential's proof verifies with the issuer's key."))
    for name in (
        "code",
        "holder_name",
        "holder_name_latin",
        "course_title",
        "hours",
        "completed_on",
        "issued_on",
        "issuer_name",
        "issuer_id",
        "verify_url",
    ):
        setattr(report, name, getattr(facts, name))

    # The two must describe the same certificate: a validly signed credential of
    # another certificate in this PDF is a forgery even though each part verifies.
    subject = ""
    try:
        subject = str((reader.metadata or {}).get("/Subject") or "")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception:
        text = ""
    page_text = _text_normalized(text)
    if not facts.code or subject.strip() != facts.code:
        report.problems.append(
            _("The credential is for certificate %(credential)s but the PDF is certificate %(pdf)s.")
            % {"credential": facts.code or "?", "pdf": subject.strip() or "?"}
        )
    elif _text_normalized(facts.code) not in page_text:
        report.problems.append(_("The certificate code %(code)s is not printed on the PDF.") % {"code": facts.code})
    else:
        report.passed.append(_("The PDF and the credential carry the same certificate code."))
    names = [name for name in (facts.holder_name, facts.holder_name_latin) if name]
    if names and any(_name_printed(name, text) for name in names):
        report.passed.append(_("The holder's name in the credential is the one printed on the PDF."))
    else:
        report.problems.append(
            _("The holder's name in the credential (%(name)s) is not the one printed on the PDF.")
            % {"name": " / ".join(names) or "?"}
        )


def pdf_verify(
    pdf: bytes, *, public_key: Ed25519PublicKey | Mapping[str, Ed25519PublicKey] | None = None
) -> VerificationReport:
    """Check a certificate PDF offline: its signature, its attached credential, and that they agree.

    ``public_key`` is the issuer's key (or keys by verification method id, from its
    published DID document); by default this platform's own. Never raises for a bad
    file: the report lists every problem found.
    """
    keys = _expected_keys(public_key)
    report = VerificationReport()
    _signature_check(pdf, keys, report)
    _credential_check(pdf, keys, report)
    report.ok = not report.problems
    return report
