"""Reads about accounts and roles."""

from django.conf import settings

from .roles import STAFF_ROLES, Role


def user_has_role(*, user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    # One query per request at most: the group names are cached on the user object.
    names = getattr(user, "_lms_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._lms_group_names = names
    return role.value in names


def user_is_staff_member(*, user) -> bool:
    """Instructors, program managers and administrators: the people who use the admin."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or any(user_has_role(user=user, role=r) for r in STAFF_ROLES)


def user_requires_second_factor(*, user) -> bool:
    return settings.LMS_STAFF_REQUIRE_2FA and user_is_staff_member(user=user)
