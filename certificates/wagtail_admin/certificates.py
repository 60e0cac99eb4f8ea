"""Certificates in the Wagtail admin (registered on import): the list, one certificate and its
history, revoking, reissuing, issuing for a cohort and a cohort's certificates as one ZIP.

Instructors read their courses' certificates; program managers and administrators
see all of them and act on them. Every screen starts from
``certificate_list_visible_to``; every action is a POST (CSRF-protected) checked
here against ``user_manages_certificates`` and carried out by a service, which
checks the certificate's status under a row lock and refuses with
``CertificateRefused``: the admin never edits a certificate row itself.
"""

import csv
import io
import logging
import re
import time
import zipfile

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters
from anyascii import anyascii

from courses.api import Cohort, CoursePage, EnrolmentStatus, enrolment_list_visible_to
from lms.accounts.api import Role, manager_scope_filter, user_has_role
from lms.core.spreadsheets import spreadsheet_text

from ..codes import code_normalize
from ..models import Certificate, CertificateStatus
from ..selectors import certificate_list_visible_to, certificate_verify_url, user_manages_certificates
from ..services import (
    CertificateRefused,
    certificate_files_ensure,
    certificate_reissue,
    certificate_revoke,
    cohort_certificates_issue,
)

logger = logging.getLogger(__name__)

ICON = "doc-full"
NAMESPACE = "certificates_admin"
# Each file is read and written in pieces of this size: a cohort's ZIP never sits in memory.
ZIP_CHUNK = 64 * 1024
# Valid certificates issued without a file (the demo's history) are rendered for the archive while
# it streams, at most this many per download and only while the renderings of this download have
# taken less than ZIP_RENDER_SECONDS: about 0.1 s each on a warm worker, but a cold one (fonts,
# keys) or a loaded machine takes many times that, and gunicorn kills a request after 30 s. The
# others are listed in the manifest as not rendered yet; each download renders the next ones, and a
# rendered file is kept.
ZIP_RENDER_LIMIT = 20
ZIP_RENDER_SECONDS = 10.0


def _url(name, *args, query=None) -> str:
    url = reverse(f"{NAMESPACE}:{name}", args=args)
    return url + "?" + urlencode(query) if query else url


