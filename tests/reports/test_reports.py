"""The standard reports, as a program manager reads them in the admin: completion by country and
program, cohort roster, students at risk and assessment analysis.

Expected rows are worked out from the students described in ``conftest.students_spec``.
"""

import collections
import datetime
import statistics

from django.urls import reverse

import pytest
from django_countries import countries

from certificates.api import certificate_verify_url
from courses.api import EnrolmentStatus
from lms.reports import selectors
from lms.reports.filters import ReportFilterForm

from .conftest import MULTIPLE_ANSWERS, MULTIPLE_OPTIONS, SINGLE_ANSWERS, SINGLE_OPTIONS

pytestmark = pytest.mark.django_db


def _report(client, key, **params):
    response = client.get(reverse("reports:report", args=[key]), params)
    assert response.status_code == 200
    return response


def _table(response) -> list[dict]:
    """The rows of a report page as {heading: cell}, with the row's link under "link"."""
    headings = response.context["table"].headings
    return [{**dict(zip(headings, row["cells"], strict=True)), "link": row["link"]} for row in response.context["rows"]]


def _students_behind(client, url) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {row["cells"][0] for row in response.context["rows"]}


# Completion by country and sponsoring program -------------------------------------------------------


def _completion_expected(data, **only):
    groups = collections.defaultdict(list)
    for s in data.select(lambda s: data.in_period(s.activated)):
        if all(getattr(s, key) == value for key, value in only.items()):
            groups[(countries.name(s.country) if s.country else "Not given", s.program)].append(s)
    return groups


def test_completion_report_one_row_per_country_and_program_with_counts_and_rate(data, manager_client):
    rows = _table(_report(manager_client, "completion", **data.period))
    program_names = {key: program.name for key, program in data.programs.items()}
    expected = _completion_expected(data)
    assert len(rows) == len(expected)
    by_key = {(row["Country"], row["Sponsoring program"]): row for row in rows}
    for (country, program), students in expected.items():
        row = by_key[(country, program_names[program] if program else "None")]
        completed = sum(s.completed is not None for s in students)
        assert row["Enrolled"] == len(students)
        assert row["Active"] == sum(s.status == "active" for s in students)
        assert row["Completed"] == completed
        assert row["Withdrawn"] == sum(s.status == "withdrawn" for s in students)
        assert row["Certified"] == sum(s.certificate in ("issued", "reissued") for s in students)
        assert row["Completion rate (%)"] == round(completed * 100 / len(students), 1)


def test_completion_report_each_rows_link_lists_exactly_its_students(data, manager_client):
    rows = _table(_report(manager_client, "completion", **data.period))
    program_names = {key: program.name for key, program in data.programs.items()}
    expected = _completion_expected(data)
    # The data set has a student with no country and one with no program next to others of the same
    # country or program: their rows must not lead to everyone of that program or country.
    assert ("Not given", "imet") in expected and ("Poland", None) in expected and ("Poland", "partners") in expected
    for (country, program), students in expected.items():
        row = next(
            row
            for row in rows
            if (row["Country"], row["Sponsoring program"]) == (country, program_names[program] if program else "None")
        )
        assert _students_behind(manager_client, row["link"]) == {s.name for s in students}, (country, program)


def test_completion_report_course_filter_leaves_out_other_courses(data, manager_client):
    rows = _table(_report(manager_client, "completion", **data.period, course=data.course.pk))
    ivan = data.students["ivan"]  # the only student of the other course
    expected = _completion_expected(data, course="course")
    assert sum(row["Enrolled"] for row in rows) == sum(len(students) for students in expected.values())
    assert sum(row["Enrolled"] for row in _table(_report(manager_client, "completion", **data.period))) == (
        sum(row["Enrolled"] for row in rows) + 1
    )
    assert ivan.course == "other"


# Cohort roster ----------------------------------------------------------------------------------------


