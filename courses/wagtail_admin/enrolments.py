"""Enrolment lists, exports and decisions in the Wagtail admin (registered on import).

Instructors see the students of the courses they teach; program managers see
everyone, or only the students in their scope if they have one, and decide on
requests; administrators see everyone and decide too. Every screen starts from
``enrolment_list_visible_to``, and every change goes through the enrolment
services, which check the current status under a row lock: the admin never
edits or deletes an enrolment row itself.
"""

from collections import OrderedDict, defaultdict

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy, pgettext
from django.views.generic import FormView, TemplateView

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from lms.accounts.api import manager_scope_filter
from lms.core.spreadsheets import spreadsheet_text

from ..models import Cohort, CoursePage, Enrolment, EnrolmentStatus
from ..selectors.learning import enrolment_list_visible_to
from ..selectors.staff import (
    cohort_list_for_manual_enrolment,
    cohort_list_with_enrolments_visible_to,
    country_list_with_enrolments_visible_to,
    course_list_for_manual_enrolment,
    course_list_with_enrolments_visible_to,
    enrolment_count_in_cohort,
    enrolment_count_under_page,
    enrolment_detail_for_staff,
    enrolment_history,
    enrolment_list_for_staff,
    enrolment_search,
    sponsoring_program_list_with_enrolments_visible_to,
    student_get_by_email,
)
from ..services.enrolment import (
    EnrolmentRefused,
    enrolment_approve,
    enrolment_create_for_student,
    enrolment_reject,
)

ICON = "clipboard-list"


def _is_id(value: str) -> bool:
    """ASCII digits only: str.isdigit() accepts "²", which int() refuses."""
    return value.isascii() and value.isdigit()


class EnrolmentPermissionPolicy(ModelPermissionPolicy):
    """Who may do what with enrolments in the admin.

    ``view`` (instructors, program managers) opens the lists, exports and
    histories, always narrowed to the enrolments the person may see;
    ``decide`` (program managers) approves, rejects and enrols by hand, which
    is what ``add`` means here. Nobody edits or deletes an enrolment row: its
    status moves only through the services.
    """

    def user_has_permission(self, user, action):
        if action == "add":
            action = "decide"
        if action not in ("view", "decide"):
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and enrolment_list_visible_to(user=user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return Enrolment.objects.none()
        return enrolment_list_visible_to(user=user)


# Registered before any view asks, or Wagtail would fall back to model permissions.
permission_policy = EnrolmentPermissionPolicy(Enrolment)
register_permission_policy(Enrolment, permission_policy)


def _can_decide(user) -> bool:
    return permission_policy.user_has_permission(user, "decide")


def _student_name(enrolment) -> str:
    return enrolment.user.get_full_name() or enrolment.user.email


def _detail_url(enrolment) -> str:
    return reverse("enrolments:inspect", args=[quote(enrolment.pk)])


# Filters --------------------------------------------------------------------


class EnrolmentFilterSet(WagtailFilterSet):
    """The listing's filters. Their choices come from the enrolments the person may see,
    so an instructor is never offered another instructor's course, cohort or students' countries."""

    course = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Course"),
        queryset=lambda request: course_list_with_enrolments_visible_to(user=request.user),
        empty_label=gettext_lazy("All"),
    )
    cohort = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Cohort"),
        queryset=lambda request: cohort_list_with_enrolments_visible_to(user=request.user),
        empty_label=gettext_lazy("All"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=EnrolmentStatus.choices, empty_label=gettext_lazy("All")
    )
    country = django_filters.ChoiceFilter(
        label=gettext_lazy("Country"), field_name="user__country", choices=(), empty_label=gettext_lazy("All")
    )
    sponsoring_program = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Sponsoring program"),
        field_name="user__sponsoring_program",
        queryset=lambda request: sponsoring_program_list_with_enrolments_visible_to(user=request.user),
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = Enrolment
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["country"].extra["choices"] = country_list_with_enrolments_visible_to(user=request.user)


def enrolment_listing_filtered(request, queryset):
    """The queryset narrowed by the listing's filters and search in ``request.GET``.

    Used by the listing's "select all" bulk actions, so that what is decided is
    what the manager was looking at. Invalid filters select nothing.
    """
    filters = EnrolmentFilterSet(data=request.GET, queryset=queryset, request=request)
    if not filters.is_valid():
        return queryset.none()
    return enrolment_search(queryset=filters.filter_queryset(queryset), query=request.GET.get("q", ""))


