"""``manage.py verify_certificate FILE.pdf``: check a certificate offline; exit 0 when valid, 1 when not.

It checks the PDF's signature (intact, covering the whole file, by the issuer's
key), the attached credential's proof, and that the two describe the same
certificate. Nothing is fetched: by default the key is this platform's own; a
third party passes the issuer's published ``did.json`` (saved from
``https://<host>/.well-known/did.json``) or a public key file instead.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.keys import did_document_keys, platform_public_keys, public_key_from_jwk, public_key_from_multibase
from certificates.signing import pdf_verify


def public_key_read(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file, a JWK (JSON) or a Multikey ("z6Mk…")."""
    data = path.read_bytes()
    text = data.decode("utf-8", "replace").strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(_("the key is not an Ed25519 key"))
        return key
    if text.startswith("{"):
        return public_key_from_jwk(json.loads(text))
    return public_key_from_multibase(text)


class Command(BaseCommand):
    # No system checks: a verifier's machine needs no database, no broker and no key of its own.
    requires_system_checks = []
    help = _("Check a certificate PDF offline: its signature, its attached credential, and that they agree.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The certificate PDF."))
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--public-key", metavar="FILE", help=_("The issuer's Ed25519 public key: PEM, JWK or Multikey.")
        )
        source.add_argument("--did-json", metavar="FILE", help=_("The issuer's DID document (its did.json)."))

    def _keys(self, options):
        try:
            if options["public_key"]:
                return public_key_read(Path(options["public_key"]))
            if options["did_json"]:
                return did_document_keys(json.loads(Path(options["did_json"]).read_text()))
        except (OSError, ValueError, TypeError) as error:
            raise CommandError(_("The issuer's key cannot be read: %(error)s") % {"error": error}) from None
        try:
            return platform_public_keys()
        except Exception as error:
            raise CommandError(
                _("This platform's signing key is not available (%(error)s); pass --did-json or --public-key.")
                % {"error": error}
            ) from None

    def handle(self, *args, file, **options):
        keys = self._keys(options)
        try:
            pdf = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(_("%(file)s cannot be read: %(error)s") % {"file": file, "error": error}) from None
        report = pdf_verify(pdf, public_key=keys)
        write = self.stdout.write

        write(_("File: %(file)s") % {"file": file})
        if report.code:
            holder = report.holder_name
            if report.holder_name_latin and report.holder_name_latin != holder:
                holder = f"{holder} ({report.holder_name_latin})"
            rows = [
                (_("Certificate"), report.code),
                (_("Holder"), holder),
                (_("Course"), report.course_title),
                (_("Hours"), "" if report.hours is None else str(report.hours)),
                (_("Completed"), report.completed_on.isoformat() if report.completed_on else ""),
                (_("Issued"), report.issued_on.isoformat() if report.issued_on else ""),
                (_("Issuer"), f"{report.issuer_name} ({report.issuer_id})"),
            ]
            if report.signed_at:
                rows.append((_("Signed"), report.signed_at.strftime("%Y-%m-%d %H:%M %Z")))
            width = max(len(label) for label, _value in rows)
            for label, value in rows:
                write(f"  {label.ljust(width)}  {value}")
        write("")
        for line in report.passed:
            write(self.style.SUCCESS(f"  ✓ {line}"))
        for line in report.problems:
            write(self.style.ERROR(f"  ✗ {line}"))
        write("")
        if report.ok:
            write(self.style.SUCCESS(_("VALID: this file is the certificate as its issuer signed it.")))
            write(_("Whether it has been revoked since, only the issuer can say: %(url)s") % {"url": report.verify_url})
            return
        write(self.style.ERROR(_("NOT VALID: this file is not a certificate as issued (forged or altered).")))
        sys.exit(1)
