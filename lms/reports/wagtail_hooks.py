"""The reports in the Wagtail admin: their URLs, and their place in the Reports menu."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .selectors import user_may_report
from .views import (
    NAMESPACE,
    DashboardView,
    ReportExportView,
    ReportView,
    ScheduleCreateView,
    ScheduleDeleteView,
    ScheduleListView,
)

urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("scheduled/", ScheduleListView.as_view(), name="schedules"),
    path("scheduled/<int:pk>/delete/", ScheduleDeleteView.as_view(), name="schedule_delete"),
    path("<slug:key>/", ReportView.as_view(), name="report"),
    path("<slug:key>/export/<slug:fmt>/", ReportExportView.as_view(), name="export"),
    path("<slug:key>/schedule/", ScheduleCreateView.as_view(), name="schedule"),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("learning-reports/", include((urlpatterns, NAMESPACE), namespace=NAMESPACE))]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_report(user=request.user)


def _menu_item(label, name, *args, order):
    return ReportMenuItem(label, reverse(f"{NAMESPACE}:{name}", args=args), icon_name="table", order=order)


@hooks.register("register_reports_menu_item")
def register_dashboard_menu_item():
    return _menu_item(_("Learning dashboard"), "dashboard", order=10)


@hooks.register("register_reports_menu_item")
def register_completion_menu_item():
    return _menu_item(_("Completion by country and program"), "report", "completion", order=11)


@hooks.register("register_reports_menu_item")
def register_roster_menu_item():
    return _menu_item(_("Cohort roster"), "report", "roster", order=12)


@hooks.register("register_reports_menu_item")
def register_at_risk_menu_item():
    return _menu_item(_("Students at risk"), "report", "at_risk", order=13)


@hooks.register("register_reports_menu_item")
def register_assessment_menu_item():
    return _menu_item(_("Assessment analysis"), "report", "assessment", order=14)


@hooks.register("register_reports_menu_item")
def register_schedules_menu_item():
    return _menu_item(_("Reports sent to me"), "schedules", order=15)
