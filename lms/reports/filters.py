"""The filters every report shares: a period, and any combination of course, cohort, country,
sponsoring program and service.

Choices come from the manager's scope, never from other people's students: a
scoped manager is offered only their countries and programs, and a value from
outside the choices (typed into the address, or from another manager's link) is
refused with a message like any unknown value. A refused filter gives an empty
report, never a wider one.
"""

import dataclasses
import datetime
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from django_countries import countries as all_countries
from django_countries import sort_key as countries_sort_key

from courses.api import Cohort, CoursePage, source_only
from lms.accounts.api import SponsoringProgram, User, manager_scope_describe, manager_scope_filter
from lms.core import widgets

# The longest period a report covers: a century is a typing mistake, not a question.
MAX_PERIOD_DAYS = 366 * 20
# Dates a report may name: wide enough for any record, narrow enough that no date arithmetic overflows.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2199, 12, 31)
DEFAULT_PERIOD_DAYS = 365


def name_sort_key(name: str):
    """Sort names as a reader expects in any script ("Émirats" among the E's, "Ёлка" after "Египет").

    Country names change with the interface language, so lists of them are sorted after translation,
    by the Unicode Collation Algorithm that django-countries sorts its own lists with (pyuca).
    """
    return countries_sort_key(("", str(name)))


# The country or program filter's value for students who gave none: a row of the completion report
# for them links to them alone, not to everyone of that program or country.
NOT_GIVEN = "none"
NO_PROGRAM = 0  # ``ReportFilters.program_id`` of students without a sponsoring program


@dataclasses.dataclass(frozen=True)
class ReportFilters:
    """Validated filters. ``start`` and ``end`` are inclusive dates; None means any."""

    start: datetime.date
    end: datetime.date
    course_id: int | None = None
    cohort_id: int | None = None
    country: str = ""  # a country code, or NOT_GIVEN
    program_id: int | None = None  # a program's id, or NO_PROGRAM
    service: str = ""
    # Set when the filters as given were refused: the report is empty and says why.
    refused: bool = False

    @property
    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as an aware [from, to) pair of datetimes in the site's time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        return start, end

    def query(self, **extra) -> str:
        """The filters as a query string, for links to the lists behind a figure and for exports."""
        values = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "course": self.course_id or "",
            "cohort": self.cohort_id or "",
            "country": self.country,
            "program": self._program_value or "",
            "service": self.service,
            **extra,
        }
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})

    @property
    def _program_value(self) -> int | str | None:
        return NOT_GIVEN if self.program_id == NO_PROGRAM else self.program_id

    def as_dict(self) -> dict:
        """The filters as they are stored on a scheduled report (without its period, which moves)."""
        return {
            "course": self.course_id,
            "cohort": self.cohort_id,
            "country": self.country,
            "program": self._program_value,
            "service": self.service,
        }


