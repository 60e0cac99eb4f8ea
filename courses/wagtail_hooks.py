from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Cohort, CoursePage, Theme
from .services import course_instructors_sync


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["name", "slug"]
    search_fields = ["name"]


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    list_display = ["name", "course", "starts_on", "ends_on", "sponsoring_program", "capacity"]
    list_filter = ["sponsoring_program"]
    search_fields = ["name"]
    ordering = ["-starts_on"]


register_snippet(ThemeViewSet)
register_snippet(CohortViewSet)


def _sync_course_instructors(request, page):
    # The page here is the editor's object: it holds the instructors just chosen,
    # whether the change was published or saved as a draft.
    if isinstance(page, CoursePage):
        course_instructors_sync(course=page, instructors=list(page.instructors.all()))


hooks.register("after_create_page", _sync_course_instructors)
hooks.register("after_edit_page", _sync_course_instructors)


@hooks.register("before_serve_document")
def _module_readings_for_readers_only(document, request):
    """A document shown in a module (a reading) is for the readers of that module's text.

    Anyone who may read one of the courses using it gets it; other documents
    stay public. Checked on every download, so the link alone gives nothing.
    """
    from django.contrib.auth.views import redirect_to_login
    from django.shortcuts import render

    from .selectors import course_ids_using_document, module_reader_enrolment

    course_ids = course_ids_using_document(document=document)
    if not course_ids:
        return None
    if any(module_reader_enrolment(user=request.user, course_id=pk)[0] for pk in course_ids):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "403.html", status=403)


# Learner-state screens register their own hooks and view sets when imported.
from .wagtail_admin import enrolments, imports  # noqa: E402, F401
