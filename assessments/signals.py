"""Cached parts that show a student's attempts, or a course's assessments, are retired when those change.

An attempt is saved when it starts, is submitted and is graded (autosaves
write its questions only, so they bump nothing). Assessments are snippets:
saving one changes the list on its course page, which the content version
(bumped on page publishes only) does not cover. Any change to what a start
freezes (questions, options, categories, assessments and their items) moves the
bank version, retiring the plans each process keeps (``frozen``).
"""

from django.db.models.signals import post_delete, post_save

from lms.core import pagecache

from . import frozen
from .models import (
    Assessment,
    AssessmentItem,
    AssessmentTranslation,
    Attempt,
    Question,
    QuestionCategory,
    QuestionOption,
    QuestionOptionTranslation,
    QuestionTranslation,
)


def _attempt_saved(sender, instance, **kwargs):
    pagecache.versions_bump_on_commit(pagecache.version_key("user", instance.user_id))


def _assessment_saved(sender, instance, **kwargs):
    from .parts import course_assessments_version

    pagecache.versions_bump_on_commit(course_assessments_version(instance.course_id))


def _bank_changed(sender, **kwargs):
    frozen.bank_changed()


# What a start freezes: the questions, their options and translations, the categories drawn from, the items.
BANK_MODELS = (
    Question,
    QuestionOption,
    QuestionCategory,
    Assessment,
    AssessmentItem,
    QuestionTranslation,
    QuestionOptionTranslation,
    AssessmentTranslation,
)


def connect() -> None:
    for model in BANK_MODELS:
        post_save.connect(_bank_changed, sender=model, dispatch_uid=f"assessments_bank_saved_{model.__name__}")
        post_delete.connect(_bank_changed, sender=model, dispatch_uid=f"assessments_bank_deleted_{model.__name__}")
    post_save.connect(_attempt_saved, sender=Attempt, dispatch_uid="assessments_attempt_saved")
    post_delete.connect(_attempt_saved, sender=Attempt, dispatch_uid="assessments_attempt_deleted")
    post_save.connect(_assessment_saved, sender=Assessment, dispatch_uid="assessments_assessment_saved")
    post_delete.connect(_assessment_saved, sender=Assessment, dispatch_uid="assessments_assessment_deleted")
