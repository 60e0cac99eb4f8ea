"""The reports in the Wagtail admin: the dashboard, the standard reports, their exports and schedules.

Views are thin: the filter form decides what is asked, the selectors count,
``reports.REPORTS`` shapes rows, ``exports`` writes files. Only program managers
(within their scope) and administrators get in; everyone else gets 403. A
refused filter shows its message and an empty report, never a wider one.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from django_countries import countries as all_countries

from lms.accounts.api import manager_scope_describe
from lms.core.db import reads_at_once

from . import exports, selectors
from .filters import ReportFilterForm
from .models import Frequency, ScheduledReport
from .reports import REPORTS, AssessmentParams, AtRiskParams, StudentsParams
from .services import ScheduleRefused, scheduled_report_create, scheduled_report_delete

NAMESPACE = "reports"
PAGE_SIZE = 50


def report_url(key: str, query: str = "") -> str:
    url = reverse(f"{NAMESPACE}:report", args=[key])
    return f"{url}?{query}" if query else url


def _scope_named(user) -> dict | None:
    """The manager's scope as the page names it: countries by name in the reader's language, not by code."""
    scope = manager_scope_describe(user=user)
    if scope is None:
        return None
    return {**scope, "countries": [all_countries.name(code) or code for code in scope["countries"]]}


class _ReportsMixin(WagtailAdminTemplateMixin):
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not selectors.user_may_report(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def filter_form(self) -> ReportFilterForm:
        return ReportFilterForm(self.request.GET, user=self.request.user)

    @cached_property
    def filters(self):
        return self.filter_form.filters()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{NAMESPACE}:dashboard"), "label": _("Learning reports")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            filters=self.filters,
            scope=_scope_named(self.request.user),
            reports=[report for report in REPORTS.values() if report.key != "students"],
            **kwargs,
        )


def _bar(count: int, largest: int) -> float:
    return round(count * 100 / largest, 1) if largest else 0.0


class DashboardView(_ReportsMixin, TemplateView):
    template_name = "reports/dashboard.html"
    page_title = gettext_lazy("Learning dashboard")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        filters = self.filters
        figures = selectors.dashboard(user=self.request.user, filters=filters)
        enrolled = figures.funnel[0].count

        def students(stage, **extra):
            # Refused filters count no one: no link to a list that would leave them out and show more.
            return None if filters.refused else report_url("students", filters.query(stage=stage, **extra))

        funnel = [
            {"step": step, "bar": _bar(step.count, enrolled), "url": students(step.stage)} for step in figures.funnel
        ]
        largest = max([0] + [max(bucket.enrolled, bucket.completed) for bucket in figures.buckets])

        def in_bucket(stage, bucket):
            return students(stage, start=bucket.start.isoformat(), end=bucket.end.isoformat())

        buckets = [
            {
                "bucket": bucket,
                "enrolled_bar": _bar(bucket.enrolled, largest),
                "completed_bar": _bar(bucket.completed, largest),
                "enrolled_url": in_bucket("enrolled", bucket),
                "completed_url": in_bucket("completed_in_period", bucket),
            }
            for bucket in figures.buckets
        ]
        assessments = [
            {
                "result": result,
                "bar": _bar(result.passed, result.students),
                "students_url": students("passed", assessment=result.assessment_id),
                "analysis_url": report_url("assessment", filters.query(assessment=result.assessment_id)),
            }
            for result in figures.assessments
        ]
        median = figures.median_days_to_complete
        return super().get_context_data(
            figures=figures,
            median_days=None if median is None else round(median),
            funnel=funnel,
            buckets=buckets,
            assessments=assessments,
            completed_url=students("completed_in_period"),
            issued_url=students("certificate_issued"),
            revoked_url=students("certificate_revoked"),
            **kwargs,
        )


def _params_form(report_key: str, data, filters):
    if report_key == "students":
        return StudentsParams(data)
    if report_key == "at_risk":
        return AtRiskParams(data)
    if report_key == "assessment":
        # Unbound until an assessment is chosen: the page asks for one rather than showing an error.
        return AssessmentParams(data if data.get("assessment") else None, filters=filters)
    return None


def _params(form) -> dict | None:
    """The report's own parameters, or None when they were refused (the report is then empty)."""
    if form is None:
        return {}
    if not form.is_bound or not form.is_valid():
        return None
    if isinstance(form, AtRiskParams):
        return form.cleaned()
    return {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}


class _OneReportMixin(_ReportsMixin):
    def dispatch(self, request, *args, key, **kwargs):
        if not selectors.user_may_report(user=request.user):
            raise PermissionDenied  # before anything is looked up: which reports exist is not said
        self.report = REPORTS.get(key)
        if self.report is None:
            raise Http404
        return super().dispatch(request, *args, key=key, **kwargs)

    @cached_property
    def params_form(self):
        # Bound even without parameters, so defaults apply; an assessment must be chosen.
        data = self.request.GET.copy()
        return _params_form(self.report.key, data, self.filters)

    @cached_property
    def params(self) -> dict | None:
        return _params(self.params_form)

    def table(self):
        if self.params is None or self.filters.refused:
            return None
        if self.report.needs_cohort and not self.filters.cohort_id:
            return None
        return self.report.build(user=self.request.user, filters=self.filters, params=self.params)


