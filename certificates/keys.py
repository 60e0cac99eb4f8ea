"""The platform's Ed25519 signing key, the identity published for it, and its X.509 certificate.

One key signs everything a verifier checks offline: the Open Badges credential
(a Data Integrity proof) and the PDF (a PAdES signature). Verifiers find its
public half at ``<site>/.well-known/did.json``, the DID document of the issuer's
``did:web`` identifier, which is also the issuer named in every credential.

The private key is a PEM file (PKCS#8, unencrypted, mode 0600) at
``settings.CERTIFICATE_SIGNING_KEY_FILE``; ``manage.py certificate_key create``
makes it. Outside production a missing key is made on first use, so a fresh
checkout and the test run just work; in production a missing key stops the
system checks (``certificates.checks``) rather than letting each web and worker
process quietly make its own key, which would make every certificate signed by
another process fail verification.

Everything derived from the key (the loaded key, the certificate) is cached per
process and keyed on the settings it came from, so a test that points the
settings at another key gets that key.
"""

import datetime
import functools
import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID

# The fragment of the verification method in the DID document. One key for now: a rotation
# would publish the retired key beside the new one under another fragment (docs/certificates.md).
KEY_FRAGMENT = "key-1"
# multicodec "ed25519-pub" (0xed, as an unsigned varint: 0xed 0x01), which Multikey prefixes.
_ED25519_PUB_MULTICODEC = b"\xed\x01"
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {symbol: value for value, symbol in enumerate(_B58_ALPHABET)}


class SigningKeyMissing(ImproperlyConfigured):
    """There is no key file and this deployment may not make one on its own."""


class SigningKeyInvalid(ImproperlyConfigured):
    """The key file exists but does not hold an unencrypted Ed25519 private key."""


# Settings ------------------------------------------------------------------


def key_file() -> Path:
    return Path(settings.CERTIFICATE_SIGNING_KEY_FILE)


def key_create_missing_allowed() -> bool:
    """Whether a missing key may be made on first use.

    ``CERTIFICATE_SIGNING_KEY_CREATE_MISSING`` decides when it is set. Without it,
    development (DEBUG) and the test settings may, anything else (production) may not:
    there a key made silently by one process would differ from every other process's.
    """
    explicit = getattr(settings, "CERTIFICATE_SIGNING_KEY_CREATE_MISSING", None)
    if explicit is not None:
        return bool(explicit)
    # The environment, not settings.SETTINGS_MODULE, which override_settings hides (it reads None).
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    return bool(settings.DEBUG) or module.endswith((".test", ".dev"))


# The key ----------------------------------------------------------------------


def key_create(path: Path | str | None = None, *, force: bool = False) -> Ed25519PrivateKey:
    """Make a new key and write it to ``path`` (the configured file by default); returns it.

    The file is written whole under a temporary name and then linked into place, so
    a reader never sees half a key, and two processes making a missing key at the
    same moment end with one key: the second link fails and that process loads the
    first one's key. ``force`` replaces an existing key, which makes every
    certificate signed with it unverifiable; the management command asks for it
    explicitly.
    """
    path = Path(path or key_file())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor, temporary = tempfile.mkstemp(prefix=".certificate-key-", dir=path.parent)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # FileExistsError when another process got there first
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    key_cache_clear()
    return key


def key_load(path: Path | str) -> Ed25519PrivateKey:
    """The Ed25519 private key in the PEM file at ``path``; a clear error when it is not one."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise
    except OSError as error:
        raise SigningKeyInvalid(
            _("The certificate signing key file %(path)s cannot be read: %(error)s") % {"path": path, "error": error}
        ) from error
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise SigningKeyInvalid(
            _("The certificate signing key file %(path)s does not hold an unencrypted PEM private key.")
            % {"path": path}
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyInvalid(_("The certificate signing key in %(path)s is not an Ed25519 key.") % {"path": path})
    return key


@functools.lru_cache(maxsize=4)
def _signing_key(path: str, create_missing: bool) -> Ed25519PrivateKey:
    try:
        return key_load(path)
    except FileNotFoundError:
        if not create_missing:
            raise SigningKeyMissing(
                _(
                    "The certificate signing key file %(path)s does not exist. Create it once with "
                    "`manage.py certificate_key create` (or restore it from the backup) and give every "
                    "web and worker machine the same file."
                )
                % {"path": path}
            ) from None
    try:
        return key_create(path)
    except FileExistsError:  # another process made it meanwhile
        return key_load(path)


def signing_key() -> Ed25519PrivateKey:
    """The platform's private key, loaded once per process (made first outside production when missing)."""
    return _signing_key(str(key_file()), key_create_missing_allowed())


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_cache_clear() -> None:
    """Forget the loaded key and everything made from it (after a new key was written)."""
    _signing_key.cache_clear()
    _certificate.cache_clear()
    for hook in _cache_clear_hooks:
        hook()


_cache_clear_hooks = []


def key_cache_clear_hook(function):
    """Register ``function`` to run when the key cache is cleared (the PDF signer caches the key too)."""
    _cache_clear_hooks.append(function)
    return function


# Encodings of the public key ------------------------------------------------------


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = _B58_ALPHABET[remainder] + encoded
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + encoded


