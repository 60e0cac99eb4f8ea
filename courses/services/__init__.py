"""Writes for the catalogue and for learner state."""

from .catalogue import (
    COVER_IMAGE_SPECS,
    INSTRUCTOR_PAGE_PERMISSIONS,
    course_instructors_group_delete,
    course_instructors_sync,
    course_roles_permissions_ensure,
    page_rendition_specs,
    page_renditions_warm,
)
from .enrolment import (
    EnrolmentRefused,
    course_completions_check,
    enrolment_activity_record,
    enrolment_approve,
    enrolment_completion_check,
    enrolment_create_for_student,
    enrolment_decision_notify,
    enrolment_decisions_unsent_notify,
    enrolment_reject,
    enrolment_request,
    enrolment_withdraw,
    learner_state_changed,
    module_complete,
    module_visit,
)
from .imports import StudentImportRefused, cohort_students_import, student_import_template_csv
from .translation import TranslationRefused, page_translation_save

__all__ = [
    "COVER_IMAGE_SPECS",
    "INSTRUCTOR_PAGE_PERMISSIONS",
    "EnrolmentRefused",
    "StudentImportRefused",
    "TranslationRefused",
    "cohort_students_import",
    "course_completions_check",
    "course_instructors_group_delete",
    "course_instructors_sync",
    "course_roles_permissions_ensure",
    "enrolment_activity_record",
    "enrolment_approve",
    "enrolment_completion_check",
    "enrolment_create_for_student",
    "enrolment_decision_notify",
    "enrolment_decisions_unsent_notify",
    "enrolment_reject",
    "enrolment_request",
    "enrolment_withdraw",
    "learner_state_changed",
    "module_complete",
    "module_visit",
    "page_rendition_specs",
    "page_renditions_warm",
    "page_translation_save",
    "student_import_template_csv",
]