def test_roster_lists_every_student_of_the_cohort_with_status_progress_results_and_certificate(data, manager_client):
    cohort = data.cohorts["spring"]
    response = _report(manager_client, "roster", **data.period, cohort=cohort.pk)
    rows = {row["Name"]: row for row in _table(response)}
    # Pending and refused requests are not students of the cohort.
    members = data.select(
        lambda s: s.cohort == "spring" and s.status not in (EnrolmentStatus.PENDING, EnrolmentStatus.REJECTED)
    )
    assert set(rows) == {s.name for s in members}
    assert any(s.cohort == "spring" and s.status == EnrolmentStatus.PENDING for s in data.select())
    for s in members:
        row = rows[s.name]
        assert row["Status"] == s.enrolment.get_status_display()
        assert row["Progress (%)"] == round(100 * s.modules_done / len(data.modules))
        graded = list(s.attempts)
        best = max(graded, key=lambda a: a.percent) if graded else None
        assert row["Final exam: best score (%)"] == (None if best is None else round(float(best.percent), 1))
        assert row["Final exam: passed"] == ("" if best is None else "Yes" if best.passed else "No")
        assert row["Certificate code"] == s.certificate_code
        assert row["Verification link"] == (certificate_verify_url(s.certificate_code) if s.certificate_code else "")
    # A reissued certificate shows its replacement, never the replaced code.
    ben = data.students["ben"]
    assert rows[ben.name]["Certificate code"] != ben.replaced_code
    assert rows[ben.name]["Certificate status"] == "Valid"
    html = response.content.decode()
    assert f'href="{certificate_verify_url(ben.certificate_code)}"' in html


def test_roster_shows_a_revoked_certificate_as_revoked(data, manager_client):
    chen = data.students["chen"]
    rows = {row["Name"]: row for row in _table(_report(manager_client, "roster", cohort=data.cohorts["autumn"].pk))}
    assert rows[chen.name]["Certificate code"] == chen.certificate_code
    assert rows[chen.name]["Certificate status"] == "Revoked"


def test_roster_asks_for_a_cohort_when_none_is_chosen(data, manager_client):
    response = _report(manager_client, "roster", **data.period)
    assert response.context["table"] is None
    assert "Choose a cohort to see its roster." in response.content.decode()


# Students at risk ---------------------------------------------------------------------------------------


def _expected_pace(data, cohort_key) -> int | None:
    if cohort_key is None:
        return None
    cohort = data.cohorts[cohort_key]
    return round(100 * (data.today - cohort.starts_on).days / (cohort.ends_on - cohort.starts_on).days)


def _at_risk_expected(data, idle_days, pace_margin) -> dict[str, tuple[bool, bool]]:
    expected = {}
    for s in data.select(lambda s: s.status == "active"):
        since = s.last_activity if s.last_activity is not None else s.activated
        idle = since > idle_days
        pace = _expected_pace(data, s.cohort)
        progress = round(100 * s.modules_done / len(data.modules))
        behind = pace is not None and progress < pace - pace_margin
        if idle or behind:
            expected[s.name] = (idle, behind)
    return expected


def test_at_risk_lists_idle_and_behind_students_by_the_parameters(data, manager_client):
    seen = set()
    for idle_days, pace_margin in [(14, 20), (21, 20), (14, 60), (30, 45)]:
        response = _report(manager_client, "at_risk", idle_days=idle_days, pace_margin=pace_margin)
        rows = {row["Name"]: row for row in _table(response)}
        expected = _at_risk_expected(data, idle_days, pace_margin)
        assert expected, "each case lists someone"
        assert set(rows) == set(expected), (idle_days, pace_margin)
        seen.add(frozenset(expected.items()))
        idle_reason = f"No activity for {idle_days} days or more"
        for name, (idle, behind) in expected.items():
            why = rows[name]["Why"]
            assert (idle_reason in why) == idle and ("Behind the cohort's pace" in why) == behind, name
    assert len(seen) == 4, "each pair of parameters lists other students or other reasons"


