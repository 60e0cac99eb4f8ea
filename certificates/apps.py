from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.api import course_completed, dashboard_section_register

        from . import checks, facts, log_actions, services  # noqa: F401 - checks registers the signing key's system checks
        from .dashboard import dashboard_section

        log_actions.register()
        facts.connect()
        course_completed.connect(services.on_course_completed, dispatch_uid="certificates_on_course_completed")
        dashboard_section_register("certificates", dashboard_section)
        post_migrate.connect(_manager_permissions_grant, dispatch_uid="certificates_manager_permissions")


def _manager_permissions_grant(sender, **kwargs):
    """Program managers see and act on certificates; the admin narrows instructors to their courses."""
    from lms.accounts.api import Role, group_permissions_grant, role_groups_ensure

    groups = role_groups_ensure()
    group_permissions_grant(
        group=groups[Role.PROGRAM_MANAGER],
        permissions=[
            "certificates.view_certificate",
            "certificates.change_certificate",
            "certificates.view_certificatetemplate",
        ],
    )