def _may_read(user) -> bool:
    """Who opens the certificate screens at all: managers and administrators, and instructors
    (narrowed to their courses by ``certificate_list_visible_to``)."""
    return user_manages_certificates(user=user) or bool(
        user.is_authenticated and user.is_active and user_has_role(user=user, role=Role.INSTRUCTOR)
    )


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """``view`` reads (instructors: their courses only); ``manage`` revokes, reissues, issues for a
    cohort and downloads a cohort's files. Nobody adds, edits or deletes a certificate row here."""

    def user_has_permission(self, user, action):
        if action == "view":
            return _may_read(user)
        if action == "manage":
            return user_manages_certificates(user=user)
        return False

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and certificate_list_visible_to(user=user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return Certificate.objects.none()
        return certificate_list_visible_to(user=user)


permission_policy = CertificatePermissionPolicy(Certificate)
register_permission_policy(Certificate, permission_policy)


def _can_manage(user) -> bool:
    return permission_policy.user_has_permission(user, "manage")


def _detail_url(certificate) -> str:
    return _url("inspect", quote(certificate.pk))


def _holder(certificate) -> str:
    """The printed name, else (still waiting for it) the account's."""
    return certificate.holder_name or certificate.holder.get_full_name() or certificate.holder.email


# Reads for these screens (plain querysets over certificates.models) -----------------------


def _courses_with_certificates(user):
    ids = certificate_list_visible_to(user=user).values("course_id")
    return CoursePage.objects.filter(pk__in=ids).order_by("title")


def _cohorts_with_certificates(user):
    ids = certificate_list_visible_to(user=user).values("enrolment__cohort_id")
    return Cohort.objects.filter(pk__in=ids).select_related("course").order_by("course__title", "name")


def certificate_search(*, queryset, query: str):
    """By code (any spelling ``code_normalize`` accepts, or a part of it) or by holder."""
    query = " ".join(query.replace("\x00", "").split())[:100]  # PostgreSQL refuses NUL in text
    if not query:
        return queryset
    code = code_normalize(query)
    if code is not None:
        return queryset.filter(code=code)
    # Every word must be in one of the holder's names or email; or the text is a part of a code.
    holder = Q()
    for word in query.split():
        holder &= (
            Q(holder_name__icontains=word)
            | Q(holder_name_latin__icontains=word)
            | Q(holder__first_name__icontains=word)
            | Q(holder__last_name__icontains=word)
            | Q(holder__email__icontains=word)
        )
    return queryset.filter(Q(code__icontains=query.upper()) | holder)


def cohort_certificate_counts(*, cohort, user) -> dict:
    """What a manager sees before issuing for a cohort: completions and certificates by status,
    counting only the students the person may see (a scoped manager: their own)."""
    completed = enrolment_list_visible_to(user=user).filter(cohort=cohort, status=EnrolmentStatus.COMPLETED)
    by_status = dict(
        certificate_list_visible_to(user=user)
        .filter(enrolment__cohort=cohort)
        .select_related(None)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    with_certificate = (
        Certificate.objects.filter(enrolment__in=completed)
        .exclude(status=CertificateStatus.REPLACED)
        .values("enrolment_id")
    )
    return {
        "completed": completed.count(),
        "without_certificate": completed.exclude(pk__in=with_certificate).count(),
        "statuses": [(label, by_status.get(value, 0)) for value, label in CertificateStatus.choices],
        "issued": by_status.get(CertificateStatus.ISSUED, 0),
    }


def cohort_certificates_for_archive(*, cohort, user):
    """The cohort's certificates the person may see, for the manifest, by holder; issued ones have a
    file in the ZIP. A program manager limited to some countries or programs gets those students' only."""
    return (
        certificate_list_visible_to(user=user)
        .filter(enrolment__cohort=cohort)
        .order_by("holder_name_latin", "holder_name", "code")
    )


# Filters and listing ------------------------------------------------------------------------


class CertificateFilterSet(WagtailFilterSet):
    """Choices come from the certificates the person may see: an instructor is never offered
    another instructor's course or cohort."""

    course = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Course"),
        queryset=lambda request: _courses_with_certificates(request.user),
        empty_label=gettext_lazy("All"),
    )
    cohort = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Cohort"),
        field_name="enrolment__cohort",
        queryset=lambda request: _cohorts_with_certificates(request.user),
        empty_label=gettext_lazy("All"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=CertificateStatus.choices, empty_label=gettext_lazy("All")
    )

    class Meta:
        model = Certificate
        fields = []


class CertificateIndexView(IndexView):
    page_title = gettext_lazy("Certificates")
    paginate_by = 50
    default_ordering = "-created_at"
    filterset_class = CertificateFilterSet
    is_searchable = True
    search_box_placeholder = gettext_lazy("Search by code or holder")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "code",
                label=_("Code"),
                accessor="code",
                sort_key="code",
                get_url=_detail_url,
                get_title_id=lambda certificate: f"certificate_{certificate.pk}_title",
            ),
            Column("holder", label=_("Holder"), accessor=_holder, sort_key="holder_name_latin"),
            Column("course", label=_("Course"), accessor="course_title", sort_key="course_title"),
            Column(
                "cohort",
                label=_("Cohort"),
                accessor=lambda c: c.enrolment.cohort.name if c.enrolment.cohort_id else "",
                sort_key="enrolment__cohort__name",
            ),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                sort_key="status",
                primary=lambda certificate: certificate.status == CertificateStatus.ISSUED,
            ),
            DateColumn("completed_on", label=_("Completed"), sort_key="completed_on"),
            DateColumn("issued_at", label=_("Issued"), sort_key="issued_at"),
        ]

    def get_base_queryset(self):
        return certificate_list_visible_to(user=self.request.user)

    def search_queryset(self, queryset):
        return certificate_search(queryset=queryset, query=self.search_query)

    def order_queryset(self, queryset):
        from django.db.models import F

        ordering = self.ordering or self.default_ordering
        expression = F(ordering.lstrip("-"))
        expression = expression.desc(nulls_last=True) if ordering.startswith("-") else expression.asc(nulls_last=True)
        return queryset.order_by(expression, "-pk")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if _can_manage(self.request.user):
            buttons = [
                *buttons,
                HeaderButton(_("Issue or download for a cohort"), url=_url("cohort"), icon_name="group"),
            ]
        return buttons


