"""The assessments app's public entry point: other apps import from here only."""

from .facts import enrolment_assessed_refresh
from .grading import answer_clean, grade, question_snapshot
from .models import (
    Assessment,
    AssessmentItem,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Question,
    QuestionCategory,
    QuestionOption,
)
from .selectors import attempt_list_for_student, user_teaches_course
from .services import (
    AttemptRefused,
    answer_save,
    attempt_start,
    attempt_start_guarded,
    attempt_submit,
    essay_grade,
)
from .staff import QuestionStatistic, question_statistics
from .translation import (
    OptionWording,
    TranslationRefused,
    assessment_translation_save,
    category_translation_save,
    question_translation_save,
)

__all__ = [
    "Assessment",
    "AssessmentItem",
    "Attempt",
    "AttemptQuestion",
    "AttemptRefused",
    "AttemptStatus",
    "OptionWording",
    "Question",
    "QuestionCategory",
    "QuestionOption",
    "QuestionStatistic",
    "TranslationRefused",
    "answer_clean",
    "answer_save",
    "assessment_translation_save",
    "attempt_list_for_student",
    "attempt_start",
    "attempt_start_guarded",
    "attempt_submit",
    "category_translation_save",
    "enrolment_assessed_refresh",
    "essay_grade",
    "grade",
    "question_snapshot",
    "question_statistics",
    "question_translation_save",
    "user_teaches_course",
]
