"""Writes for the glossary: the instructors' permissions on it, and approving translations."""

from django.db import transaction
from django.utils.translation import gettext

from lms.accounts.api import Role, group_permissions_grant, role_groups_ensure

from ..models import GlossaryTerm
from ..selectors.translation import default_language

GLOSSARY_PERMISSIONS = [
    "courses.add_glossaryterm",
    "courses.change_glossaryterm",
    "courses.delete_glossaryterm",
    "courses.view_glossaryterm",
]


def glossary_permissions_ensure() -> None:
    """Instructors (and program managers) keep the glossary: add, edit, translate, approve and delete terms."""
    groups = role_groups_ensure()
    for role in (Role.INSTRUCTOR, Role.PROGRAM_MANAGER):
        group_permissions_grant(group=groups[role], permissions=GLOSSARY_PERMISSIONS)


class GlossaryRefused(Exception):
    pass


@transaction.atomic
def glossary_translation_approve(*, term_id: int, approved: bool = True) -> GlossaryTerm:
    """Mark a translation approved (students see it) or not (they read the source's definition).

    Only translations are approved: a term in the default language is the reference.
    Approving twice changes nothing.
    """
    term = GlossaryTerm.objects.select_for_update().select_related("locale").get(pk=term_id)
    if term.locale.language_code == default_language():
        raise GlossaryRefused(gettext("Terms in the original language need no approval: only their translations do."))
    if term.approved != approved:
        term.approved = approved
        term.save(update_fields=["approved", "updated_at"])
    return term
