"""Writes for accounts. Views, forms and tasks call these; nothing else writes users."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import User
from .roles import Role

# Admin permissions each role needs, by "app_label.codename". Other apps add
# their own to the same groups (see courses.apps).
ROLE_PERMISSIONS = {
    Role.STUDENT: [],
    Role.INSTRUCTOR: ["wagtailadmin.access_admin"],
    Role.PROGRAM_MANAGER: ["wagtailadmin.access_admin"],
}


def role_groups_ensure() -> dict[str, Group]:
    """Every role exists as a group with at least its base permissions (safe to run again)."""
    groups = {}
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group_permissions_grant(group=group, permissions=perms)
        groups[role] = group
    return groups


def group_permissions_grant(*, group: Group, permissions: list[str]) -> None:
    for dotted in permissions:
        app_label, codename = dotted.split(".", 1)
        perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if perm is not None:
            group.permissions.add(perm)


def user_roles_set(*, user: User, roles: list[Role]) -> None:
    groups = role_groups_ensure()
    user.groups.remove(*[groups[r] for r in Role if r not in roles])
    user.groups.add(*[groups[r] for r in roles])


@transaction.atomic
def user_create(*, email: str, password: str | None, first_name: str, send_welcome: bool = True, **fields) -> User:
    """A new account starts as a student; the welcome email goes once the account is saved."""
    user = User.objects.create_user(email=email, password=password, first_name=first_name, **fields)
    user_roles_set(user=user, roles=[Role.STUDENT])
    if send_welcome:
        from .tasks import user_welcome_email_send_task

        transaction.on_commit(lambda: user_welcome_email_send_task.delay(user.pk))
    return user


PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "name_native",
    "preferred_language",
    "country",
    "service",
    "rank",
    "organisation",
    "sponsoring_program",
)


@transaction.atomic
def user_profile_update(*, user: User, **data) -> User:
    """Only the profile fields can change here; email and roles have their own paths."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(data))
    return user


@transaction.atomic
def user_welcome_email_send(*, user_id: int) -> bool:
    """Send the welcome email once per account, in the user's language.

    The row stays locked while the mail goes out and is marked sent in the same
    transaction, so a retried or redelivered task sends nothing more; a failed
    send rolls the mark back so that the retry sends it. Returns whether it sent.
    """
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True, welcome_email_sent_at=None).first()
    if user is None:
        return False
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "platform_name": settings.WAGTAIL_SITE_NAME,
            "base_url": settings.WAGTAILADMIN_BASE_URL,
        }
        subject = render_to_string("accounts/email/welcome_subject.txt", context).strip()
        body = render_to_string("accounts/email/welcome.txt", context)
    send_mail(subject, body, None, [user.email])
    user.welcome_email_sent_at = timezone.now()
    user.save(update_fields=["welcome_email_sent_at"])
    return True
