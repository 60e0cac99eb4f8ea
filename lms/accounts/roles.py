"""The platform's roles. Each is a Django group; names are stable identifiers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "Students", _("Student")
    INSTRUCTOR = "Instructors", _("Instructor")
    PROGRAM_MANAGER = "Program Managers", _("Program manager")


# Roles that work in the Wagtail admin and so may be required to use 2FA.
STAFF_ROLES = (Role.INSTRUCTOR, Role.PROGRAM_MANAGER)
