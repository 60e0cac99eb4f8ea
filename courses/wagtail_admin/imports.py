"""The bulk import of students into a cohort, in the Wagtail admin (registered on import).

Only holders of ``courses.import_students`` (program managers, administrators)
who are not limited by a scope see the menu item or reach the screens; everyone
else is refused by Wagtail (no admin access) or by the permission check here.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from ..forms import StudentImportForm
from ..models import Cohort
from ..services.imports import (
    COLUMNS,
    MAX_ROWS,
    StudentImportRefused,
    cohort_students_import,
    student_import_allowed,
    student_import_template_csv,
)

# The last import's counts, shown once after the redirect (so a reload imports nothing again).
_RESULT_SESSION_KEY = "courses_students_import_result"


class StudentImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "courses/admin/import_students.html"
    form_class = StudentImportForm
    page_title = _("Import students")
    header_icon = "upload"
    success_url = reverse_lazy("courses_students_import")

    def dispatch(self, request, *args, **kwargs):
        if not student_import_allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_initial(self):
        # "Import students" from a cohort's page can name the cohort: ?cohort=<id>.
        cohort_id = self.request.GET.get("cohort", "")
        return {"cohort": cohort_id} if cohort_id.isascii() and cohort_id.isdigit() else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.request.session.pop(_RESULT_SESSION_KEY, None) if self.request.method == "GET" else None
        if result is not None:
            cohort = Cohort.objects.select_related("course").filter(pk=result["cohort_id"]).first()
            context["result"] = result
            context["result_cohort"] = cohort
            if cohort is not None:
                context["result_cohort_url"] = reverse("wagtailsnippets_courses_cohort:edit", args=[cohort.pk])
                context["result_students_url"] = _cohort_students_url(cohort)
        context["columns"] = COLUMNS
        context["max_rows"] = MAX_ROWS
        context["template_url"] = reverse("courses_students_import_template")
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            result = cohort_students_import(
                cohort_id=form.cleaned_data["cohort"].pk, data=upload.read(), actor=self.request.user
            )
        except StudentImportRefused as refusal:
            return self.render_to_response(self.get_context_data(form=form, refusal=refusal))
        self.request.session[_RESULT_SESSION_KEY] = result.as_dict()
        return redirect(self.get_success_url())


def student_import_template(request):
    """The CSV template: its header row, with a byte-order mark so that Excel opens it as UTF-8."""
    if not student_import_allowed(request.user):
        raise PermissionDenied
    response = HttpResponse("\ufeff" + student_import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="students-template.csv"'
    return response


def _cohort_students_url(cohort) -> str:
    """The enrolment list filtered to the cohort (courses/wagtail_admin/enrolments.py), if it is there."""
    try:
        return reverse("enrolments:index") + "?" + urlencode({"cohort": cohort.pk})
    except NoReverseMatch:
        return ""


class _ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return student_import_allowed(request.user)


@hooks.register("register_admin_urls")
def _import_urls():
    return [
        path("students/import/", StudentImportView.as_view(), name="courses_students_import"),
        path("students/import/template.csv", student_import_template, name="courses_students_import_template"),
    ]


@hooks.register("register_admin_menu_item")
def _import_menu_item():
    return _ImportMenuItem(
        _("Import students"), reverse("courses_students_import"), icon_name="upload", name="import-students", order=320
    )


@hooks.register("register_snippet_listing_buttons")
def _cohort_import_button(snippet, user, next_url=None):
    # A way in from the cohorts' listing, with the cohort chosen.
    if isinstance(snippet, Cohort) and student_import_allowed(user) and snippet.ends_on >= timezone.localdate():
        url = reverse("courses_students_import") + "?" + urlencode({"cohort": snippet.pk})
        yield Button(_("Import students"), url=url, icon_name="upload", priority=6)