# Listing --------------------------------------------------------------------


class PendingCheckboxColumn(BulkActionsCheckboxColumn):
    """A selection checkbox on pending requests only: the rest cannot be decided."""

    cell_template_name = "courses/admin/enrolment_checkbox_cell.html"


class ProgressColumn(Column):
    cell_template_name = "courses/admin/enrolment_progress_cell.html"


class EnrolmentIndexView(IndexView):
    template_name = "courses/admin/enrolment_index.html"
    page_title = gettext_lazy("Enrolments")
    paginate_by = 50
    default_ordering = "-status_changed_at"
    filterset_class = EnrolmentFilterSet
    is_searchable = True
    export_filename = "enrolments"
    list_export = [
        "student",
        "name_native",
        "email",
        "country",
        "service",
        "rank",
        "organisation",
        "sponsoring_program",
        "course",
        "cohort",
        "status",
        "progress_percent",
        "required_done",
        "required_total",
        "requested_at",
        "activated_at",
        "completed_at",
        "last_activity_at",
    ]
    export_headings = {
        "student": gettext_lazy("Student"),
        "name_native": gettext_lazy("Name in native script"),
        "email": gettext_lazy("Email"),
        "country": gettext_lazy("Country"),
        "service": gettext_lazy("Service or branch"),
        "rank": gettext_lazy("Rank or grade"),
        "organisation": gettext_lazy("Organisation"),
        "sponsoring_program": gettext_lazy("Sponsoring program"),
        "course": gettext_lazy("Course"),
        "cohort": gettext_lazy("Cohort"),
        "status": gettext_lazy("Status"),
        "progress_percent": gettext_lazy("Progress (%)"),
        "required_done": gettext_lazy("Required modules completed"),
        "required_total": gettext_lazy("Required modules"),
        "requested_at": gettext_lazy("Requested"),
        "activated_at": gettext_lazy("Enrolled"),
        "completed_at": gettext_lazy("Completed"),
        "last_activity_at": gettext_lazy("Last activity"),
    }

    @cached_property
    def can_decide(self) -> bool:
        return _can_decide(self.request.user)

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "student",
                label=_("Student"),
                accessor=_student_name,
                sort_key="user__last_name",
                get_url=_detail_url,
                get_title_id=lambda enrolment: f"enrolment_{enrolment.pk}_title",
            ),
            Column("email", label=_("Email"), accessor="user.email", sort_key="user__email"),
            Column(
                "country",
                label=_("Country"),
                accessor=lambda enrolment: enrolment.user.country.name if enrolment.user.country else "",
                sort_key="user__country",
            ),
            Column(
                "sponsoring_program",
                label=_("Sponsoring program"),
                accessor=lambda enrolment: enrolment.user.sponsoring_program or "",
                sort_key="user__sponsoring_program__name",
            ),
            Column("course", label=_("Course"), accessor="course.title", sort_key="course__title"),
            Column(
                "cohort",
                label=_("Cohort"),
                accessor=lambda enrolment: enrolment.cohort.name if enrolment.cohort else "",
                sort_key="cohort__name",
            ),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                sort_key="status",
                primary=lambda enrolment: enrolment.status == EnrolmentStatus.PENDING,
            ),
            ProgressColumn("progress", label=_("Progress"), accessor="progress_percent", sort_key="progress_percent"),
            DateColumn("requested_at", label=_("Requested"), sort_key="requested_at"),
            DateColumn("activated_at", label=_("Enrolled"), sort_key="activated_at"),
            DateColumn("last_activity_at", label=_("Last activity"), sort_key="last_activity_at"),
        ]
        if self.can_decide:
            columns.insert(0, PendingCheckboxColumn("bulk_actions", obj_type="enrolment"))
        return columns

    def get_base_queryset(self):
        return enrolment_list_for_staff(user=self.request.user)

    def search_queryset(self, queryset):
        return enrolment_search(queryset=queryset, query=self.search_query)

    def order_queryset(self, queryset):
        # Empty dates (never active, never enrolled) sort last either way, and
        # the id breaks ties so that pages never share or skip a row.
        ordering = self.ordering or self.default_ordering
        field = ordering.lstrip("-")
        expression = F(field)
        expression = expression.desc(nulls_last=True) if ordering.startswith("-") else expression.asc(nulls_last=True)
        return queryset.order_by(expression, "-pk")

    @cached_property
    def add_item_label(self):
        return _("Enrol a student")

    def get_add_url(self):
        url = super().get_add_url()
        course = self.request.GET.get("course", "")
        if url and course.isascii() and course.isdigit():
            url += "?" + urlencode({"course": course})
        return url

    # Export: the listing's rows with the filters applied, one line each.

    def to_row_dict(self, item):
        user = item.user
        values = {
            "student": user.get_full_name(),
            "name_native": user.name_native,
            "email": user.email,
            "country": user.country.name if user.country else "",
            "service": user.service,
            "rank": user.rank,
            "organisation": user.organisation,
            "sponsoring_program": user.sponsoring_program.name if user.sponsoring_program else "",
            "course": item.course.title,
            "cohort": item.cohort.name if item.cohort else "",
            "status": item.get_status_display(),
            "progress_percent": item.progress_percent,
            "required_done": item.required_done,
            "required_total": item.required_total,
            "requested_at": item.requested_at,
            "activated_at": item.activated_at,
            "completed_at": item.completed_at,
            "last_activity_at": item.last_activity_at,
        }
        return OrderedDict((field, values[field]) for field in self.list_export)

    def preprocess_field_value(self, field, value, export_format):
        if value is None:
            return ""
        if hasattr(value, "tzinfo"):
            # Local time, to the minute: what the listing shows.
            value = timezone.localtime(value)
            if export_format == self.FORMAT_XLSX:
                return timezone.make_naive(value).replace(second=0, microsecond=0)
            return value.strftime("%Y-%m-%d %H:%M")
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV and isinstance(value, str):
            # XLSX needs nothing: Wagtail writes such cells as text, never as formulas.
            value = spreadsheet_text(value)
        return value