# One certificate --------------------------------------------------------------------------


class _CertificateMixin:
    """The certificate in the URL, if the person may see it: 404 when there is none, 403 when
    it is another course's (its id says nothing), 403 for an action without ``manage``."""

    action = "view"

    def dispatch(self, request, *args, pk, **kwargs):
        if not permission_policy.user_has_permission(request.user, self.action):
            raise PermissionDenied
        self.object = certificate_list_visible_to(user=request.user).filter(pk=pk).first()
        if self.object is None:
            get_object_or_404(Certificate.objects.only("pk"), pk=pk)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.code

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": _url("index"), "label": _("Certificates")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


class CertificateDetailView(_CertificateMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "certificates/admin/certificate_detail.html"
    page_title = gettext_lazy("Certificate")
    header_icon = ICON

    @cached_property
    def header_buttons(self):
        certificate = self.object
        buttons = []
        if certificate.is_public:
            buttons.append(
                HeaderButton(
                    _("Public check"),
                    url=reverse("certificate_verify", args=[certificate.code]),
                    icon_name="link-external",
                    attrs={"target": "_blank", "rel": "noopener"},
                )
            )
        if _can_manage(self.request.user):
            # Not a revoked one: its replacement would show "replaced" publicly instead of "revoked".
            if certificate.status == CertificateStatus.ISSUED:
                buttons.append(HeaderButton(_("Reissue"), url=_url("reissue", certificate.pk), icon_name="rotate"))
            if certificate.status in (
                CertificateStatus.ISSUED,
                CertificateStatus.PENDING,
                CertificateStatus.AWAITING_NAME,
            ):
                buttons.append(HeaderButton(_("Revoke"), url=_url("revoke", certificate.pk), icon_name="cross"))
        return buttons

    def get_context_data(self, **kwargs):
        certificate = self.object
        history = [
            {"entry": entry, "detail": _history_detail(entry)}
            for entry in ModelLogEntry.objects.for_instance(certificate)
            .select_related("user")
            .order_by("timestamp", "pk")
        ]
        replaced_by = Certificate.objects.filter(replaces=certificate).only("pk", "code").first()
        return super().get_context_data(
            certificate=certificate,
            history=history,
            replaced_by=replaced_by,
            replaced_by_url=_detail_url(replaced_by) if replaced_by else "",
            replaces_url=_detail_url(certificate.replaces) if certificate.replaces_id else "",
            cohort=certificate.enrolment.cohort,
            **kwargs,
        )


def _history_detail(entry) -> str:
    """What the entry's data adds to its message: the reason for a revocation, the other code of a reissue."""
    data = entry.data or {}
    if data.get("reason"):
        return _("Reason: %(reason)s") % {"reason": data["reason"]}
    if data.get("replaced_by"):
        return _("New code: %(code)s") % {"code": data["replaced_by"]}
    if data.get("replaces"):
        return _("In place of: %(code)s") % {"code": data["replaces"]}
    if data.get("cohort"):
        return _("Cohort: %(cohort)s") % {"cohort": data["cohort"]}
    return ""


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Shown, with today's date, to anyone who checks the certificate. Write it for them: "
            "for example “Issued in error: the course was not completed.”"
        ),
        error_messages={"required": gettext_lazy("Give a reason: it is shown to anyone who checks the certificate.")},
    )


