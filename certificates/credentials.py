"""The certificate as a signed credential: Open Badges 3.0 on the W3C Verifiable Credentials 2.0 model.

A credential says what the public verify page says — holder, course, hours,
dates, issuer, code — and nothing more (no email, no score), signed with the
platform's Ed25519 key in a Data Integrity proof of the ``eddsa-jcs-2022``
cryptosuite (https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022):

- the document without its proof, and the proof's options with the document's
  ``@context``, are each canonicalised with the JSON Canonicalization Scheme
  (RFC 8785) and hashed with SHA-256;
- the two hashes, options first, are signed with Ed25519;
- the signature is the proof's ``proofValue``, in multibase base58btc ("z…").

JCS works on the JSON as it is, so signing and checking never fetch a JSON-LD
context: a credential verifies offline. Any change to any field changes the
hash, so the signature no longer matches.

Where the certificate's facts live in the document:

- ``id``: the verify URL (``/verify/<code>/``), where its current status is;
- ``identifier``: the certificate code, an ``IdentifierEntry``;
- ``issuer``: a ``Profile`` whose id is the site's ``did:web`` (the key's home);
- ``validFrom`` / ``awardedDate``: the issue date;
- ``credentialSubject.name`` and ``.identifier``: the holder's name, in their own
  script and, when it differs, in Latin script (``IdentityObject``, type "name",
  not hashed: the name is printed on the certificate anyway);
- ``credentialSubject.activityEndDate``: the completion date;
- ``credentialSubject.achievement``: the course (name, criteria narrative with
  the hours, and ``hours`` as a number).
"""

import datetime
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .content import CertificateContent
from .keys import (
    base58btc_decode,
    base58btc_encode,
    issuer_did,
    platform_public_keys,
    signing_key,
    site_url,
    verification_method_id,
)

CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_PURPOSE = "assertionMethod"
# The file name under which the credential travels inside the PDF.
CREDENTIAL_FILENAME = "credential.json"


class CredentialInvalid(Exception):
    """The credential does not verify; ``reason`` says why, for a person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _timestamp(value: datetime.date | datetime.datetime) -> str:
    """An XML Schema dateTimeStamp in UTC, as VC 2.0 wants: a date counts from its midnight UTC."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _achievement_id(did: str, course_title: str) -> str:
    """The same id for every certificate of a course: a name-based UUID under the issuer's DID."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{did}/achievement/{course_title}')}"


def credential_unsigned(content: CertificateContent) -> dict:
    """The credential's claims, before the proof.

    Wording is in the site's default language, not the language of whoever triggered
    the issue, so every credential of a deployment reads the same.
    """
    did = issuer_did()
    names = [content.holder_name]
    if content.holder_name_latin and content.holder_name_latin != content.holder_name:
        names.append(content.holder_name_latin)
    with translation.override(settings.LANGUAGE_CODE):
        credential_name = _("Certificate of completion: %(course)s") % {"course": content.course_title}
        description = _("Completion of the course “%(course)s”.") % {"course": content.course_title}
        narrative = _(
            "Completed every required module and passed every required assessment of the course "
            "(%(hours)s hours of study)."
        ) % {"hours": content.hours}
    return {
        "@context": list(CONTEXTS),
        "id": content.verify_url,
        "type": list(CREDENTIAL_TYPES),
        "name": credential_name,
        "identifier": [{"type": "IdentifierEntry", "identifier": content.code, "identifierType": "identifier"}],
        "issuer": {"id": did, "type": ["Profile"], "name": content.issuer_name, "url": site_url()},
        "validFrom": _timestamp(content.issued_on),
        "awardedDate": _timestamp(content.issued_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": content.holder_name,
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name}
                for name in names
            ],
            "activityEndDate": _timestamp(content.completed_on),
            "achievement": {
                "id": _achievement_id(did, content.course_title),
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": content.course_title,
                "description": description,
                "criteria": {"narrative": narrative},
                "hours": content.hours,
            },
        },
    }


def _hash_data(document: dict, proof_options: dict) -> bytes:
    """eddsa-jcs-2022's hash: SHA-256 of the canonical proof configuration, then of the canonical document."""
    try:
        canonical_document = rfc8785.dumps(document)
        canonical_config = rfc8785.dumps(proof_options)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise CredentialInvalid(_("The credential holds a value that cannot be canonicalised: %s") % error) from error
    return hashlib.sha256(canonical_config).digest() + hashlib.sha256(canonical_document).digest()


def credential_sign(document: dict) -> dict:
    """``document`` with a DataIntegrityProof (eddsa-jcs-2022) made with the platform's key."""
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _timestamp(timezone.now()),
        "verificationMethod": verification_method_id(),
        "proofPurpose": PROOF_PURPOSE,
    }
    # The proof configuration carries the document's @context (vc-di-eddsa §3.3.5); the proof itself does not.
    config = {**proof, "@context": document["@context"]} if "@context" in document else proof
    signature = signing_key().sign(_hash_data(document, config))
    return {**document, "proof": {**proof, "proofValue": "z" + base58btc_encode(signature)}}