def base58btc_decode(text: str) -> bytes:
    """Bytes from base58btc; ValueError on a symbol outside the alphabet."""
    number = 0
    for symbol in text:
        if symbol not in _B58_INDEX:
            raise ValueError(f"not a base58btc symbol: {symbol!r}")
        number = number * 58 + _B58_INDEX[symbol]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    leading_ones = len(text) - len(text.lstrip("1"))
    return b"\0" * leading_ones + body


def public_key_multibase(key: Ed25519PublicKey) -> str:
    """Multikey form: 'z' (base58btc) over the multicodec prefix and the 32 raw bytes ("z6Mk…")."""
    return "z" + base58btc_encode(_ED25519_PUB_MULTICODEC + public_key_raw(key))


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    """The key from its Multikey form; ValueError when it is not an Ed25519 public key."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("a Multikey must be base58btc ('z…')")
    data = base58btc_decode(text[1:])
    if not data.startswith(_ED25519_PUB_MULTICODEC) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def _b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_key_jwk(key: Ed25519PublicKey) -> dict:
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(public_key_raw(key))}


def public_key_from_jwk(jwk: dict) -> Ed25519PublicKey:
    import base64

    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("not an Ed25519 JSON Web Key")
    x = str(jwk.get("x", ""))
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))


def public_key_fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, in hex pairs: what an administrator compares by eye."""
    digest = hashlib.sha256(public_key_raw(key)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


# The issuer's identity ------------------------------------------------------------


def site_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def issuer_did() -> str:
    """``did:web:<host>`` for the site's base URL; a port is part of the host, its colon written %3A.

    did:web resolves ``did:web:example.org`` to ``https://example.org/.well-known/did.json``,
    which ``certificates.wellknown`` serves. The site is assumed to live at the root of its host.
    """
    parts = urlsplit(site_url())
    host = (parts.hostname or "localhost").encode("idna").decode("ascii")
    if parts.port:
        host = f"{host}%3A{parts.port}"
    return f"did:web:{host}"


def verification_method_id() -> str:
    return f"{issuer_did()}#{KEY_FRAGMENT}"


def did_document() -> dict:
    """The DID document published at /.well-known/did.json: the key that signs our credentials."""
    did = issuer_did()
    method_id = verification_method_id()
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_multibase(public_key()),
            }
        ],
        "assertionMethod": [method_id],
    }


def did_document_keys(document: dict) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 keys a DID document lists for assertions, by verification method id.

    Reads Multikey (``publicKeyMultibase``) and JSON Web Key (``publicKeyJwk``) entries;
    relative ids ("#key-1") are made absolute. ValueError when there is none.
    """
    if not isinstance(document, dict):
        raise ValueError(_("The DID document is not a JSON object."))
    did = document.get("id", "")

    def absolute(method_id):
        return f"{did}{method_id}" if isinstance(method_id, str) and method_id.startswith("#") else method_id

    # assertionMethod holds references (ids) or whole methods; only those keys may sign credentials.
    references = [ref for ref in document.get("assertionMethod") or [] if isinstance(ref, (str, dict))]
    assertion = {absolute(ref if isinstance(ref, str) else ref.get("id")) for ref in references}
    methods = [*(document.get("verificationMethod") or []), *(ref for ref in references if isinstance(ref, dict))]
    keys = {}
    for method in methods:
        if not isinstance(method, dict) or absolute(method.get("id")) not in assertion:
            continue
        try:
            if "publicKeyMultibase" in method:
                keys[absolute(method["id"])] = public_key_from_multibase(method["publicKeyMultibase"])
            elif "publicKeyJwk" in method:
                keys[absolute(method["id"])] = public_key_from_jwk(method["publicKeyJwk"])
        except (ValueError, TypeError):
            continue
    if not keys:
        raise ValueError(_("The DID document lists no Ed25519 key for assertions."))
    return keys


def platform_public_keys() -> dict[str, Ed25519PublicKey]:
    """The keys this platform vouches for, by verification method id."""
    return {verification_method_id(): public_key()}


# The X.509 certificate that carries the key in PDF signatures -----------------------

# Fixed, so the certificate made from a key is the same in every process (Ed25519 signatures
# are deterministic): a verifier sees one certificate per key, whichever worker signed.
_NOT_BEFORE = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
_NOT_AFTER = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)  # RFC 5280: no end date


@functools.lru_cache(maxsize=4)
def _certificate(path: str, create_missing: bool, issuer_name: str, did: str) -> x509.Certificate:
    key = _signing_key(path, create_missing)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)])
    serial = int.from_bytes(hashlib.sha256(public_key_raw(key.public_key())).digest()[:16], "big") >> 1
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(did)]), critical=False)
        .sign(key, None)
    )


def signing_certificate() -> x509.Certificate:
    """A self-signed certificate for the platform's key, subject the issuer's name, without end date.

    PDF readers need a certificate to show a signature; nobody needs to trust a CA for
    it, since verifiers compare its key with the published one. It names the issuer's
    DID as its alternative name, so a reader shows where to check.
    """
    return _certificate(str(key_file()), key_create_missing_allowed(), settings.CERTIFICATE_ISSUER_NAME, issuer_did())
