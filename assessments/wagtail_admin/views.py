"""Instructors' screens: the grading queue, regrading, an attempt's detail, gradebooks and question statistics.

Every screen reads through ``assessments.staff`` (instructors: their courses;
administrators: all; anyone else is refused) and writes only through the
services (``essay_grade``, ``question_regrade``), whose refusals are shown as
form errors.
"""

import csv
import io
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton

from lms.core.spreadsheets import spreadsheet_text

from ..models import Attempt, AttemptQuestion, Question, QuestionType
from ..services import AttemptRefused, essay_grade, question_regrade
from ..staff import (
    answer_count_for_question,
    attempt_detail_for_staff,
    course_list_taught_by,
    essay_for_staff,
    essay_queue_for_staff,
    gradebook_for_course,
    question_for_staff,
    question_statistics_for_assessment,
    user_may_teach,
)

NAMESPACE = "assessments_staff"


def _url(name, *args, query=None) -> str:
    url = reverse(f"{NAMESPACE}:{name}", args=args)
    return url + "?" + urlencode(query) if query else url


def _id_param(request, name) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None


def _refuse_unless_found(model, pk):
    """An object that exists but is not in the person's courses is refused; one that does not exist, not found."""
    if model.objects.filter(pk=pk).exists():
        raise PermissionDenied
    raise Http404


class StaffMixin(WagtailAdminTemplateMixin):
    """Instructors and administrators only; program managers and students are refused."""

    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not user_may_teach(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def answer_display(snapshot: dict, answer) -> dict:
    """What the student answered, as staff see it: options with chosen and correct marks, or the text or number."""
    answer = answer or {}
    kind = snapshot["type"]
    chosen = set(answer.get("options", [])) | ({answer["option"]} if "option" in answer else set())
    return {
        "answered": bool(answer),
        "options": [
            {"text": option["text"], "chosen": option["id"] in chosen, "correct": option["is_correct"]}
            for option in snapshot.get("options", [])
        ]
        if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)
        else [],
        "text": answer.get("text", ""),
        "number": answer.get("number", ""),
    }


# Grading queue ------------------------------------------------------------------------


class GradingQueueView(StaffMixin, TemplateView):
    """Essays awaiting points in the person's courses, oldest submission first."""

    template_name = "assessments/admin/grading_queue.html"
    page_title = gettext_lazy("Grading queue")

    def get_context_data(self, **kwargs):
        course_id = _id_param(self.request, "course")
        courses = list(course_list_taught_by(user=self.request.user))
        waiting = essay_queue_for_staff(user=self.request.user, course_id=course_id)
        queue = list(waiting[:200])  # the oldest 200; grading one opens the next anyway
        return super().get_context_data(
            queue=queue,
            waiting=len(queue) if len(queue) < 200 else waiting.count(),
            courses=courses,
            course_id=course_id,
            grade_query=urlencode({"course": course_id}) if course_id else "",
            **kwargs,
        )