def test_at_risk_never_lists_completed_withdrawn_or_pending_students(data, manager_client):
    # Everyone idle (a day is enough) and nobody may trail: only active students can appear.
    rows = _table(_report(manager_client, "at_risk", idle_days=1, pace_margin=0))
    listed = {row["Name"] for row in rows}
    assert listed
    for s in data.students.values():
        if s.status != "active":
            assert s.name not in listed, s.key


def test_at_risk_progress_and_expected_pace_match_the_roster(data, manager_client):
    at_risk = {row["Name"]: row for row in _table(_report(manager_client, "at_risk", idle_days=14, pace_margin=20))}
    roster = {row["Name"]: row for row in _table(_report(manager_client, "roster", cohort=data.cohorts["spring"].pk))}
    kai = data.students["kai"]  # two modules of three: 67 %, in both reports
    assert at_risk[kai.name]["Progress (%)"] == roster[kai.name]["Progress (%)"] == round(100 * 2 / 3)
    assert at_risk[kai.name]["Expected by now (%)"] == _expected_pace(data, "spring")


def test_at_risk_selector_takes_the_day_it_is_asked_for(data, manager):
    filters = ReportFilterForm({}, user=manager).filters()
    rows, _counted = selectors.students_at_risk_with_count(
        user=manager, filters=filters, idle_days=365, pace_margin=0, today=data.today
    )
    lea = data.students["lea"]
    assert {row["user__email"] for row in rows if row["behind"]} >= {lea.user.email}
    # Before the spring cohort started, nobody of it is behind.
    early, _counted = selectors.students_at_risk_with_count(
        user=manager, filters=filters, idle_days=365, pace_margin=0, today=data.cohorts["spring"].starts_on
    )
    assert lea.user.email not in {row["user__email"] for row in early}


def test_at_risk_a_student_waiting_for_their_cohort_to_start_is_not_idle(data, manager):
    from courses.factories import CohortFactory, EnrolmentFactory
    from lms.accounts.factories import UserFactory

    upcoming = CohortFactory(
        course=data.other_course,
        name="Next intake",
        starts_on=data.today + datetime.timedelta(days=10),
        ends_on=data.today + datetime.timedelta(days=100),
    )
    waiting = UserFactory(email="waiting@example.org", first_name="Wanda", last_name="Waiting")
    EnrolmentFactory(
        user=waiting,
        course=data.other_course,
        cohort=upcoming,
        status_changed_at=data.now - datetime.timedelta(days=40),
    )
    filters = ReportFilterForm({}, user=manager).filters()

    def listed(today):
        rows, _counted = selectors.students_at_risk_with_count(
            user=manager, filters=filters, idle_days=14, pace_margin=20, today=today
        )
        return waiting.email in {row["user__email"] for row in rows}

    # Placed 40 days ago, with nothing to do until the cohort starts: waiting, not idle.
    assert not listed(data.today)
    # Three weeks into the cohort without opening anything: idle.
    assert listed(upcoming.starts_on + datetime.timedelta(days=21))


# Assessment analysis ------------------------------------------------------------------------------------


def _analysis_expected(data, predicate=lambda s: True):
    attempts = [
        a
        for s in data.select(lambda s: s.course == "course" and predicate(s))
        for a in s.attempts
        if data.in_period(a.days_ago)
    ]
    single_choices = collections.Counter(SINGLE_ANSWERS[a.single_right] for a in attempts)
    multiple_choices = collections.Counter(text for a in attempts for text in MULTIPLE_ANSWERS[a.multiple_right])
    return attempts, single_choices, multiple_choices


def _discrimination(pairs):
    xs, ys = zip(*pairs, strict=True)
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return round(statistics.correlation(xs, ys), 3)