class CertificateRevokeView(_CertificateMixin, WagtailAdminTemplateMixin, FormView):
    action = "manage"
    form_class = RevokeForm
    template_name = "certificates/admin/certificate_revoke.html"
    page_title = gettext_lazy("Revoke certificate")
    header_icon = ICON

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.object, action_url=_url("revoke", self.object.pk), **kwargs)

    def form_valid(self, form):
        try:
            certificate_revoke(
                certificate_id=self.object.pk, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except CertificateRefused as refusal:
            messages.error(self.request, _("The certificate was not revoked: %(reason)s") % {"reason": refusal})
            return redirect(_detail_url(self.object))
        messages.success(
            self.request,
            _("Certificate %(code)s is revoked. Its public check now says so, with the date and your reason.")
            % {"code": self.object.code},
        )
        return redirect(_detail_url(self.object))

    def form_invalid(self, form):
        messages.error(self.request, _("The certificate was not revoked. See the errors below."))
        return super().form_invalid(form)


class CertificateReissueView(_CertificateMixin, WagtailAdminTemplateMixin, TemplateView):
    action = "manage"
    template_name = "certificates/admin/certificate_reissue.html"
    page_title = gettext_lazy("Reissue certificate")
    header_icon = ICON

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.object, action_url=_url("reissue", self.object.pk), **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            new = certificate_reissue(certificate_id=self.object.pk, actor=request.user)
        except CertificateRefused as refusal:
            messages.error(request, _("The certificate was not reissued: %(reason)s") % {"reason": refusal})
            return redirect(_detail_url(self.object))
        if new.status == CertificateStatus.AWAITING_NAME:
            then = _("It will be prepared once the student confirms the name to print.")
        else:
            then = _("It is being prepared; the student is emailed when it is ready.")
        messages.success(
            request,
            _("Reissued. The new code is %(new)s; the old code %(old)s now shows as replaced. %(then)s")
            % {"new": new.code, "old": self.object.code, "then": then},
        )
        return redirect(_detail_url(new))


# A cohort: issue for all, download all ------------------------------------------------------


def _cohorts_to_choose(user):
    """Every cohort, or for a scoped manager only those with students in their scope (a subquery on
    the enrolments they may see; unscoped, that subquery would only cost time and drop nothing useful)."""
    cohorts = Cohort.objects.select_related("course").order_by("course__title", "name")
    if manager_scope_filter(user=user) is not None:
        cohorts = cohorts.filter(pk__in=enrolment_list_visible_to(user=user).values("cohort_id"))
    return cohorts


class CohortChoiceForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=gettext_lazy("Cohort"),
        queryset=Cohort.objects.none(),
        empty_label=gettext_lazy("Choose a cohort"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = _cohorts_to_choose(user)
        self.fields["cohort"].label_from_instance = lambda cohort: f"{cohort.course.title}: {cohort.name}"


class _ManagersOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not _can_manage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CohortCertificatesView(_ManagersOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Choose a cohort (GET), see where its certificates stand, then issue (POST) or download."""

    template_name = "certificates/admin/cohort_certificates.html"
    page_title = gettext_lazy("Certificates for a cohort")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": _url("index"), "label": _("Certificates")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = CohortChoiceForm(self.request.GET or None, user=user)
        cohort = form.cleaned_data["cohort"] if form.is_bound and form.is_valid() else None
        context = {"form": form, "cohort": cohort, "scoped": manager_scope_filter(user=user) is not None}
        if cohort is not None:
            context.update(
                counts=cohort_certificate_counts(cohort=cohort, user=user),
                issue_url=_url("cohort_issue", cohort.pk),
                zip_url=_url("cohort_zip", cohort.pk),
                list_url=_url("index", query={"cohort": cohort.pk}),
            )
        return super().get_context_data(**context, **kwargs)


class CohortIssueView(_ManagersOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, cohort_id):
        cohort = get_object_or_404(Cohort, pk=cohort_id)
        # Only the students the manager may see: a scoped manager never issues for another country's.
        counts = cohort_certificates_issue(
            cohort=cohort, actor=request.user, enrolments=enrolment_list_visible_to(user=request.user)
        )
        messages.success(
            request,
            _(
                "%(cohort)s: %(created)d new certificates, %(queued)d being prepared, "
                "%(awaiting_name)d waiting for the student to confirm the name."
            )
            % {"cohort": cohort.name, **counts},
        )
        if not counts["created"]:
            messages.info(request, _("Every completed enrolment of this cohort already had a certificate."))
        return redirect(_url("cohort", query={"cohort": cohort.pk}))


class _Sink:
    """A write-only file for ``zipfile`` that hands over what was written since it was last asked."""

    def __init__(self):
        self._parts = []
        self._position = 0

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _file_name(certificate) -> str:
    """``Holder-Name_CODE.pdf``: readable in any archive tool, unique by the code."""
    name = anyascii(certificate.holder_name_latin or certificate.holder_name)
    stem = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60] or "certificate"
    return f"{stem}_{certificate.code}.pdf"


MANIFEST_HEADINGS = (
    gettext_lazy("Code"),
    gettext_lazy("Holder"),
    gettext_lazy("Holder (Latin script)"),
    gettext_lazy("Course"),
    gettext_lazy("Cohort"),
    gettext_lazy("Status"),
    gettext_lazy("Completed"),
    gettext_lazy("Issued"),
    gettext_lazy("File"),
    gettext_lazy("Verification URL"),
    gettext_lazy("Note"),
)
NOT_RENDERED_YET = gettext_lazy("Valid, not rendered yet: download the archive again to include it.")
RENDER_FAILED = gettext_lazy("Valid, but its file could not be rendered: see the certificate's page.")


def _archive_file(certificate, *, render: bool):
    """The certificate's stored file for the archive: (certificate, "") when it has one, made now when
    it was issued without one and ``render`` allows, else (None, note for the manifest)."""
    current = Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.ISSUED).first()
    if current is None:
        return None, ""  # revoked while the archive was being written: left out
    if current.pdf:
        return current, ""
    if not render:
        return None, str(NOT_RENDERED_YET)
    try:
        current = certificate_files_ensure(certificate_id=current.pk)
    except Exception:
        logger.exception("Certificate %s could not be rendered for a cohort's archive", current.code)
        return None, str(RENDER_FAILED)
    return current, ""


def cohort_archive_chunks(
    *, cohort, certificates, verify_url, render_limit: int | None = None, render_seconds: float | None = None
):
    """The ZIP, piece by piece: each valid certificate's PDF, then ``manifest.csv`` (every certificate).

    PDFs are read from storage in ZIP_CHUNK pieces and handed on at once, so memory
    stays flat whatever the cohort's size. A valid certificate without a file yet is
    rendered first (``certificate_files_ensure``): at most ``render_limit`` a download,
    and none once this download's renderings have taken ``render_seconds`` (wall
    time, so a slow first rendering counts in full).
    The manifest comes last, so it says exactly which files the archive holds. The
    archive is written as a stream (sizes after each file), which every unzip tool reads.
    """
    sink = _Sink()
    archive = zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
    listed = list(certificates.iterator(chunk_size=500))
    files, notes = {}, {}
    renders_left = ZIP_RENDER_LIMIT if render_limit is None else render_limit
    seconds_left = ZIP_RENDER_SECONDS if render_seconds is None else render_seconds
    for certificate in listed:
        if certificate.status != CertificateStatus.ISSUED:
            continue
        started = time.monotonic()
        stored, notes[certificate.pk] = _archive_file(certificate, render=renders_left > 0 and seconds_left > 0)
        if not certificate.pdf:
            renders_left -= 1
            seconds_left -= time.monotonic() - started
        if stored is None:
            continue
        name = _file_name(certificate)
        with stored.pdf.open("rb") as source, archive.open(name, mode="w") as entry:
            for piece in iter(lambda: source.read(ZIP_CHUNK), b""):
                entry.write(piece)
                yield sink.take()
        files[certificate.pk] = name
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow([str(heading) for heading in MANIFEST_HEADINGS])
    for certificate in listed:
        writer.writerow(
            [
                spreadsheet_text(value)
                for value in (
                    certificate.code,
                    certificate.holder_name,
                    certificate.holder_name_latin,
                    certificate.course_title,
                    certificate.cohort_name or cohort.name,
                    certificate.get_status_display(),
                    certificate.completed_on.isoformat(),
                    timezone.localdate(certificate.issued_at).isoformat() if certificate.issued_at else "",
                    files.get(certificate.pk, ""),
                    verify_url(certificate.code) if certificate.is_public else "",
                    notes.get(certificate.pk, ""),
                )
            ]
        )
    # UTF-8 with a byte-order mark, so that spreadsheet programs read names in any script.
    archive.writestr("manifest.csv", "\ufeff" + rows.getvalue())
    rows.close()
    archive.close()
    yield sink.take()


class CohortArchiveView(_ManagersOnlyMixin, View):
    http_method_names = ["get"]

    def get(self, request, cohort_id):
        cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=cohort_id)
        response = StreamingHttpResponse(
            cohort_archive_chunks(
                cohort=cohort,
                certificates=cohort_certificates_for_archive(cohort=cohort, user=request.user),
                verify_url=certificate_verify_url,
            ),
            content_type="application/zip",
        )
        stem = re.sub(r"[^A-Za-z0-9]+", "-", anyascii(f"{cohort.course.title} {cohort.name}")).strip("-")[:80]
        response["Content-Disposition"] = f'attachment; filename="certificates-{stem or cohort.pk}.zip"'
        add_never_cache_headers(response)
        return response


# The view set -------------------------------------------------------------------------------


class CertificateAdminURLFinder(ModelAdminURLFinder):
    """A certificate's admin page is its detail and history (it has no edit form); the audit log links there."""

    edit_url_name = f"{NAMESPACE}:inspect"

    def get_edit_url(self, instance):
        if self.user and not permission_policy.user_has_permission_for_instance(self.user, "view", instance):
            return None
        return self.construct_edit_url(instance)


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = ICON
    menu_label = gettext_lazy("Certificates")
    menu_order = 260
    add_to_admin_menu = True
    url_prefix = "certificates"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateDetailView
    url_finder_class = CertificateAdminURLFinder

    def get_common_view_kwargs(self, **kwargs):
        # No add, edit, delete, copy, usage or history screens: see the permission policy.
        hidden = dict.fromkeys(
            ("add_url_name", "edit_url_name", "delete_url_name", "history_url_name", "usage_url_name")
        )
        return super().get_common_view_kwargs(**hidden, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return kwargs

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().none()

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/revoke/", CertificateRevokeView.as_view(), name="revoke"),
            path("<int:pk>/reissue/", CertificateReissueView.as_view(), name="reissue"),
            path("cohort/", CohortCertificatesView.as_view(), name="cohort"),
            path("cohort/<int:cohort_id>/issue/", CohortIssueView.as_view(), name="cohort_issue"),
            path("cohort/<int:cohort_id>/certificates.zip", CohortArchiveView.as_view(), name="cohort_zip"),
        ]


certificate_viewset = CertificateViewSet(NAMESPACE)


@hooks.register("register_admin_viewset")
def _register_certificate_viewset():
    return certificate_viewset


@hooks.register("register_snippet_listing_buttons")
def _cohort_certificates_button(snippet, user, next_url=None):
    if isinstance(snippet, Cohort) and _can_manage(user):
        yield Button(_("Certificates"), url=_url("cohort", query={"cohort": snippet.pk}), icon_name=ICON, priority=6)
