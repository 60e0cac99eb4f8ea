"""Catalogue pages (editorial content) and learner state (plain models).

Pages never hold learner data: enrolments and progress live in ``learning``.
"""

from .catalogue import CatalogueIndexPage, CoursePage, EnrolmentPolicy, HomePage, Level, ModulePage, PublicPage, Theme
from .learning import Cohort, Enrolment, EnrolmentEvent, EnrolmentSource, EnrolmentStatus, ModuleProgress

__all__ = [
    "CatalogueIndexPage",
    "Cohort",
    "CoursePage",
    "Enrolment",
    "EnrolmentEvent",
    "EnrolmentPolicy",
    "EnrolmentSource",
    "EnrolmentStatus",
    "HomePage",
    "Level",
    "ModulePage",
    "ModuleProgress",
    "PublicPage",
    "Theme",
]
