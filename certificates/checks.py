"""System checks for the certificate signing key and the Site history guard (run by ``manage.py check``,
``migrate`` and ``runserver``).

In production a missing key must stop the deployment, not the first certificate:
each process making its own key would sign certificates that no other process's
published key verifies. Imported by ``CertificatesConfig.ready()``.
"""

import os
import stat
from urllib.parse import urlsplit

from django.core.checks import Error, Warning, register
from django.utils.translation import gettext as _

from .keys import SigningKeyInvalid, key_create_missing_allowed, key_file, key_load, site_url


@register("certificates")
def signing_key_check(app_configs=None, **kwargs):
    path = key_file()
    if not path.exists():
        if key_create_missing_allowed():
            return []  # made on first use (development, tests)
        return [
            Error(
                _("The certificate signing key file %(path)s does not exist.") % {"path": path},
                hint=_(
                    "Create it once with `manage.py certificate_key create`, or restore it from the backup, "
                    "and give every web and worker machine the same file (docs/certificates.md)."
                ),
                id="certificates.E001",
            )
        ]
    try:
        key_load(path)
    except SigningKeyInvalid as error:
        return [Error(str(error), id="certificates.E002")]
    problems = []
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        problems.append(
            Warning(
                _("The certificate signing key file %(path)s can be read by other users.") % {"path": path},
                hint=_("Make it readable by the application's user only: chmod 600 %(path)s") % {"path": path},
                id="certificates.W001",
            )
        )
    return problems


@register("certificates", deploy=True)
def issuer_address_check(app_configs=None, **kwargs):
    """did:web is resolved over HTTPS at the site's host: a verifier cannot reach http or localhost."""
    parts = urlsplit(site_url())
    if parts.scheme != "https" or parts.hostname in ("localhost", "127.0.0.1", "::1"):
        return [
            Warning(
                _("The site's base URL %(url)s is not a public https address.") % {"url": site_url()},
                hint=_(
                    "Credentials name their issuer did:web:<host>, which verifiers resolve at "
                    "https://<host>/.well-known/did.json. Set BASE_URL to the public https address."
                ),
                id="certificates.W002",
            )
        ]
    if parts.path not in ("", "/"):
        return [
            Warning(
                _("The site's base URL %(url)s has a path; the issuer's DID document is served at the host's root.")
                % {"url": site_url()},
                id="certificates.W003",
            )
        ]
    return []


@register("certificates")
def site_history_guard_check(app_configs=None, **kwargs):
    """Scoped program managers must stay out of Wagtail's Site history (certificates/wagtail_admin/site_history.py)."""
    from .wagtail_admin.site_history import URL_NAMES, site_history_guard_install

    missing = set(URL_NAMES) - set(site_history_guard_install())
    if missing:
        return [
            Error(
                _("Wagtail's Site history URL patterns %(names)s were not found: scoped managers are not kept out.")
                % {"names": ", ".join(sorted(missing))},
                hint=_("Guard the view Wagtail now uses (certificates/wagtail_admin/site_history.py)."),
                id="certificates.E010",
            )
        ]
    return []