def test_assessment_analysis_difficulty_discrimination_and_option_choices(data, manager_client):
    response = _report(manager_client, "assessment", **data.period, assessment=data.exam.pk)
    rows = _table(response)
    attempts, single_choices, multiple_choices = _analysis_expected(data)
    by_question = collections.defaultdict(dict)
    for row in rows:
        by_question[row["Question"]][row["Option"]] = row
    assert set(by_question) == {"Budget approval", "Oversight bodies"}

    single = by_question["Budget approval"]
    assert set(single) == {text for text, _correct in SINGLE_OPTIONS}
    for text, correct in SINGLE_OPTIONS:
        row = single[text]
        assert row["Asked"] == row["Answered"] == len(attempts)
        assert row["Correct option"] == ("Yes" if correct else "No")
        assert row["Chosen"] == single_choices[text]
        assert row["Share of answers"] == round(single_choices[text] / len(attempts), 3)
        assert row["Difficulty (share of points earned)"] == round(statistics.mean(a.single_right for a in attempts), 3)
        # The rest of the test for the single-choice question is the multiple-choice one, and back.
        assert row["Discrimination"] == _discrimination([(a.single_right, a.multiple_right) for a in attempts])

    multiple = by_question["Oversight bodies"]
    assert set(multiple) == {text for text, _correct in MULTIPLE_OPTIONS}
    for text, correct in MULTIPLE_OPTIONS:
        row = multiple[text]
        assert row["Correct option"] == ("Yes" if correct else "No")
        assert row["Chosen"] == multiple_choices[text], text
        assert row["Share of answers"] == round(multiple_choices[text] / len(attempts), 3)
        assert row["Difficulty (share of points earned)"] == round(
            statistics.mean(a.multiple_right for a in attempts), 3
        )
    assert multiple_choices["Courts"] != multiple_choices["Parliament"], "the counts tell the options apart"


def test_assessment_analysis_filters_narrow_the_attempts_counted(data, manager_client):
    response = _report(manager_client, "assessment", **data.period, assessment=data.exam.pk, country="GH")
    attempts, single_choices, multiple_choices = _analysis_expected(data, lambda s: s.country == "GH")
    everyone, _single, _multiple = _analysis_expected(data)
    assert 0 < len(attempts) < len(everyone)
    for row in _table(response):
        assert row["Asked"] == len(attempts)
        counts = single_choices if row["Question"] == "Budget approval" else multiple_choices
        assert row["Chosen"] == counts[row["Option"]]


def test_assessment_analysis_period_leaves_out_older_attempts(data, manager_client):
    hana = data.students["hana"]  # her attempt is more than a year old
    _start_two_years = (data.today.replace(year=data.today.year - 2)).isoformat()
    wide = _table(_report(manager_client, "assessment", start=_start_two_years, end=data.today.isoformat(),
                          assessment=data.exam.pk))  # fmt: skip
    narrow = _table(_report(manager_client, "assessment", **data.period, assessment=data.exam.pk))
    assert wide[0]["Asked"] == narrow[0]["Asked"] + len(hana.attempts)


def test_assessment_analysis_asks_for_an_assessment(data, manager_client):
    response = _report(manager_client, "assessment", **data.period)
    assert response.context["table"] is None
    assert "Choose an assessment." in response.content.decode()


def test_student_lists_count_what_they_list(data, manager):
    """The lists are counted over the enrolments alone (selectors.ROWS_COUNTED): the count the page
    shows must be the number of rows it lists, certificates reissued or revoked included."""
    filters = ReportFilterForm({}, user=manager).filters()
    listed = {}
    for stage in selectors.STAGE_LABELS:
        rows, counted = selectors.students_behind_with_count(user=manager, filters=filters, stage=stage)
        listed[stage] = len(list(rows))
        assert listed[stage] == counted.count(), stage
    assert listed[selectors.Stage.CERTIFIED] >= 2 and listed[selectors.Stage.ENROLLED] > 5, listed
    for idle_days, pace_margin in ((1, 0), (14, 20), (365, 100)):
        rows, counted = selectors.students_at_risk_with_count(
            user=manager, filters=filters, idle_days=idle_days, pace_margin=pace_margin, today=data.today
        )
        listed = len(list(rows))
        assert listed == counted.count(), (idle_days, pace_margin)
        assert listed or idle_days == 365, "each case but the last lists someone"
