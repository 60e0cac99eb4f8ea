"""Reads about accounts and roles."""

from django.conf import settings
from django.db.models import Q

from .models import ManagerScope, SponsoringProgram
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


def manager_scope_filter(*, user, student: str = "") -> Q | None:
    """A filter on students (reached through ``student``, e.g. "user" or "holder") for a scoped program manager.

    None when the person is not limited (no scope, or an administrator). Read
    once per request: the result is kept on the user object.
    """
    if user.is_superuser:
        return None
    if not hasattr(user, "_lms_scope"):
        scope = ManagerScope.objects.filter(user=user).first() if user.is_authenticated else None
        user._lms_scope = None
        if scope is not None:
            programs = list(scope.sponsoring_programs.values_list("pk", flat=True))
            user._lms_scope = (list(scope.countries), programs)
    if user._lms_scope is None:
        return None
    countries, programs = user._lms_scope
    prefix = f"{student}__" if student else ""
    condition = Q()
    if countries:
        condition &= Q(**{f"{prefix}country__in": countries})
    if programs:
        condition &= Q(**{f"{prefix}sponsoring_program__in": programs})
    if not countries and not programs:
        # A scope emptied behind the form's back (its programs deleted, a shell): nobody, never everyone.
        return Q(pk__in=[])
    return condition


def manager_scope_describe(*, user) -> dict | None:
    """The countries (codes) and sponsoring programs (ids, names) a program manager is limited to, or None."""
    if manager_scope_filter(user=user) is None:
        return None
    countries, programs = user._lms_scope
    return {
        "countries": countries,
        "program_ids": programs,
        "programs": list(SponsoringProgram.objects.filter(pk__in=programs).values_list("name", flat=True)),
    }
