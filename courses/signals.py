"""Reactions to publishing: fresh renditions and a fresh anonymous page cache."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished, post_page_move

from lms.core import pagecache

from .models import CoursePage, Theme


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


def connect() -> None:
    post_delete.connect(_course_deleted, sender=CoursePage, dispatch_uid="courses_course_deleted")
    page_published.connect(_page_published, dispatch_uid="courses_page_published")
    page_unpublished.connect(_content_changed, dispatch_uid="courses_page_unpublished")
    post_page_move.connect(_content_changed, dispatch_uid="courses_page_moved")
    post_save.connect(_content_changed, sender=Theme, dispatch_uid="courses_theme_saved")
    post_delete.connect(_content_changed, sender=Theme, dispatch_uid="courses_theme_deleted")
