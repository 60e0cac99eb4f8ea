"""The accounts app's public entry point: other apps import from here only."""

from .emails import user_email_send
from .models import ManagerScope, SponsoringProgram, TimeStampedModel, User
from .roles import Role
from .selectors import manager_scope_describe, manager_scope_filter, user_has_role, user_is_staff_member
from .services import (
    UsersUpserted,
    group_permissions_grant,
    role_groups_ensure,
    user_bulk_upsert,
    user_create,
    user_invitation_send,
    user_invitations_send_later,
    user_roles_set,
)

__all__ = [
    "ManagerScope",
    "Role",
    "SponsoringProgram",
    "TimeStampedModel",
    "User",
    "UsersUpserted",
    "group_permissions_grant",
    "manager_scope_describe",
    "manager_scope_filter",
    "role_groups_ensure",
    "user_bulk_upsert",
    "user_create",
    "user_email_send",
    "user_has_role",
    "user_invitation_send",
    "user_invitations_send_later",
    "user_is_staff_member",
    "user_roles_set",
]
