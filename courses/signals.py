"""Reactions to publishing: fresh renditions and a fresh anonymous page cache."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.signals import copy_for_translation_done, page_published, page_unpublished, post_page_move

from lms.core import pagecache

from .models import Cohort, CoursePage, Enrolment, ModulePage, ModuleProgress, Theme


def _page_published(sender, instance, **kwargs):
    from .tasks import page_renditions_warm_task

    pagecache.content_changed()
    transaction.on_commit(lambda: page_renditions_warm_task.delay(instance.pk))
    _completions_recheck(instance)


def _completions_recheck(page, **kwargs):
    """A module published, unpublished, moved or deleted may leave students with nothing left to do."""
    from .tasks import course_completions_check_task

    page = page.specific_deferred if hasattr(page, "specific_deferred") else page
    if isinstance(page, ModulePage):
        from .selectors import course_id_of_module

        course_id = course_id_of_module(page)
    elif isinstance(page, CoursePage):
        course_id = page.pk
    else:
        return
    if course_id is not None:
        transaction.on_commit(lambda: course_completions_check_task.delay(course_id))


def _page_unpublished(sender, instance, **kwargs):
    pagecache.content_changed()
    _completions_recheck(instance)


def _module_deleted(sender, instance, **kwargs):
    pagecache.content_changed()
    _completions_recheck(instance)


def _content_changed(sender, **kwargs):
    pagecache.content_changed()


def _page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    """A module moved to another course leaves one course and joins the other: both are checked again."""
    pagecache.content_changed()
    if parent_page_before is None or parent_page_after is None or parent_page_before.pk == parent_page_after.pk:
        return
    page = instance.specific_deferred if hasattr(instance, "specific_deferred") else instance
    if isinstance(page, ModulePage):
        for parent in (parent_page_before, parent_page_after):
            _completions_recheck(parent)


def _course_deleted(sender, instance, **kwargs):
    from .services import course_instructors_group_delete

    pagecache.content_changed()
    course_instructors_group_delete(course_id=instance.pk)


def _theme_deleted(sender, instance, **kwargs):
    """A source theme deleted takes its translations with it: they would be themes of nothing."""
    pagecache.content_changed()
    from .selectors.translation import default_language

    if instance.locale.language_code == default_language():
        instance.get_translations().delete()


def _cohort_changed(sender, instance, **kwargs):
    # Places left and the cohorts offered show in the course's enrolment panel.
    pagecache.versions_bump_on_commit(pagecache.version_key("course", instance.course_id))


def _learner_state_saved(sender, instance, **kwargs):
    from .services import learner_state_changed

    if isinstance(instance, ModuleProgress) and instance.completed_at is None and "created" in kwargs:
        return  # a module opened, not completed: nothing a cached part shows
    if isinstance(instance, Enrolment):
        # The course's version too: the places left in its cohorts may have changed.
        learner_state_changed(user_ids=[instance.user_id], course_ids=[instance.course_id])
    else:
        learner_state_changed(user_ids=[instance.enrolment.user_id])


def _course_translated(sender, source_obj, target_obj, **kwargs):
    """A course's instructors may edit its new translation, as they edit the course."""
    if isinstance(source_obj, CoursePage):
        from .services import course_instructors_sync

        course_instructors_sync(course=source_obj)


def connect() -> None:
    for model in (Enrolment, ModuleProgress):
        post_save.connect(_learner_state_saved, sender=model, dispatch_uid=f"courses_{model.__name__}_saved")
    # Progress goes with its module or enrolment, whose own signals retire the parts.
    post_delete.connect(_learner_state_saved, sender=Enrolment, dispatch_uid="courses_Enrolment_deleted")
    post_save.connect(_cohort_changed, sender=Cohort, dispatch_uid="courses_cohort_saved")
    post_delete.connect(_cohort_changed, sender=Cohort, dispatch_uid="courses_cohort_deleted")
    post_delete.connect(_course_deleted, sender=CoursePage, dispatch_uid="courses_course_deleted")
    page_published.connect(_page_published, dispatch_uid="courses_page_published")
    copy_for_translation_done.connect(_course_translated, dispatch_uid="courses_course_translated")
    page_unpublished.connect(_page_unpublished, dispatch_uid="courses_page_unpublished")
    post_delete.connect(_module_deleted, sender=ModulePage, dispatch_uid="courses_module_deleted")
    post_page_move.connect(_page_moved, dispatch_uid="courses_page_moved")
    post_save.connect(_content_changed, sender=Theme, dispatch_uid="courses_theme_saved")
    post_delete.connect(_theme_deleted, sender=Theme, dispatch_uid="courses_theme_deleted")
