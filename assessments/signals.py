"""Cached parts that show a student's attempts, or a course's assessments, are retired when those change.

An attempt is saved when it starts, is submitted and is graded (autosaves
write its questions only, so they bump nothing). Assessments are snippets:
saving one changes the list on its course page, which the content version
(bumped on page publishes only) does not cover.
"""

from django.db.models.signals import post_delete, post_save

from lms.core import pagecache

from .models import Assessment, Attempt


def _attempt_saved(sender, instance, **kwargs):
    pagecache.versions_bump_on_commit(pagecache.version_key("user", instance.user_id))


def _assessment_saved(sender, instance, **kwargs):
    from .parts import course_assessments_version

    pagecache.versions_bump_on_commit(course_assessments_version(instance.course_id))


def connect() -> None:
    post_save.connect(_attempt_saved, sender=Attempt, dispatch_uid="assessments_attempt_saved")
    post_delete.connect(_attempt_saved, sender=Attempt, dispatch_uid="assessments_attempt_deleted")
    post_save.connect(_assessment_saved, sender=Assessment, dispatch_uid="assessments_assessment_saved")
    post_delete.connect(_assessment_saved, sender=Assessment, dispatch_uid="assessments_assessment_deleted")