class EssayGradeForm(forms.Form):
    # The range is the service's to check (essay_grade refuses outside 0..max with a message).
    points = forms.DecimalField(label=gettext_lazy("Points"), max_digits=8, decimal_places=2)
    feedback = forms.CharField(
        label=gettext_lazy("Feedback to the student"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, maximum: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].help_text = _("From 0 to %(max)s.") % {"max": maximum}
        self.fields["points"].widget.attrs.update(min="0", max=str(maximum), step="0.01")


class EssayGradeView(StaffMixin, FormView):
    """One essay: the prompt, the rubric, the student's answer; points and feedback; then the next one."""

    template_name = "assessments/admin/essay_grade.html"
    page_title = gettext_lazy("Grade an essay")
    form_class = EssayGradeForm

    def dispatch(self, request, *args, pk, **kwargs):
        if not user_may_teach(user=request.user):
            raise PermissionDenied
        self.item = essay_for_staff(user=request.user, attempt_question_id=pk)
        if self.item is None:
            _refuse_unless_found(AttemptQuestion, pk)
        self.course_id = _id_param(request, "course")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.item.attempt.assessment.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": _url("grading"), "label": _("Grading queue")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["maximum"] = Decimal(self.item.snapshot["points"])
        return kwargs

    def get_initial(self):
        if self.item.points_awarded is None:
            return {}
        return {"points": self.item.points_awarded, "feedback": self.item.grader_feedback}

    def get_context_data(self, **kwargs):
        remaining = essay_queue_for_staff(user=self.request.user, course_id=self.course_id).count()
        return super().get_context_data(
            item=self.item,
            attempt=self.item.attempt,
            snapshot=self.item.snapshot,
            answer=answer_display(self.item.snapshot, self.item.answer),
            remaining=remaining,
            attempt_url=_url("attempt", self.item.attempt_id),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            item = essay_grade(
                grader=self.request.user,
                attempt_question_id=self.item.pk,
                points=form.cleaned_data["points"],
                feedback=form.cleaned_data["feedback"],
            )
        except AttemptRefused as refusal:
            form.add_error("points" if refusal.code == "invalid_points" else None, refusal.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(student)s: %(points)s of %(max)s points recorded.")
            % {
                "student": self.item.attempt.user.get_full_name() or self.item.attempt.user.email,
                "points": item.points_awarded,
                "max": self.item.snapshot["points"],
            },
        )
        following = essay_queue_for_staff(user=self.request.user, course_id=self.course_id).exclude(pk=item.pk).first()
        query = {"course": self.course_id} if self.course_id else None
        if following is None:
            messages.success(self.request, _("Every essay in the queue is graded."))
            return redirect(_url("grading", query=query))
        return redirect(_url("essay_grade", following.pk, query=query))

    def form_invalid(self, form):
        messages.error(self.request, _("The grade was not recorded. See the errors below."))
        return super().form_invalid(form)


# Attempts ----------------------------------------------------------------------------


class AttemptDetailView(StaffMixin, TemplateView):
    """An attempt as the student answered it: questions, answers, points, and every change of a grade."""

    template_name = "assessments/admin/attempt_detail.html"
    page_title = gettext_lazy("Attempt")

    def dispatch(self, request, *args, pk, **kwargs):
        if not user_may_teach(user=request.user):
            raise PermissionDenied
        self.attempt = attempt_detail_for_staff(user=request.user, attempt_id=pk)
        if self.attempt is None:
            _refuse_unless_found(Attempt, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.attempt.assessment.title

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Gradebook of the course"),
                url=_url("gradebook", self.attempt.assessment.course_id),
                icon_name="table",
            )
        ]

    def get_context_data(self, **kwargs):
        questions = [
            {
                "item": item,
                "snapshot": item.snapshot,
                "answer": answer_display(item.snapshot, item.answer),
                "changes": list(item.grade_changes.all()),
                "grade_url": _url("essay_grade", item.pk) if item.snapshot["type"] == QuestionType.ESSAY else "",
            }
            for item in self.attempt.questions.all()
        ]
        return super().get_context_data(attempt=self.attempt, questions=questions, **kwargs)


# Regrading ---------------------------------------------------------------------------


class QuestionRegradeView(StaffMixin, TemplateView):
    """Apply a question's current key to the answers already given to it (a confirmation, then a POST)."""

    template_name = "assessments/admin/question_regrade.html"
    page_title = gettext_lazy("Regrade answers")

    def dispatch(self, request, *args, pk, **kwargs):
        if not user_may_teach(user=request.user):
            raise PermissionDenied
        self.question = question_for_staff(user=request.user, question_id=pk)
        if self.question is None:
            _refuse_unless_found(Question, pk)
        from .viewsets import question_policy

        if not question_policy.user_has_permission_for_instance(request.user, "change", self.question):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.question.title

    def _edit_url(self):
        return reverse(Question.snippet_viewset.get_url_name("edit"), args=[self.question.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            question=self.question,
            answers=answer_count_for_question(question_id=self.question.pk),
            cancel_url=self._edit_url(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        changed = question_regrade(actor=request.user, question_id=self.question.pk)
        if changed:
            messages.success(
                request,
                ngettext(
                    "Regraded with the current key: %(count)d grade changed. Scores and results followed.",
                    "Regraded with the current key: %(count)d grades changed. Scores and results followed.",
                    changed,
                )
                % {"count": changed},
            )
        else:
            messages.success(request, _("Regraded with the current key: no grade changed."))
        return redirect(self._edit_url())


# Gradebooks ---------------------------------------------------------------------------


class GradebookIndexView(StaffMixin, TemplateView):
    template_name = "assessments/admin/gradebook_index.html"
    page_title = gettext_lazy("Gradebooks")

    def get_context_data(self, **kwargs):
        return super().get_context_data(courses=list(course_list_taught_by(user=self.request.user)), **kwargs)


def _percent_text(percent) -> str:
    return "" if percent is None else f"{percent:.2f}"


class GradebookView(StaffMixin, TemplateView):
    """Students with a place, by the course's assessments: the score that counts, with pass or fail."""

    template_name = "assessments/admin/gradebook.html"
    page_title = gettext_lazy("Gradebook")

    def dispatch(self, request, *args, course_id, **kwargs):
        if not user_may_teach(user=request.user):
            raise PermissionDenied
        self.gradebook = gradebook_for_course(user=request.user, course_id=course_id)
        if self.gradebook is None:
            from courses.api import CoursePage

            _refuse_unless_found(CoursePage, course_id)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.gradebook.course.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": _url("gradebooks"), "label": _("Gradebooks")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def header_buttons(self):
        here = _url("gradebook", self.gradebook.course.pk)
        return [
            HeaderButton(_("Download CSV"), url=here + "?export=csv", icon_name="download"),
            HeaderButton(_("Download XLSX"), url=here + "?export=xlsx", icon_name="download"),
        ]

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self.export(export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            gradebook=self.gradebook,
            columns=[(assessment, _url("statistics", assessment.pk)) for assessment in self.gradebook.assessments],
            **kwargs,
        )

    # Export: one row per student, two columns per assessment (score %, result).

    def _table(self) -> tuple[list[str], list[list]]:
        headings = [_("Student"), _("Email")]
        for assessment in self.gradebook.assessments:
            headings += [
                _("%(title)s: score (%%)") % {"title": assessment.title},
                _("%(title)s: result") % {"title": assessment.title},
            ]
        rows = []
        for row in self.gradebook.rows:
            values = [row.student.get_full_name(), row.student.email]
            for cell in row.cells:
                if cell.passed is None:
                    result = _("Awaiting grading") if cell.awaiting_grading else ""
                else:
                    result = _("Passed") if cell.passed else _("Failed")
                values += [cell.percent, result]
            rows.append(values)
        return headings, rows

    def export(self, export_format: str) -> HttpResponse:
        headings, rows = self._table()
        stem = f"gradebook-{slugify(self.gradebook.course.title) or self.gradebook.course.pk}-{timezone.localdate()}"
        if export_format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow([spreadsheet_text(value) for value in headings])
            for values in rows:
                writer.writerow([_percent_text(v) if isinstance(v, Decimal) else spreadsheet_text(v) for v in values])
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                _xlsx(headings, rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{stem}.{export_format}"'
        return response


def _xlsx(headings, rows) -> bytes:
    """A workbook whose text cells stay text: openpyxl would store "=..." as a formula otherwise."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    for values in [headings, *rows]:
        sheet.append([float(v) if isinstance(v, Decimal) else ("" if v is None else str(v)) for v in values])
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Statistics -----------------------------------------------------------------------------


class StatisticsView(StaffMixin, TemplateView):
    """Per question of an assessment: responses, difficulty, discrimination, and how often each option was chosen."""

    template_name = "assessments/admin/statistics.html"
    page_title = gettext_lazy("Question statistics")

    def dispatch(self, request, *args, pk, **kwargs):
        if not user_may_teach(user=request.user):
            raise PermissionDenied
        result = question_statistics_for_assessment(user=request.user, assessment_id=pk)
        if result is None:
            from ..models import Assessment

            _refuse_unless_found(Assessment, pk)
        self.assessment, self.statistics = result
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.assessment.title

    @cached_property
    def header_buttons(self):
        return [HeaderButton(_("Gradebook"), url=_url("gradebook", self.assessment.course_id), icon_name="table")]

    def get_context_data(self, **kwargs):
        return super().get_context_data(assessment=self.assessment, statistics=self.statistics, **kwargs)


# Registration -----------------------------------------------------------------------------


class StaffViewSet(ViewSet):
    """The instructors' screens that are not snippets, under /admin/assessments/."""

    name = NAMESPACE
    url_prefix = "assessments"
    icon = "tasks"

    def get_urlpatterns(self):
        from . import translations

        return [
            path("grading/", GradingQueueView.as_view(), name="grading"),
            path("grading/<int:pk>/", EssayGradeView.as_view(), name="essay_grade"),
            path("attempts/<int:pk>/", AttemptDetailView.as_view(), name="attempt"),
            path("questions/<int:pk>/regrade/", QuestionRegradeView.as_view(), name="question_regrade"),
            path("gradebooks/", GradebookIndexView.as_view(), name="gradebooks"),
            path("gradebooks/<int:course_id>/", GradebookView.as_view(), name="gradebook"),
            path("statistics/<int:pk>/", StatisticsView.as_view(), name="statistics"),
            path("translations/", translations.TranslationsView.as_view(), name="translations"),
            path(
                "translations/question/<int:pk>/<str:language>/",
                translations.QuestionTranslateView.as_view(),
                name="translate_question",
            ),
            path(
                "translations/category/<int:pk>/<str:language>/",
                translations.CategoryTranslateView.as_view(),
                name="translate_category",
            ),
            path(
                "translations/assessment/<int:pk>/<str:language>/",
                translations.AssessmentTranslateView.as_view(),
                name="translate_assessment",
            ),
        ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_teach(user=request.user)


def grading_menu_item():
    return StaffMenuItem(_("Grading queue"), _url("grading"), name="grading-queue", icon_name="edit", order=400)


def gradebooks_menu_item():
    return StaffMenuItem(_("Gradebooks"), _url("gradebooks"), name="gradebooks", icon_name="table", order=500)


def translations_menu_item():
    return StaffMenuItem(_("Translations"), _url("translations"), name="translations", icon_name="globe", order=550)