# Detail and history ---------------------------------------------------------


class EnrolmentDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One enrolment and every change of its status, for those who may see it."""

    model = Enrolment
    any_permission_required = ["view"]
    template_name = "courses/admin/enrolment_detail.html"
    page_title = gettext_lazy("Enrolment")
    header_icon = ICON
    index_url_name = None

    def get(self, request, *args, pk, **kwargs):
        self.object = enrolment_detail_for_staff(user=request.user, enrolment_id=pk)
        if self.object is None:
            # An enrolment that exists but is not theirs is refused, not hidden:
            # its id says nothing, and the refusal is what the role test expects.
            get_object_or_404(Enrolment.objects.only("pk"), pk=pk)
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Enrolments")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def _decision_url(self, action_type):
        return (
            reverse("wagtail_bulk_action", args=["courses", "enrolment", action_type])
            + "?"
            + urlencode({"id": self.object.pk, "next": self.request.path})
        )

    @cached_property
    def header_buttons(self):
        buttons = [
            HeaderButton(
                _("All students of this course"),
                url=reverse(self.index_url_name) + "?" + urlencode({"course": self.object.course_id}),
                icon_name="list-ul",
            )
        ]
        if self.object.status == EnrolmentStatus.PENDING and _can_decide(self.request.user):
            buttons += [
                HeaderButton(_("Approve"), url=self._decision_url("approve"), icon_name="check"),
                HeaderButton(_("Reject"), url=self._decision_url("reject"), icon_name="cross"),
            ]
        return buttons

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enrolment=self.object, events=enrolment_history(enrolment=self.object), **kwargs
        )


# Enrolling a student by hand -----------------------------------------------


class EnrolStudentForm(forms.Form):
    student = forms.EmailField(
        label=gettext_lazy("Student's email address"),
        help_text=gettext_lazy("The student must already have an account (sign-up or bulk import)."),
    )
    course = forms.ModelChoiceField(label=gettext_lazy("Course"), queryset=CoursePage.objects.none())
    cohort = forms.ModelChoiceField(
        label=gettext_lazy("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        help_text=gettext_lazy("An intake of the chosen course; leave empty for none."),
    )

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.manager = manager
        self.scoped = manager_scope_filter(user=manager) is not None
        self.fields["course"].queryset = course_list_for_manual_enrolment()
        self.fields["cohort"].queryset = cohort_list_for_manual_enrolment()
        if self.scoped:
            self.fields["student"].help_text = _(
                "The student must already have an account, with a country and sponsoring program in your scope."
            )

    def clean_student(self):
        # A scoped manager looks only among their own students, and an address outside the
        # scope gets the same answer as one nobody uses: the form never reveals who has an account.
        student = student_get_by_email(email=self.cleaned_data["student"], manager=self.manager)
        if student is None:
            message = (
                _("No active account in your scope uses this email address.")
                if self.scoped
                else _("No active account uses this email address.")
            )
            raise forms.ValidationError(message, code="unknown_student")
        return student

    def clean(self):
        cleaned_data = super().clean()
        course, cohort = cleaned_data.get("course"), cleaned_data.get("cohort")
        if course and cohort and cohort.course_id != course.pk:
            self.add_error("cohort", _("That cohort is not an intake of this course."))
        return cleaned_data


class EnrolmentCreateView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """A program manager places one student on a course, whatever its enrolment policy."""

    model = Enrolment
    permission_required = "add"
    form_class = EnrolStudentForm
    template_name = "courses/admin/enrolment_create.html"
    page_title = gettext_lazy("Enrol a student")
    header_icon = ICON
    index_url_name = None
    add_url_name = None

    def get_initial(self):
        return {name: self.request.GET[name] for name in ("course", "cohort") if _is_id(self.request.GET.get(name, ""))}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "manager": self.request.user}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Enrolments")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=reverse(self.add_url_name),
            submit_button_label=pgettext("admin: enrol the chosen student", "Enrol"),
            submit_button_active_label=_("Enrolling…"),
            **kwargs,
        )

    def form_valid(self, form):
        student, course, cohort = (form.cleaned_data[name] for name in ("student", "course", "cohort"))
        try:
            _enrolment, changed = enrolment_create_for_student(
                user=student, course=course, cohort=cohort, actor=self.request.user
            )
        except EnrolmentRefused as refusal:
            form.add_error("cohort" if refusal.code.startswith("cohort") else None, refusal.message)
            return self.form_invalid(form)
        names = {"student": student.get_full_name() or student.email, "course": course.title}
        if changed:
            messages.success(self.request, _("%(student)s now has a place on “%(course)s”.") % names)
        else:
            messages.warning(
                self.request, _("%(student)s already had a place on “%(course)s”: nothing changed.") % names
            )
        return redirect(reverse(self.index_url_name) + "?" + urlencode({"course": course.pk}))

    def form_invalid(self, form):
        messages.error(self.request, _("The student could not be enrolled. See the errors below."))
        return super().form_invalid(form)


# The view set ---------------------------------------------------------------


class EnrolmentAdminURLFinder(ModelAdminURLFinder):
    """An enrolment's admin page is its detail and history: it has no edit form."""

    edit_url_name = "enrolments:inspect"

    def get_edit_url(self, instance):
        if self.user and not permission_policy.user_has_permission_for_instance(self.user, "view", instance):
            return None
        return self.construct_edit_url(instance)


