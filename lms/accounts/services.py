"""Writes for accounts. Views, forms and tasks call these; nothing else writes users."""

import dataclasses
import datetime
import secrets

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .backends import user_cache_key
from .emails import user_email_send
from .models import User
from .roles import Role

# Rows per statement in bulk writes: large enough to keep queries few, small enough for any driver.
_BULK_BATCH = 1000

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
    user_email_send(user=user, template="accounts/email/welcome")
    user.welcome_email_sent_at = timezone.now()
    user.save(update_fields=["welcome_email_sent_at"])
    return True


# Accounts made for someone else (a bulk import): written in bulk, invited to choose a password.


@dataclasses.dataclass
class UsersUpserted:
    """What ``user_bulk_upsert`` did. Emails are keys in lower case."""

    ids_by_email: dict[str, int]
    created: list[int]
    updated: list[int]
    invited: list[int]

    @property
    def unchanged(self) -> int:
        return len(self.ids_by_email) - len(self.created) - len(self.updated)


def _invitation_expired_before():
    return timezone.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def _awaits_invitation(user: User, expired_before) -> bool:
    """Nobody can sign in to this account yet, and no working invitation link is on its way."""
    return (
        user.is_active
        and user.last_login is None
        and not user.has_usable_password()
        and (user.invited_at is None or user.invited_at < expired_before)
    )


@transaction.atomic
def user_bulk_upsert(
    *, people: list[dict], new_user_defaults: dict | None = None, invite: bool = True
) -> UsersUpserted:
    """Create the accounts that are missing and update the profiles of those that exist, in bulk.

    Each person is a dict with ``email`` and any of ``PROFILE_FIELDS``, already
    validated by the caller (which reports bad values with their line). People
    are matched to accounts by email, case-insensitively; an email may appear
    once. For an existing account only the fields given with a value change: an
    empty value never blanks what the account holds, and its email, password
    and roles stay as they are. A new account is a student without a usable
    password, and ``new_user_defaults`` fill the fields its person left empty.

    With ``invite``, new accounts, and existing ones nobody has signed in to
    whose invitation was never sent or has expired, are invited to choose a
    password once the transaction commits. The number of queries does not
    grow with the number of people (a handful per thousand).
    """
    new_user_defaults = new_user_defaults or {}
    unknown = {name for person in [*people, new_user_defaults] for name in person} - {"email", *PROFILE_FIELDS}
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    by_email = {}
    for person in people:
        email = User.objects.normalize_email(person["email"])
        if not email or email in by_email:
            raise ValueError(f"Missing or repeated email: {email!r}")
        by_email[email] = {name: value for name, value in person.items() if name != "email"}
    existing = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=list(by_email))
    }

    changed_users, changed_fields = [], set()
    for email, user in existing.items():
        changed = False
        for name, value in by_email[email].items():
            if value in ("", None):
                continue
            current = user.sponsoring_program_id if name == "sponsoring_program" else getattr(user, name)
            wanted = value.pk if name == "sponsoring_program" else value
            if current != wanted:
                setattr(user, name, value)
                changed_fields.add(name)
                changed = True
        if changed:
            changed_users.append(user)
    if changed_users:
        User.objects.bulk_update(changed_users, sorted(changed_fields), batch_size=_BULK_BATCH)
        # bulk_update sends no signals: drop the signed-in users' cached rows (lms.accounts.backends).
        stale = [user_cache_key(user.pk) for user in changed_users]
        cache.delete_many(stale)
        transaction.on_commit(lambda: cache.delete_many(stale))

    new_users = []
    for email, fields in by_email.items():
        if email in existing:
            continue
        values = {name: value for name, value in new_user_defaults.items() if value not in ("", None)}
        values.update({name: value for name, value in fields.items() if value not in ("", None)})
        # What make_password(None) makes, without its slower random string: no password matches it.
        unusable = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
        new_users.append(User(email=email, password=unusable, **values))
    User.objects.bulk_create(new_users, batch_size=_BULK_BATCH)
    if new_users:
        students, _created = Group.objects.get_or_create(name=Role.STUDENT.value)
        membership = User.groups.through
        membership.objects.bulk_create(
            [membership(user_id=user.pk, group_id=students.pk) for user in new_users],
            batch_size=_BULK_BATCH,
            ignore_conflicts=True,
        )

    invited = []
    if invite:
        expired_before = _invitation_expired_before()
        invited = [user.pk for user in new_users] + [
            user.pk for user in existing.values() if _awaits_invitation(user, expired_before)
        ]
        user_invitations_send_later(user_ids=invited)
    return UsersUpserted(
        ids_by_email={email: user.pk for email, user in [*existing.items(), *((u.email, u) for u in new_users)]},
        created=[user.pk for user in new_users],
        updated=[user.pk for user in changed_users],
        invited=invited,
    )


def user_invitations_send_later(*, user_ids: list[int]) -> None:
    """Invite these accounts once the current transaction commits: one message to the broker however many."""
    from .tasks import user_invitations_enqueue_task

    user_ids = list(user_ids)
    if user_ids:
        transaction.on_commit(lambda: user_invitations_enqueue_task.delay(user_ids))


def user_invitations_enqueue(*, user_ids: list[int]) -> int:
    """One invitation task per account, so that a failed send is retried on its own."""
    from .tasks import user_invitation_send_task

    for user_id in user_ids:
        user_invitation_send_task.delay(user_id)
    return len(user_ids)


@transaction.atomic
def user_invitation_send(*, user_id: int) -> bool:
    """Invite someone whose account was made for them to choose a password, in their language.

    Sent only while nobody has signed in to the account and it has no usable
    password, and only once per link lifetime (``PASSWORD_RESET_TIMEOUT``): a
    retried or redelivered task, or a second import, sends nothing more until
    the link has expired. As for the welcome email, the row stays locked while
    the mail goes out and is marked in the same transaction; a failed send
    rolls the mark back so that the retry sends it. Returns whether it sent.
    """
    expired_before = _invitation_expired_before()
    user = (
        User.objects.select_for_update()
        .filter(pk=user_id)
        .filter(Q(invited_at=None) | Q(invited_at__lt=expired_before))
        .first()
    )
    if user is None or not _awaits_invitation(user, expired_before):
        return False
    # Django's password-reset token: it stops working once a password is chosen.
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "set_password_url": f"{settings.WAGTAILADMIN_BASE_URL}{path}",
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    user_email_send(user=user, template="accounts/email/invitation", context=context)
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])
    return True