def default_period(today=None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


# A value that is not among the choices: unknown, or outside the manager's scope (the same words for both).
UNKNOWN_VALUE_MESSAGES = {
    "course": _("There is no course “%(value)s” to report on."),
    "cohort": _("There is no cohort “%(value)s” to report on."),
    "country": _("There are no students from “%(value)s” among those you may see."),
    "program": _("There is no sponsoring program “%(value)s” among those you may see."),
    "service": _("There are no students of the service “%(value)s” among those you may see."),
}


# How long the countries and services found among a manager's students are kept (lists of a few
# dozen values, read from 100,000 students in tens of milliseconds: not on every page).
CHOICES_CACHE_SECONDS = 300


def _students_found(*, user) -> dict:
    """The countries and services of the students in the manager's scope, and whether some have no
    sponsoring program: one query, kept for a few minutes per manager."""
    key = f"reports:choices:{user.pk}"
    found = cache.get(key)
    if found is None:
        students = User.objects.filter(enrolments__isnull=False)
        scope = manager_scope_filter(user=user)
        if scope is not None:
            students = students.filter(scope)
        rows = set(
            students.order_by()
            .annotate(no_program=Q(sponsoring_program__isnull=True))
            .values_list("country", "service", "no_program")
            .distinct()
        )
        found = {
            "countries": sorted({country for country, _service, _none in rows}),
            "services": sorted({service for _country, service, _none in rows if service}),
            "no_program": any(none for _country, _service, none in rows),
        }
        cache.set(key, found, CHOICES_CACHE_SECONDS)
    return found


def _empty_choice():
    return [("", _("All"))]


def _program_id(value) -> int:
    return NO_PROGRAM if value == NOT_GIVEN else int(value)


class ReportFilterForm(forms.Form):
    """The shared filters. Bound to the request's query string; ``filters()`` gives what to report on."""

    start = forms.DateField(
        label=pgettext_lazy("report period: first day", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("report period: last day", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # widgets.Select: hundreds of cohorts are written without a template per option.
    course = forms.TypedChoiceField(
        label=_("Course"), required=False, coerce=int, empty_value=None, widget=widgets.Select
    )
    cohort = forms.TypedChoiceField(
        label=_("Cohort"), required=False, coerce=int, empty_value=None, widget=widgets.Select
    )
    country = forms.ChoiceField(label=_("Country"), required=False, widget=widgets.Select)
    program = forms.TypedChoiceField(
        label=_("Sponsoring program"), required=False, coerce=_program_id, empty_value=None, widget=widgets.Select
    )
    service = forms.ChoiceField(label=_("Service"), required=False, widget=widgets.Select)

    def __init__(self, data=None, *, user, today=None):
        super().__init__(data=data if data is not None else {})
        self.user = user
        self.today = today or timezone.localdate()
        scope = manager_scope_describe(user=user)
        courses = source_only(CoursePage.objects.only("title")).order_by("title", "pk")
        cohorts = (
            Cohort.objects.select_related("course")
            .only("name", "course__title")
            .order_by("course__title", "-starts_on", "name")
        )
        programs = SponsoringProgram.objects.only("name").order_by("name")
        if scope and scope["program_ids"]:
            programs = programs.filter(pk__in=scope["program_ids"])
        # "Not given" is offered when some students gave no country or program, and never to a manager
        # limited to some (those students are outside the scope).
        found = _students_found(user=user)
        codes = set(scope["countries"]) if scope and scope["countries"] else set(found["countries"])
        no_country = "" in codes
        codes.discard("")
        no_program = found["no_program"] and not (scope and scope["program_ids"])
        country_choices = sorted(
            ((code, all_countries.name(code) or code) for code in codes), key=lambda choice: name_sort_key(choice[1])
        )
        if no_country:
            country_choices.append((NOT_GIVEN, _("Not given")))
        program_choices = [(p.pk, p.name) for p in programs]
        if no_program:
            program_choices.append((NOT_GIVEN, pgettext_lazy("sponsoring program", "None")))
        services = sorted(found["services"])
        self.fields["course"].choices = _empty_choice() + [(c.pk, c.title) for c in courses]
        self.fields["cohort"].choices = _empty_choice() + [(c.pk, f"{c.course.title}: {c.name}") for c in cohorts]
        self.fields["country"].choices = _empty_choice() + country_choices
        self.fields["program"].choices = _empty_choice() + program_choices
        self.fields["service"].choices = _empty_choice() + [(s, s) for s in services]
        for name, message in UNKNOWN_VALUE_MESSAGES.items():
            self.fields[name].error_messages["invalid_choice"] = message

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        for day in (start, end):
            if day and not (EARLIEST <= day <= LATEST):
                raise forms.ValidationError(
                    _("Choose dates between %(earliest)s and %(latest)s.")
                    % {"earliest": date_format(EARLIEST), "latest": date_format(LATEST)}
                )
        if start and end and end < start:
            raise forms.ValidationError(
                _("The period ends before it starts: choose a “To” date after the “From” date.")
            )
        # A date left out is filled in: the period ends today, or lasts a year from the start given.
        if "start" in cleaned and "end" in cleaned:
            default_end = default_period(self.today)[1]
            end = end or (default_end if not start or start <= default_end else start)
            start = start or min(end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), end)
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("Choose a period of at most 20 years."))
            cleaned["period"] = (start, end)
        return cleaned

    def filters(self) -> ReportFilters:
        """What to report on: the valid filters, or an empty report when any was refused."""
        if not self.is_valid():
            default_start, default_end = default_period(self.today)
            return ReportFilters(start=default_start, end=default_end, refused=True)
        data = self.cleaned_data
        start, end = data["period"]
        return ReportFilters(
            start=start,
            end=end,
            course_id=data["course"],
            cohort_id=data["cohort"],
            country=data["country"],
            program_id=data["program"],
            service=data["service"],
        )


def filters_from_stored(stored: dict, *, user, start, end) -> ReportFilters:
    """Filters kept on a scheduled report, checked again against the owner's scope of today."""
    data = {key: value for key, value in stored.items() if value not in (None, "")}
    data.update(start=start.isoformat(), end=end.isoformat())
    return ReportFilterForm(data, user=user).filters()
