"""``manage.py certificate_key create|show``: the platform's certificate signing key.

``create`` makes the key once per deployment (refusing to replace one without
``--force``: a new key leaves every certificate signed with the old one
unverifiable); ``show`` prints what is public about it, to compare with what
``/.well-known/did.json`` serves.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certificates.keys import (
    SigningKeyInvalid,
    did_document,
    issuer_did,
    key_create,
    key_file,
    key_load,
    public_key_fingerprint,
    public_key_jwk,
    public_key_multibase,
    site_url,
    verification_method_id,
)


class Command(BaseCommand):
    # No system checks: in production the missing key is itself a failed check, and this makes it.
    requires_system_checks = []
    help = _("Create the certificate signing key, or show its public half.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("Make the key file (once per deployment)."))
        create.add_argument(
            "--force",
            action="store_true",
            help=_("Replace an existing key. Every certificate signed with it stops verifying."),
        )
        show = actions.add_parser("show", help=_("Print the public key, the DID and where they are published."))
        show.add_argument("--json", action="store_true", help=_("Print the DID document instead."))

    def handle(self, *args, action, **options):
        path = key_file()
        if action == "create":
            if path.exists() and not options["force"]:
                raise CommandError(
                    _(
                        "%(path)s already exists. Replacing it makes every certificate signed with it fail "
                        "verification; if that is really what you want, add --force."
                    )
                    % {"path": path}
                )
            try:
                key_create(path, force=options["force"])
            except FileExistsError:
                raise CommandError(_("%(path)s was created by another process meanwhile.") % {"path": path}) from None
            self.stdout.write(self.style.SUCCESS(_("Created the signing key %(path)s (mode 0600).") % {"path": path}))
            self.stdout.write(_("Back it up now: a lost key cannot be recovered (docs/certificates.md)."))
        try:
            key = key_load(path).public_key()
        except FileNotFoundError:
            raise CommandError(
                _("%(path)s does not exist; make it with `manage.py certificate_key create`.") % {"path": path}
            ) from None
        except SigningKeyInvalid as error:
            raise CommandError(str(error)) from None
        if action == "show" and options["json"]:
            self.stdout.write(json.dumps(did_document(), indent=2))
            return
        rows = [
            (_("Key file"), str(path)),
            (_("Issuer DID"), issuer_did()),
            (_("Verification method"), verification_method_id()),
            (_("Public key (Multikey)"), public_key_multibase(key)),
            (_("Public key (JWK)"), json.dumps(public_key_jwk(key))),
            (_("SHA-256 fingerprint"), public_key_fingerprint(key)),
            (_("Published at"), f"{site_url()}/.well-known/did.json"),
        ]
        width = max(len(label) for label, _value in rows)
        for label, value in rows:
            self.stdout.write(f"{label.ljust(width)}  {value}")
