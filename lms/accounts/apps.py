from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Every app's post_migrate, not only ours: permissions of apps listed after
        # this one exist only once their own post_migrate has run.
        post_migrate.connect(_ensure_role_groups, dispatch_uid="accounts_ensure_role_groups")


def _ensure_role_groups(sender, **kwargs):
    from .services import role_groups_ensure

    role_groups_ensure()
