"""The assessments app's public entry point: other apps import from here only."""

from .models import Assessment, Attempt, AttemptStatus, Question
from .selectors import attempt_list_for_student, user_teaches_course
from .services import AttemptRefused, attempt_start, attempt_submit

__all__ = [
    "Assessment",
    "Attempt",
    "AttemptRefused",
    "AttemptStatus",
    "Question",
    "attempt_list_for_student",
    "attempt_start",
    "attempt_submit",
    "user_teaches_course",
]
