"""What the audit log (Wagtail's history and "Site history" report) says of certificates."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks

ACTIONS = {
    "certificates.create": (_("Certificate created"), _("Certificate created on completion")),
    "certificates.issue": (_("Certificate issued"), _("Certificate rendered, signed and issued")),
    "certificates.revoke": (_("Certificate revoked"), _("Certificate revoked")),
    "certificates.reissue": (_("Certificate reissued"), _("Certificate reissued with a new code")),
    "certificates.replace": (_("Certificate replaced"), _("Certificate replaced by a reissue")),
    "certificates.files": (
        _("Certificate file made"),
        _("Certificate's PDF rendered and signed when first asked for (it was issued without one)"),
    ),
    "certificates.bulk_issue": (_("Certificate issued for a cohort"), _("Certificate issued for a whole cohort")),
}


def _register(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def register() -> None:
    """Called from ``CertificatesConfig.ready()``, before the registry first scans the hooks."""
    hooks.register("register_log_actions", _register)
