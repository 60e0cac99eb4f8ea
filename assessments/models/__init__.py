"""Question banks, assessments, and students' attempts.

Banks and assessments are authored content (snippets with revisions); an
attempt is learner state and freezes what it asked: a snapshot of each
question as it stood when the attempt started, so later edits to a question
never change an attempt.
"""

from .assessment import Assessment, AssessmentItem, FeedbackPolicy, GradeRule, Layout
from .attempts import Attempt, AttemptQuestion, AttemptStatus, GradeChange
from .bank import Question, QuestionCategory, QuestionOption, QuestionType, ScoringRule
from .translations import (
    AssessmentTranslation,
    QuestionCategoryTranslation,
    QuestionOptionTranslation,
    QuestionTranslation,
)

__all__ = [
    "Assessment",
    "AssessmentItem",
    "AssessmentTranslation",
    "Attempt",
    "AttemptQuestion",
    "AttemptStatus",
    "FeedbackPolicy",
    "GradeChange",
    "GradeRule",
    "Layout",
    "Question",
    "QuestionCategory",
    "QuestionCategoryTranslation",
    "QuestionOption",
    "QuestionOptionTranslation",
    "QuestionTranslation",
    "QuestionType",
    "ScoringRule",
]
