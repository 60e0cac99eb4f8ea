"""The standard reports: what each one shows, as columns and rows that the admin pages, the CSV and
XLSX exports and the scheduled emails all share.

A report is built from a selector's queryset of values; ``rows`` turns each
database row into the cells of one line (names joined, countries named,
certificate codes with their verification links). Nothing here counts: the
counting is done by the selectors, in the database.
"""

import dataclasses
from collections.abc import Callable, Iterator

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from django_countries import countries

from certificates.api import CertificateStatus
from courses.api import EnrolmentStatus
from lms.core import widgets

from . import selectors
from .filters import NOT_GIVEN, ReportFilters, name_sort_key

ENROLMENT_STATUS_LABELS = dict(EnrolmentStatus.choices)
CERTIFICATE_STATUS_LABELS = dict(CertificateStatus.choices)


@dataclasses.dataclass
class Table:
    """A report's result: headings, where the rows come from, and how a row becomes cells.

    ``source`` is a queryset (read in chunks for exports, a page at a time in
    the admin) or a short list; ``cells`` turns one of its items into plain
    values (text, numbers, dates); ``link`` gives, for an item, the filters of
    the students behind it (as extra query parameters) when there is such a list.
    """

    headings: list[str]
    source: QuerySet | list
    cells: Callable[[object], list]
    link: Callable[[object], dict] | None = None
    # As many items as ``source``, cheaper to count (selectors.ROWS_COUNTED); None: count ``source``.
    counted: QuerySet | None = None

    @property
    def rows(self) -> Iterator[list]:
        items = self.source.iterator(chunk_size=2000) if isinstance(self.source, QuerySet) else self.source
        for item in items:
            yield self.cells(item)


def _name(row) -> str:
    latin = " ".join(part for part in (row["user__first_name"], row["user__last_name"]) if part)
    return latin or row["user__email"]


def _country(code) -> str:
    return countries.name(code) or code if code else ""


def _percent(value) -> float | None:
    return None if value is None else round(float(value), 1)


class Link(str):
    """A cell that is an address: the admin shows it as a link (no other cell is, whatever it holds)."""

    is_link = True


# Only these answer at /verify/: a certificate waiting for its holder's name or being prepared has no
# page yet.
VERIFIABLE_STATUSES = (CertificateStatus.ISSUED, CertificateStatus.REVOKED)


def _certificate_cells(row) -> list:
    code = row.get("certificate_code")
    status = row.get("certificate_status")
    return [
        code or "",
        str(CERTIFICATE_STATUS_LABELS.get(status, "")) if status else "",
        Link(selectors.certificate_url(code)) if code and status in VERIFIABLE_STATUSES else "",
    ]


def _student_cells(row) -> list:
    return [
        _name(row),
        row["user__name_native"],
        row["user__email"],
        _country(row["user__country"]),
        row["user__sponsoring_program__name"] or "",
        row["user__service"],
        row["user__rank"],
        row["course__title"],
        row["cohort__name"] or "",
        str(ENROLMENT_STATUS_LABELS.get(row["status"], row["status"])),
    ]


def _student_headings() -> list[str]:
    return [
        gettext("Name"),
        gettext("Name in native script"),
        gettext("Email"),
        gettext("Country"),
        gettext("Sponsoring program"),
        gettext("Service"),
        gettext("Rank"),
        gettext("Course"),
        gettext("Cohort"),
        gettext("Status"),
    ]


def _certificate_headings() -> list[str]:
    return [gettext("Certificate code"), gettext("Certificate status"), gettext("Verification link")]


def _local_date(value):
    from django.utils import timezone

    return timezone.localtime(value).date() if value else None


# Parameters some reports take besides the shared filters --------------------------------------------


