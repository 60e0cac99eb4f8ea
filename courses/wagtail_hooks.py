from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.models import Page, TranslatableMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, get_snippet_model_from_url_params

from wagtail_localize.models import TranslationSource
from wagtail_localize.views import report, snippets_api, submit_translations, update_translations

from .models import Cohort, CoursePage, ModulePage, Theme
from .selectors.translation import language_name, page_is_source, page_source, translations_out_of_date
from .services import course_instructors_sync


class ThemeViewSet(SnippetViewSet):
    """Themes and their translations ("Translate" in the list, wagtail-localize), for administrators.

    Courses choose among the source themes; a translation lends its name and
    description to readers of its language, the slug stays the source's.
    """

    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["name", "slug", "locale"]
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


@hooks.register("before_edit_page")
def _translations_out_of_date_warning(request, page):
    """Say on opening a course or module which translations are older than the original's last change."""
    if request.method != "GET" or not isinstance(page, CoursePage | ModulePage):
        return
    if page_is_source(page):
        stale = translations_out_of_date(page)
        if stale:
            messages.warning(
                request,
                gettext("These translations were published before the last change to this page: %(languages)s.")
                % {"languages": ", ".join(language_name(t.locale.language_code) for t in stale)},
            )
        return
    source = page_source(page)
    if source is not None and page in translations_out_of_date(source):
        messages.warning(
            request,
            gettext("The original changed on %(date)s, after this translation was last published: update it.")
            % {"date": date_format(source.last_published_at, "DATE_FORMAT")},
        )


# wagtail-localize lets anyone holding "submit translation" translate or sync any
# page. Here it is narrowed to the pages the person may edit, so an instructor
# translates their own course and modules and nobody else's. These addresses
# are registered before wagtail-localize's (order=-1), so they answer first.


def _page_editable_or_403(request, page):
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied


def _submit_page_translation(request, page_id):
    _page_editable_or_403(request, get_object_or_404(Page, pk=page_id))
    return submit_translations.SubmitPageTranslationView.as_view()(request, page_id=page_id)


def _snippet_permitted_or_403(request, model, action):
    if not request.user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}"):
        raise PermissionDenied


def _submit_snippet_translation(request, app_label, model_name, pk):
    # A translation is a new row of the snippet: whoever may not add one (a theme, for an
    # instructor) may not start one either, whatever wagtail-localize's own permission says.
    _snippet_permitted_or_403(request, get_snippet_model_from_url_params(app_label, model_name), "add")
    return submit_translations.SubmitSnippetTranslationView.as_view()(
        request, app_label=app_label, model_name=model_name, pk=pk
    )


def _update_translations(request, translation_source_id):
    source = get_object_or_404(TranslationSource, pk=translation_source_id)
    instance = source.get_source_instance()
    if isinstance(instance, Page):
        _page_editable_or_403(request, instance)
    else:
        _snippet_permitted_or_403(request, type(instance), "change")
    return update_translations.UpdateTranslationsView.as_view()(request, translation_source_id=translation_source_id)


# wagtail-localize's snippet API (for its editor's snippet chooser) lists every row of any snippet
# model to anyone in the admin, and its report lists every translation of every page. Here the API
# answers administrators, and others only for translatable models they may view (the glossary); the
# report is for administrators: an instructor learns nothing of another course's question bank or pages.


def _snippets_api(request, app_label, model_name, pk=None):
    model = get_snippet_model_from_url_params(app_label, model_name)
    may_view = request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    if not (request.user.is_superuser or (issubclass(model, TranslatableMixin) and may_view)):
        raise PermissionDenied
    actions = {"get": "list"} if pk is None else {"get": "retrieve"}
    kwargs = {"app_label": app_label, "model_name": model_name, **({} if pk is None else {"pk": pk})}
    return snippets_api.SnippetViewSet.as_view(actions)(request, **kwargs)


def _translations_report(request, results_only=False):
    if not request.user.is_superuser:
        raise PermissionDenied
    return report.TranslationsReportView.as_view(results_only=results_only)(request)


@hooks.register("register_admin_urls", order=-1)
def _translation_urls_for_editors_only():
    return [
        path("localize/submit/page/<int:page_id>/", _submit_page_translation, name="courses_submit_page_translation"),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            _submit_snippet_translation,
            name="courses_submit_snippet_translation",
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            _update_translations,
            name="courses_update_translations",
        ),
        path("localize/api/snippets/<slug:app_label>/<slug:model_name>/", _snippets_api, name="courses_snippets_api"),
        path(
            "localize/api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
            _snippets_api,
            name="courses_snippets_api_detail",
        ),
        path("localize/reports/translations/", _translations_report, name="courses_translations_report"),
        path(
            "localize/reports/translations/results/",
            _translations_report,
            {"results_only": True},
            name="courses_translations_report_results",
        ),
    ]


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

# The glossary (snippets, with translations approved from the list).
from .wagtail_admin.glossary import GlossaryTermViewSet  # noqa: E402

register_snippet(GlossaryTermViewSet)