class EnrolmentViewSet(ModelViewSet):
    model = Enrolment
    icon = ICON
    menu_label = gettext_lazy("Enrolments")
    menu_order = 250
    add_to_admin_menu = True
    # Bulk imports write thousands of enrolments; the reference index would double that.
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    export_filename = "enrolments"
    index_view_class = EnrolmentIndexView
    add_view_class = EnrolmentCreateView
    inspect_view_class = EnrolmentDetailView
    url_finder_class = EnrolmentAdminURLFinder

    def get_common_view_kwargs(self, **kwargs):
        # No edit, delete, copy, usage or log-entry history screens: see the permission policy.
        hidden = dict.fromkeys(("edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"))
        return super().get_common_view_kwargs(**hidden, **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        return kwargs

    def get_inspect_view_kwargs(self, **kwargs):
        return kwargs

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(codename__in=("view_enrolment", "decide_enrolment"))

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("enrol/", self.add_view, name="add"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
        ]


enrolment_viewset = EnrolmentViewSet("enrolments")


@hooks.register("register_admin_viewset")
def _register_enrolment_viewset():
    return enrolment_viewset


# Bulk decisions on requests --------------------------------------------------


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Sent to each student with the decision, and kept in the enrolment's history."),
    )


class _EnrolmentDecisionBulkAction(BulkAction):
    """Approve or reject the selected pending requests, one service call each.

    Each decision commits on its own, so a refusal (a full cohort, a request
    someone else decided a moment ago) leaves the others decided, and the
    manager is told which ones and why.
    """

    models = [Enrolment]
    template_name = "courses/admin/enrolment_decide_confirm.html"
    # Words for the confirmation page and the outcome messages, set by subclasses;
    # the messages are plural-aware (``ngettext_lazy`` keyed on "count").
    question = ""
    confirm_label = ""
    done_message = None
    refused_message = None

    def __init__(self, request, model):
        super().__init__(request, model)
        if not get_valid_next_url_from_request(request):
            self.next_url = reverse("enrolments:index")

    def dispatch(self, request, *args, **kwargs):
        if not _can_decide(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def _objects(self):
        ids = self.request.GET.getlist("id")
        visible = enrolment_list_for_staff(user=self.request.user)
        if "all" in ids:
            selected = enrolment_listing_filtered(self.request, visible).filter(status=EnrolmentStatus.PENDING)
        else:
            selected = visible.filter(pk__in=[pk for pk in ids if _is_id(pk)])
        enrolments = list(selected.order_by("pk"))
        pending = [enrolment for enrolment in enrolments if enrolment.status == EnrolmentStatus.PENDING]
        undecidable = [enrolment for enrolment in enrolments if enrolment.status != EnrolmentStatus.PENDING]
        return pending, {"items_with_no_access": undecidable}

    def get_actionable_objects(self):
        return self._objects

    def object_context(self, obj):
        return {"item": obj, "detail_url": _detail_url(obj)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            header_icon=ICON,
            action_title=self.display_name,
            question=self.question,
            confirm_label=self.confirm_label,
            action_button_class="serious" if "serious" in self.classes else "",
        )
        return context

    def decide(self, enrolment, form):
        raise NotImplementedError

    def form_valid(self, form):
        # Not the base class's single transaction: see the class docstring.
        enrolments, _undecidable = self.get_actionable_objects()
        for hook in hooks.get_hooks("before_bulk_action"):
            result = hook(self.request, self.action_type, enrolments, self)
            if hasattr(result, "status_code"):
                return result
        decided, refusals = [], defaultdict(list)
        for enrolment in enrolments:
            try:
                self.decide(enrolment, form)
            except EnrolmentRefused as refusal:
                refusals[refusal.message].append(enrolment)
            except OperationalError:
                # PostgreSQL broke a deadlock with another change to this student's place.
                refusals[_("Someone else changed this request at the same moment; try again.")].append(enrolment)
            else:
                decided.append(enrolment)
        for hook in hooks.get_hooks("after_bulk_action"):
            result = hook(self.request, self.action_type, decided, self)
            if hasattr(result, "status_code"):
                return result
        self._report(decided, refusals)
        return redirect(self.next_url)

    def _report(self, decided, refusals):
        if decided:
            messages.success(self.request, self.done_message % {"count": len(decided)})
        for reason, enrolments in refusals.items():
            messages.error(
                self.request,
                self.refused_message
                % {
                    "count": len(enrolments),
                    "reason": reason,
                    "students": "; ".join(f"{_student_name(e)} ({e.course.title})" for e in enrolments),
                },
            )
        if not decided and not refusals:
            messages.warning(self.request, _("No pending request was selected: nothing changed."))


@hooks.register("register_bulk_action")
class ApproveEnrolmentsBulkAction(_EnrolmentDecisionBulkAction):
    display_name = gettext_lazy("Approve")
    action_type = "approve"
    aria_label = gettext_lazy("Approve the selected requests")
    action_priority = 10
    question = gettext_lazy("Approve these requests? Each student gets a place and an email.")
    confirm_label = gettext_lazy("Yes, approve")
    done_message = ngettext_lazy("%(count)d request approved.", "%(count)d requests approved.", "count")
    refused_message = ngettext_lazy(
        "%(count)d request could not be approved: %(reason)s (%(students)s)",
        "%(count)d requests could not be approved: %(reason)s (%(students)s)",
        "count",
    )

    def decide(self, enrolment, form):
        enrolment_approve(enrolment_id=enrolment.pk, actor=self.request.user)


@hooks.register("register_bulk_action")
class RejectEnrolmentsBulkAction(_EnrolmentDecisionBulkAction):
    display_name = gettext_lazy("Reject")
    action_type = "reject"
    aria_label = gettext_lazy("Reject the selected requests")
    action_priority = 20
    classes = {"serious"}
    form_class = RejectionForm
    question = gettext_lazy("Reject these requests? Each student gets an email with the reason, if you give one.")
    confirm_label = gettext_lazy("Yes, reject")
    done_message = ngettext_lazy("%(count)d request rejected.", "%(count)d requests rejected.", "count")
    refused_message = ngettext_lazy(
        "%(count)d request could not be rejected: %(reason)s (%(students)s)",
        "%(count)d requests could not be rejected: %(reason)s (%(students)s)",
        "count",
    )

    def decide(self, enrolment, form):
        enrolment_reject(enrolment_id=enrolment.pk, actor=self.request.user, reason=form.cleaned_data["reason"])


# Courses with students are unpublished, never deleted ------------------------


def _deletion_refused(request, pages):
    for page in pages:
        count = enrolment_count_under_page(page=page)
        if count:
            messages.error(
                request,
                ngettext(
                    "“%(title)s” cannot be deleted: %(count)d student is enrolled. "
                    "Unpublish it instead: it leaves the catalogue and the enrolment is kept.",
                    "“%(title)s” cannot be deleted: %(count)d students are enrolled. "
                    "Unpublish it instead: it leaves the catalogue and the enrolments are kept.",
                    count,
                )
                % {"title": page.get_admin_display_title(), "count": count},
            )
            return True
    return False


@hooks.register("before_delete_page")
def _refuse_deleting_a_course_with_enrolments(request, page):
    if _deletion_refused(request, [page]):
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_bulk_action")
def _refuse_bulk_deleting_courses_with_enrolments(request, action_type, objects, action_class_instance):
    deleting_pages = action_type == "delete" and objects and isinstance(objects[0], Page)
    if deleting_pages and _deletion_refused(request, objects):
        return redirect(action_class_instance.next_url)
    return None


@hooks.register("before_delete_snippet")
def _refuse_deleting_a_cohort_with_enrolments(request, instances):
    # Enrolment.cohort is PROTECT too; without this the delete would fail with a server error.
    for cohort in instances:
        count = enrolment_count_in_cohort(cohort=cohort) if isinstance(cohort, Cohort) else 0
        if count:
            messages.error(
                request,
                ngettext(
                    "The cohort “%(name)s” cannot be deleted: %(count)d student is enrolled in it. "
                    "Set its end date instead to close it.",
                    "The cohort “%(name)s” cannot be deleted: %(count)d students are enrolled in it. "
                    "Set its end date instead to close it.",
                    count,
                )
                % {"name": cohort.name, "count": count},
            )
            return redirect(Cohort.snippet_viewset.get_url_name("list"))
    return None


# Ways in from a course and from a cohort --------------------------------------


def _students_button(url, *, priority, label=None):
    return Button(label or _("Students"), url=url, icon_name=ICON, priority=priority)


@hooks.register("register_page_listing_more_buttons")
def _course_students_listing_button(page, user, next_url=None):
    if issubclass(page.specific_class or Page, CoursePage) and permission_policy.user_has_permission(user, "view"):
        yield _students_button(reverse("enrolments:index") + "?" + urlencode({"course": page.pk}), priority=45)


@hooks.register("register_page_header_buttons")
def _course_students_header_button(page, user, view_name=None, next_url=None):
    if issubclass(page.specific_class or Page, CoursePage) and permission_policy.user_has_permission(user, "view"):
        yield _students_button(reverse("enrolments:index") + "?" + urlencode({"course": page.pk}), priority=45)


@hooks.register("register_snippet_listing_buttons")
def _cohort_students_button(snippet, user, next_url=None):
    if isinstance(snippet, Cohort) and permission_policy.user_has_permission(user, "view"):
        yield _students_button(reverse("enrolments:index") + "?" + urlencode({"cohort": snippet.pk}), priority=5)