class StudentsParams(forms.Form):
    stage = forms.ChoiceField(label=_("Students"), choices=list(selectors.STAGE_LABELS.items()), widget=widgets.Select)
    assessment = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class AtRiskParams(forms.Form):
    idle_days = forms.IntegerField(
        label=_("No activity for (days)"), min_value=1, max_value=365, initial=14, required=False
    )
    pace_margin = forms.IntegerField(
        label=_("Behind the cohort's pace by (percentage points)"),
        min_value=0,
        max_value=100,
        initial=20,
        required=False,
    )

    def cleaned(self) -> dict:
        return {
            "idle_days": self.cleaned_data.get("idle_days") or self.fields["idle_days"].initial,
            "pace_margin": self.cleaned_data.get("pace_margin")
            if self.cleaned_data.get("pace_margin") is not None
            else self.fields["pace_margin"].initial,
        }


class AssessmentParams(forms.Form):
    assessment = forms.TypedChoiceField(
        label=_("Assessment"), coerce=int, empty_value=None, required=True, widget=widgets.Select
    )

    def __init__(self, *args, filters: ReportFilters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].choices = [("", _("Choose an assessment"))] + [
            (assessment.pk, f"{assessment.course.title}: {assessment.title}")
            for assessment in selectors.assessment_list_for_reports(filters=filters)
        ]
        self.fields["assessment"].error_messages["invalid_choice"] = _(
            "There is no assessment “%(value)s” among those of the chosen course."
        )


# The reports ---------------------------------------------------------------------------------------


def students_table(*, user, filters: ReportFilters, params: dict) -> Table:
    queryset, counted = selectors.students_behind_with_count(
        user=user, filters=filters, stage=params["stage"], assessment_id=params.get("assessment")
    )
    headings = [
        *_student_headings(),
        gettext("Enrolled"),
        gettext("Last activity"),
        gettext("Completed"),
        *_certificate_headings(),
    ]

    def cells(row):
        return [
            *_student_cells(row),
            _local_date(row["activated_at"]),
            _local_date(row["last_activity_at"]),
            _local_date(row["completed_at"]),
            *_certificate_cells(row),
        ]

    return Table(headings=headings, source=queryset, cells=cells, counted=counted)


def completion_table(*, user, filters: ReportFilters, params: dict) -> Table:
    queryset = selectors.completion_by_country_and_program(user=user, filters=filters)
    headings = [
        gettext("Country"),
        gettext("Sponsoring program"),
        pgettext("report stage", "Enrolled"),
        pgettext("report stage", "Active"),
        pgettext("report stage", "Completed"),
        pgettext("report stage", "Withdrawn"),
        pgettext("report stage", "Certified"),
        gettext("Completion rate (%)"),
    ]

    def cells(row):
        return [
            _country(row["user__country"]) or gettext("Not given"),
            row["user__sponsoring_program__name"] or pgettext("sponsoring program", "None"),
            row["enrolled"],
            row["active"],
            row["completed"],
            row["withdrawn"],
            row["certified"],
            round(row["completed"] * 100 / row["enrolled"], 1) if row["enrolled"] else None,
        ]

    def link(row):
        return {
            "stage": selectors.Stage.ENROLLED,
            # A row of students with no country or program lists them alone, not everyone.
            "country": row["user__country"] or NOT_GIVEN,
            "program": row["user__sponsoring_program_id"] or NOT_GIVEN,
        }

    # At most one row per country and program: sorted here by the country's name in the reader's
    # language (students who gave none last), which the database cannot do.
    rows = sorted(
        queryset,
        key=lambda row: (
            not row["user__country"],
            name_sort_key(_country(row["user__country"])),
            name_sort_key(row["user__sponsoring_program__name"] or ""),
        ),
    )
    return Table(headings=headings, source=rows, cells=cells, link=link)


