"""The courses app's public entry point."""

from .models import CatalogueIndexPage, Cohort, CoursePage, EnrolmentPolicy, HomePage, Level, ModulePage, Theme
from .selectors import course_list_live, course_outline
from .services import course_instructors_sync, page_renditions_warm

__all__ = [
    "CatalogueIndexPage",
    "Cohort",
    "CoursePage",
    "EnrolmentPolicy",
    "HomePage",
    "Level",
    "ModulePage",
    "Theme",
    "course_instructors_sync",
    "course_list_live",
    "course_outline",
    "page_renditions_warm",
]
