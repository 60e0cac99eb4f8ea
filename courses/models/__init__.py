"""Catalogue pages (editorial content) and learner state (plain models).

Pages never hold learner data: enrolments and progress live in ``learning``.
"""

from .catalogue import CatalogueIndexPage, CoursePage, EnrolmentPolicy, HomePage, Level, ModulePage, PublicPage, Theme
from .glossary import GlossaryTerm
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
    "GlossaryTerm",
    "HomePage",
    "Level",
    "ModulePage",
    "ModuleProgress",
    "PublicPage",
    "Theme",
]