def roster_table(*, user, filters: ReportFilters, params: dict) -> Table:
    assessments = selectors.roster_assessments(filters=filters)
    queryset = selectors.cohort_roster(user=user, filters=filters, assessments=assessments)
    headings = [*_student_headings(), gettext("Progress (%)"), gettext("Last activity"), gettext("Completed")]
    for assessment in assessments:
        headings += [
            gettext("%(assessment)s: best score (%%)") % {"assessment": assessment.title},
            gettext("%(assessment)s: passed") % {"assessment": assessment.title},
        ]
    headings += _certificate_headings()

    yes, no = gettext("Yes"), gettext("No")

    def cells(row):
        values = [
            *_student_cells(row),
            row["progress_percent"],
            _local_date(row["last_activity_at"]),
            _local_date(row["completed_at"]),
        ]
        for assessment in assessments:
            passed = row[f"passed_{assessment.pk}"]
            values += [_percent(row[f"best_{assessment.pk}"]), "" if passed is None else yes if passed else no]
        return values + _certificate_cells(row)

    return Table(headings=headings, source=queryset, cells=cells)


def at_risk_table(*, user, filters: ReportFilters, params: dict) -> Table:
    queryset, counted = selectors.students_at_risk_with_count(
        user=user, filters=filters, idle_days=params["idle_days"], pace_margin=params["pace_margin"]
    )
    headings = [
        *_student_headings(),
        gettext("Enrolled"),
        gettext("Last activity"),
        gettext("Progress (%)"),
        gettext("Expected by now (%)"),
        gettext("Why"),
    ]

    idle_reason = gettext("No activity for %(days)s days or more") % {"days": params["idle_days"]}
    behind_reason = gettext("Behind the cohort's pace")

    def cells(row):
        reasons = [reason for reason, flag in ((idle_reason, row["idle"]), (behind_reason, row["behind"])) if flag]
        return [
            *_student_cells(row),
            _local_date(row["activated_at"]),
            _local_date(row["last_activity_at"]),
            row["progress_percent"],
            row["expected_percent"],
            "; ".join(reasons),
        ]

    return Table(headings=headings, source=queryset, cells=cells, counted=counted)


def assessment_table(*, user, filters: ReportFilters, params: dict) -> Table:
    _assessment, statistics = selectors.assessment_analysis(
        user=user, filters=filters, assessment_id=params["assessment"]
    )
    headings = [
        gettext("Question"),
        gettext("Type"),
        gettext("Asked"),
        gettext("Answered"),
        gettext("Difficulty (share of points earned)"),
        gettext("Discrimination"),
        gettext("Option"),
        gettext("Correct option"),
        gettext("Chosen"),
        gettext("Share of answers"),
    ]

    yes, no = gettext("Yes"), gettext("No")
    lines = []
    for statistic in statistics:
        question = [
            statistic.title,
            statistic.type_label,
            statistic.presented,
            statistic.responses,
            None if statistic.difficulty is None else round(statistic.difficulty, 3),
            None if statistic.discrimination is None else round(statistic.discrimination, 3),
        ]
        if not statistic.options:
            lines.append([*question, "", "", None, None])
        for option in statistic.options:
            share = None if option.share is None else round(option.share, 3)
            lines.append([*question, option.text, yes if option.is_correct else no, option.chosen, share])
    return Table(headings=headings, source=lines, cells=list)


@dataclasses.dataclass(frozen=True)
class Report:
    key: str
    title: str
    description: str
    build: Callable[..., Table]
    needs_cohort: bool = False
    schedulable: bool = True


REPORTS = {
    report.key: report
    for report in (
        Report(
            "completion",
            _("Completion by country and sponsoring program"),
            _(
                "For each country and sponsoring program, the students who got a place in the period and how far "
                "they have gone."
            ),
            completion_table,
        ),
        Report(
            "roster",
            _("Cohort roster"),
            _("Every student of a cohort with status, progress, assessment results and certificate."),
            roster_table,
            needs_cohort=True,
        ),
        Report(
            "at_risk",
            _("Students at risk"),
            _("Active students with no recent activity, or behind their cohort's pace."),
            at_risk_table,
        ),
        Report(
            "assessment",
            _("Assessment analysis"),
            _(
                "For each question of an assessment: how hard it was, how well it separated stronger from "
                "weaker students, and which options were chosen."
            ),
            assessment_table,
        ),
        Report(
            "students",
            _("Students"),
            _("The students behind a figure of the dashboard."),
            students_table,
            schedulable=False,
        ),
    )
}