class ReportView(_OneReportMixin, TemplateView):
    template_name = "reports/report.html"

    def get_page_title(self):
        if self.report.key == "students" and self.params:
            return str(selectors.STAGE_LABELS.get(self.params["stage"], self.report.title))
        return str(self.report.title)

    def get_context_data(self, **kwargs):
        table = self.table()
        page, rows = None, []
        if table is not None:
            page = _page(table.source, self.request.GET.get("p"), counted=table.counted)
            for item in page.object_list:
                link = None
                if table.link is not None:
                    link = report_url("students", self.filters.query(**table.link(item)))
                rows.append({"cells": table.cells(item), "link": link})
        query = self.request.GET.copy()
        query.pop("p", None)
        needs_choice = None
        if self.report.needs_cohort and not self.filters.cohort_id and not self.filters.refused:
            needs_choice = _("Choose a cohort to see its roster.")
        elif self.report.key == "assessment" and self.params_form is not None and not self.params_form.is_bound:
            needs_choice = _("Choose an assessment.")
        return super().get_context_data(
            report=self.report,
            params_form=self.params_form,
            table=table,
            page=page,
            rows=rows,
            query=query.urlencode(),
            needs_choice=needs_choice,
            frequencies=Frequency.choices,
            export_csv=reverse(f"{NAMESPACE}:export", args=[self.report.key, "csv"]) + "?" + query.urlencode(),
            export_xlsx=reverse(f"{NAMESPACE}:export", args=[self.report.key, "xlsx"]) + "?" + query.urlencode(),
            schedule_url=reverse(f"{NAMESPACE}:schedule", args=[self.report.key]) + "?" + query.urlencode(),
            **kwargs,
        )


def _page(source, number, *, counted=None) -> Page:
    """The page of rows asked for. For a query, its rows and the count of them all (a second pass
    over the same rows, or over ``counted``, as many and cheaper to count) are read side by side,
    then put together as Paginator would have."""
    paginator = Paginator(source, PAGE_SIZE)
    if not isinstance(source, QuerySet):
        return paginator.get_page(number)
    try:
        wanted = max(int(number), 1)
    except (TypeError, ValueError):
        wanted = 1
    start = (wanted - 1) * PAGE_SIZE
    count, rows = reads_at_once(
        (source if counted is None else counted).count, lambda: list(source[start : start + PAGE_SIZE])
    )
    paginator.count = count  # read already: Paginator would count again
    if rows or wanted == 1:
        return Page(rows, wanted, paginator)
    return paginator.get_page(number)  # past the last page: the last page, as Paginator gives


class ReportExportView(_OneReportMixin, View):
    """The whole report as CSV (streamed) or XLSX (written to disk, then sent)."""

    def get(self, request, key, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        table = self.table()
        if table is None:
            messages.error(request, _("Correct the filters before exporting: there is nothing to export."))
            return redirect(report_url(key, request.GET.urlencode()))
        filename = f"{key}-{self.filters.start.isoformat()}-{self.filters.end.isoformat()}"
        if fmt == "csv":
            return exports.csv_response(table, filename=filename)
        return exports.xlsx_response(table, filename=filename, sheet_title=str(self.report.title))


class ScheduleCreateView(_OneReportMixin, View):
    http_method_names = ["post"]

    def post(self, request, key):
        back = report_url(key, request.GET.urlencode())
        if self.params is None:
            messages.error(request, _("Correct the report's settings before scheduling it."))
            return redirect(back)
        try:
            schedule = scheduled_report_create(
                owner=request.user,
                report=key,
                filters=self.filters,
                params=self.params,
                frequency=request.POST.get("frequency", ""),
            )
        except ScheduleRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(back)
        first = date_format(timezone.localtime(schedule.next_run_at), "DATE_FORMAT")
        if schedule.frequency == Frequency.WEEKLY:
            message = _("You will receive this report by email every Monday. The first one goes out on %(date)s.")
        else:
            message = _(
                "You will receive this report by email on the 1st of every month. The first one goes out on %(date)s."
            )
        messages.success(request, message % {"date": first})
        return redirect(back)


class ScheduleListView(_ReportsMixin, TemplateView):
    template_name = "reports/schedules.html"
    page_title = gettext_lazy("Reports sent to me")

    def get_context_data(self, **kwargs):
        schedules = ScheduledReport.objects.filter(owner=self.request.user).order_by("next_run_at", "pk")
        return super().get_context_data(
            schedules=[
                {
                    "schedule": schedule,
                    "title": REPORTS[schedule.report].title if schedule.report in REPORTS else schedule.report,
                    "delete_url": reverse(f"{NAMESPACE}:schedule_delete", args=[schedule.pk]),
                }
                for schedule in schedules
            ],
            **kwargs,
        )


class ScheduleDeleteView(_ReportsMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        if not scheduled_report_delete(owner=request.user, schedule_id=pk):
            raise Http404
        messages.success(request, _("You will no longer receive this report."))
        return redirect(f"{NAMESPACE}:schedules")
