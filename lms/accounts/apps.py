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
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .models import User

        # Pages cache what each person may see (lms.core.pagecache): a change of
        # groups, staff or superuser status or activity retires what was kept for them.
        post_save.connect(_user_saved, sender=User, dispatch_uid="accounts_user_saved")
        post_delete.connect(_user_deleted, sender=User, dispatch_uid="accounts_user_deleted")
        m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="accounts_groups_changed")


def _ensure_role_groups(sender, **kwargs):
    from .services import role_groups_ensure

    role_groups_ensure()


def _bump(user_ids) -> None:
    from lms.core import pagecache

    pagecache.versions_bump_on_commit(*(pagecache.version_key("user", pk) for pk in user_ids))


# What decides what a person may see. Saves that name other fields only (last
# sign-in, an invitation sent, profile details) retire nothing.
ACCESS_FIELDS = {"is_active", "is_staff", "is_superuser"}


def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    touches_access = update_fields is None or bool((ACCESS_FIELDS | {"password"}) & set(update_fields))
    _cached_user_drop(instance.pk, again_on_commit=touches_access)
    if touches_access and (update_fields is None or ACCESS_FIELDS & set(update_fields)):
        _bump([instance.pk])


def _cached_user_drop(user_id, *, again_on_commit: bool = True) -> None:
    """The signed-in user's cached row (lms.accounts.backends) is stale: drop it now, and after commit
    when access changed (a request racing the transaction could cache the old row meanwhile)."""
    from django.core.cache import cache
    from django.db import transaction

    from .backends import user_cache_key

    cache.delete(user_cache_key(user_id))
    if again_on_commit:
        transaction.on_commit(lambda: cache.delete(user_cache_key(user_id)))


def _user_deleted(sender, instance, **kwargs):
    _cached_user_drop(instance.pk)


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:  # user.groups.add(...): one user
        _bump([instance.pk])
    elif pk_set:  # group.user_set.add(...): these users
        _bump(pk_set)
    elif action == "pre_clear":  # group.user_set.clear(): whoever was in it
        _bump(list(instance.user_set.values_list("pk", flat=True)))
