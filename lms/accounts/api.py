"""The accounts app's public entry point: other apps import from here only."""

from .models import SponsoringProgram, TimeStampedModel, User
from .roles import Role
from .selectors import user_has_role, user_is_staff_member
from .services import group_permissions_grant, role_groups_ensure, user_create, user_roles_set

__all__ = [
    "Role",
    "SponsoringProgram",
    "TimeStampedModel",
    "User",
    "group_permissions_grant",
    "role_groups_ensure",
    "user_create",
    "user_has_role",
    "user_is_staff_member",
    "user_roles_set",
]
