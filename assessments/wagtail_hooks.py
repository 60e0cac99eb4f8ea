"""Registers the instructors' admin: question banks, assessments, grading, gradebooks, statistics."""

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet

from .models import Assessment, AssessmentItem, Attempt, Question, QuestionCategory
from .wagtail_admin import views
from .wagtail_admin.viewsets import AssessmentsViewSetGroup, question_policy, regrade_url, statistics_url

register_snippet(AssessmentsViewSetGroup)


@hooks.register("register_admin_viewset")
def _register_staff_views():
    return views.StaffViewSet()


@hooks.register("register_admin_menu_item")
def _grading_menu_item():
    return views.grading_menu_item()


@hooks.register("register_admin_menu_item")
def _gradebooks_menu_item():
    return views.gradebooks_menu_item()


@hooks.register("register_admin_menu_item")
def _translations_menu_item():
    return views.translations_menu_item()


@hooks.register("register_snippet_listing_buttons")
def _question_and_assessment_buttons(snippet, user, next_url=None):
    if isinstance(snippet, Question) and question_policy.user_has_permission_for_instance(user, "change", snippet):
        yield Button(_("Regrade answers"), url=regrade_url(snippet.pk), icon_name="resubmit", priority=60)
    if isinstance(snippet, Assessment):
        yield Button(_("Question statistics"), url=statistics_url(snippet.pk), icon_name="table", priority=60)


# Questions asked, categories drawn from and assessments attempted are kept (PROTECT): say so.


def _in_use(instance) -> str:
    if isinstance(instance, Question):
        count = AssessmentItem.objects.filter(question=instance).values("assessment").distinct().count()
        if count:
            return ngettext(
                "The question “%(name)s” cannot be deleted: %(count)d assessment asks it. "
                "Remove it from the assessment first; answers already given keep their own copy.",
                "The question “%(name)s” cannot be deleted: %(count)d assessments ask it. "
                "Remove it from the assessments first; answers already given keep their own copy.",
                count,
            ) % {"name": instance.title, "count": count}
    if isinstance(instance, QuestionCategory):
        count = AssessmentItem.objects.filter(category=instance).values("assessment").distinct().count()
        if count:
            return ngettext(
                "The category “%(name)s” cannot be deleted: %(count)d assessment draws from it.",
                "The category “%(name)s” cannot be deleted: %(count)d assessments draw from it.",
                count,
            ) % {"name": instance.name, "count": count}
    if isinstance(instance, Assessment):
        count = Attempt.objects.filter(assessment=instance).count()
        if count:
            return ngettext(
                "The assessment “%(name)s” cannot be deleted: it has %(count)d attempt. "
                "Set a closing date instead; results are kept.",
                "The assessment “%(name)s” cannot be deleted: it has %(count)d attempts. "
                "Set a closing date instead; results are kept.",
                count,
            ) % {"name": instance.title, "count": count}
    return ""


@hooks.register("before_delete_snippet")
def _refuse_deleting_what_is_in_use(request, instances):
    for instance in instances:
        reason = _in_use(instance)
        if reason:
            messages.error(request, reason)
            return redirect(type(instance).snippet_viewset.get_url_name("list"))
    return None


def _courses_with_assessments(pages) -> list:
    from courses.api import CoursePage

    ids = [page.pk for page in pages if isinstance(page.specific_deferred, CoursePage)]
    return list(Assessment.objects.filter(course_id__in=ids).values_list("course__title", flat=True).distinct())


def _refuse_course_deletion(request, pages) -> bool:
    # Assessment.course is PROTECT: without this the delete would fail with a server error.
    titles = _courses_with_assessments(pages)
    for title in titles:
        messages.error(
            request,
            _("The course “%(title)s” has assessments, which keep their students' attempts: unpublish it instead.")
            % {"title": title},
        )
    return bool(titles)


@hooks.register("before_delete_page")
def _refuse_deleting_a_course_with_assessments(request, page):
    if _refuse_course_deletion(request, [page]):
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_bulk_action")
def _refuse_bulk_deleting_courses_with_assessments(request, action_type, objects, action_class_instance):
    from wagtail.models import Page

    if (
        action_type == "delete"
        and objects
        and isinstance(objects[0], Page)
        and _refuse_course_deletion(request, objects)
    ):
        return redirect(action_class_instance.next_url)
    return None
