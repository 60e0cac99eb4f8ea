from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import services

        post_migrate.connect(_ensure_role_groups, sender=self)
        services.connect_signals()


def _ensure_role_groups(sender, **kwargs):
    from .services import role_groups_ensure

    role_groups_ensure()
