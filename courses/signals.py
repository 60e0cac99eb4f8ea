"""Reactions to publishing: fresh renditions and a fresh anonymous page cache."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished, post_page_move

from lms.core import pagecache

from .models import Cohort, CoursePage, Enrolment, ModuleProgress, Theme


def _page_published(sender, instance, **kwargs):
    from .tasks import page_renditions_warm_task

    pagecache.content_changed()
    transaction.on_commit(lambda: page_renditions_warm_task.delay(instance.pk))


def _content_changed(sender, **kwargs):
    pagecache.content_changed()


def _course_deleted(sender, instance, **kwargs):
    from .services import course_instructors_group_delete

    pagecache.content_changed()
    course_instructors_group_delete(course_id=instance.pk)


def _cohort_changed(sender, instance, **kwargs):
    # Places left and the cohorts offered show in the course's enrolment panel.
    pagecache.versions_bump_on_commit(pagecache.version_key("course", instance.course_id))


def _learner_state_saved(sender, instance, **kwargs):
    from .services import learner_state_changed

    if isinstance(instance, ModuleProgress) and instance.completed_at is None and "created" in kwargs:
        return  # a module opened, not completed: nothing a cached part shows
    enrolment = instance if isinstance(instance, Enrolment) else instance.enrolment
    learner_state_changed(user_ids=[enrolment.user_id], course_ids=[enrolment.course_id])


def connect() -> None:
    for model in (Enrolment, ModuleProgress):
        post_save.connect(_learner_state_saved, sender=model, dispatch_uid=f"courses_{model.__name__}_saved")
        post_delete.connect(_learner_state_saved, sender=model, dispatch_uid=f"courses_{model.__name__}_deleted")
    post_save.connect(_cohort_changed, sender=Cohort, dispatch_uid="courses_cohort_saved")
    post_delete.connect(_cohort_changed, sender=Cohort, dispatch_uid="courses_cohort_deleted")
    post_delete.connect(_course_deleted, sender=CoursePage, dispatch_uid="courses_course_deleted")
    page_published.connect(_page_published, dispatch_uid="courses_page_published")
    page_unpublished.connect(_content_changed, dispatch_uid="courses_page_unpublished")
    post_page_move.connect(_content_changed, dispatch_uid="courses_page_moved")
    post_save.connect(_content_changed, sender=Theme, dispatch_uid="courses_theme_saved")
    post_delete.connect(_content_changed, sender=Theme, dispatch_uid="courses_theme_deleted")