def credential_issue(content: CertificateContent) -> dict:
    """The signed Open Badges 3.0 credential for a certificate (well under a millisecond)."""
    return credential_sign(credential_unsigned(content))


def _issuer_id(document: dict) -> str:
    issuer = document.get("issuer")
    return issuer.get("id", "") if isinstance(issuer, dict) else issuer if isinstance(issuer, str) else ""


def credential_verify(
    document: dict, public_key: Ed25519PublicKey | Mapping[str, Ed25519PublicKey] | None = None
) -> None:
    """Raise ``CredentialInvalid`` unless ``document`` carries a valid eddsa-jcs-2022 proof by its issuer.

    ``public_key`` is one key, or keys by verification method id (from a DID document);
    by default the platform's own. The verification method must belong to the issuer
    (its DID), so a credential cannot name us as issuer and be signed by someone else.
    """
    if not isinstance(document, dict):
        raise CredentialInvalid(_("The credential is not a JSON object."))
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise CredentialInvalid(_("The credential carries no proof (or more than one)."))
    if "VerifiableCredential" not in (document.get("type") or []):
        raise CredentialInvalid(_("The document is not a verifiable credential."))
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise CredentialInvalid(
            _("The proof is not a %(type)s with the %(suite)s cryptosuite.")
            % {"type": PROOF_TYPE, "suite": CRYPTOSUITE}
        )
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise CredentialInvalid(_("The proof's purpose is not an assertion by the issuer."))
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or method.split("#", 1)[0] != _issuer_id(document) or "#" not in method:
        raise CredentialInvalid(_("The proof was not made with a key of the credential's issuer."))
    proof_value = proof.get("proofValue")
    try:
        if not isinstance(proof_value, str) or not proof_value.startswith("z"):
            raise ValueError
        signature = base58btc_decode(proof_value[1:])
        if len(signature) != 64:
            raise ValueError
    except ValueError:
        raise CredentialInvalid(_("The proof's value is not an Ed25519 signature in base58btc.")) from None

    if public_key is None:
        public_key = platform_public_keys()
    if isinstance(public_key, Mapping):
        key = public_key.get(method)
        if key is None:
            raise CredentialInvalid(
                _("The credential was signed with %(method)s, which is not a key we know for this issuer.")
                % {"method": method}
            )
    else:
        key = public_key

    options = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    if "@context" in options:
        # vc-di-eddsa §3.3.2: the document's contexts must start with the proof's.
        contexts = unsecured.get("@context")
        if not isinstance(contexts, list) or contexts[: len(options["@context"])] != options["@context"]:
            raise CredentialInvalid(_("The proof's @context does not match the credential's."))
        unsecured["@context"] = options["@context"]
    elif "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    try:
        key.verify(signature, _hash_data(unsecured, options))
    except InvalidSignature:
        raise CredentialInvalid(
            _("The credential's signature does not match: it was changed after signing, or signed with another key.")
        ) from None


@dataclass(frozen=True)
class CredentialFacts:
    """What a credential says, read back (after it was verified) for a report."""

    code: str
    verify_url: str
    holder_name: str
    holder_name_latin: str
    course_title: str
    hours: int | None
    completed_on: datetime.date | None
    issued_on: datetime.date | None
    issuer_id: str
    issuer_name: str


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def credential_facts(document: dict) -> CredentialFacts:
    """The certificate's facts as the credential states them; CredentialInvalid when it lacks them."""
    try:
        subject = document["credentialSubject"]
        achievement = subject["achievement"]
        codes = [
            entry["identifier"]
            for entry in document.get("identifier", [])
            if isinstance(entry, dict) and entry.get("type") == "IdentifierEntry"
        ]
        names = [
            entry["identityHash"]
            for entry in subject.get("identifier", [])
            if isinstance(entry, dict) and entry.get("identityType") == "name" and not entry.get("hashed")
        ]
        issuer = document.get("issuer")
        hours = achievement.get("hours")
        return CredentialFacts(
            code=str(codes[0]) if codes else "",
            verify_url=str(document.get("id", "")),
            holder_name=str(subject.get("name") or (names[0] if names else "")),
            holder_name_latin=str(names[1] if len(names) > 1 else (names[0] if names else "")),
            course_title=str(achievement.get("name", "")),
            hours=hours if isinstance(hours, int) else None,
            completed_on=_date(subject.get("activityEndDate", "")),
            issued_on=_date(document.get("validFrom", "")),
            issuer_id=_issuer_id(document),
            issuer_name=str(issuer.get("name", "")) if isinstance(issuer, dict) else "",
        )
    except (KeyError, TypeError, AttributeError):
        raise CredentialInvalid(_("The credential does not describe a certificate (fields are missing).")) from None
