"""The learning dashboard: funnel, enrolments and completions over time, median time to completion,
assessment results and certificates, each figure leading to the students behind it.

Every expected figure is worked out from the students described in ``conftest.students_spec``.
"""

import datetime
import itertools
import statistics

from django.urls import reverse

import pytest

from lms.reports import selectors
from lms.reports.filters import ReportFilterForm

from .conftest import Attempted, Student, _take, student_add

pytestmark = pytest.mark.django_db

DASHBOARD = "reports:dashboard"


def _dashboard(client, **params):
    response = client.get(reverse(DASHBOARD), params)
    assert response.status_code == 200
    return response


def _students_behind(client, url) -> tuple[int, set[str]]:
    """The row count of the students list a figure links to, and the names in it."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["table"] is not None
    return response.context["page"].paginator.count, {row["cells"][0] for row in response.context["rows"]}


def _period(data, days):
    start = data.today - datetime.timedelta(days=days - 1)
    return start, data.today, {"start": start.isoformat(), "end": data.today.isoformat()}


def _funnel_expected(data, start, end) -> dict[str, set[str]]:
    enrolled = data.select(lambda s: data.in_period(s.activated, start, end))
    return {
        "enrolled": {s.name for s in enrolled},
        "started": {s.name for s in enrolled if s.last_activity is not None},
        "assessed": {s.name for s in enrolled if s.attempts},
        "completed": {s.name for s in enrolled if s.completed is not None},
        "certified": {s.name for s in enrolled if s.certificate in ("issued", "reissued")},
    }


@pytest.mark.parametrize("days", [60, 800])
def test_dashboard_funnel_counts_and_rates_for_the_students_placed_in_the_period(data, manager_client, days):
    start, end, period = _period(data, days)
    expected = _funnel_expected(data, start, end)
    figures = _dashboard(manager_client, **period).context["figures"]
    assert [step.stage for step in figures.funnel] == ["enrolled", "started", "assessed", "completed", "certified"]
    enrolled = len(expected["enrolled"])
    previous = None
    for step in figures.funnel:
        count = len(expected[step.stage])
        assert step.count == count, step.stage
        assert step.of_enrolled == pytest.approx(count / enrolled)
        assert step.of_previous == (None if previous is None else pytest.approx(count / previous))
        previous = count


def test_dashboard_period_leaves_out_what_happened_outside_it(data, manager_client):
    hana = data.students["hana"]  # placed, assessed, completed and certified more than a year ago
    recent = _dashboard(manager_client, **data.period).context["figures"]
    _start, _end, two_years = _period(data, 800)
    everything = _dashboard(manager_client, **two_years).context["figures"]
    assert everything.funnel[0].count == recent.funnel[0].count + 1
    assert everything.completions_in_period == recent.completions_in_period + 1
    exam = {result.title: result for result in everything.assessments}["Final exam"]
    exam_recent = {result.title: result for result in recent.assessments}["Final exam"]
    assert exam.attempts == exam_recent.attempts + len(hana.attempts)
    assert everything.certificates_issued == recent.certificates_issued + 1
    # Her certificate was revoked five days ago: a revocation in both periods.
    assert everything.certificates_revoked == recent.certificates_revoked


def test_dashboard_every_figure_leads_to_as_many_students(data, manager_client):
    response = _dashboard(manager_client, **data.period)
    context = response.context
    expected = _funnel_expected(data, data.start, data.today)
    html = response.content.decode()
    for row in context["funnel"]:
        count, names = _students_behind(manager_client, row["url"])
        assert count == row["step"].count == len(expected[row["step"].stage])
        assert names == expected[row["step"].stage]
        assert row["url"].replace("&", "&amp;") in html

    busy = [row for row in context["buckets"] if row["bucket"].enrolled and row["bucket"].completed]
    assert busy, "the data set places and completes someone in the same week"
    for row in busy:
        assert _students_behind(manager_client, row["enrolled_url"])[0] == row["bucket"].enrolled
        assert _students_behind(manager_client, row["completed_url"])[0] == row["bucket"].completed

    figures = context["figures"]
    assert _students_behind(manager_client, context["completed_url"])[0] == figures.completions_in_period
    for row in context["assessments"]:
        count, names = _students_behind(manager_client, row["students_url"])
        assert count == row["result"].passed
    exam_row = next(row for row in context["assessments"] if row["result"].title == "Final exam")
    passed = {
        s.name
        for s in data.select(lambda s: s.course == "course")
        if any(a.passed and data.in_period(a.days_ago) for a in s.attempts)
    }
    assert _students_behind(manager_client, exam_row["students_url"])[1] == passed

    issued_count, issued_names = _students_behind(manager_client, context["issued_url"])
    assert issued_count == figures.certificates_issued
    assert issued_names == {s.name for s in data.select(lambda s: data.in_period(s.issued))}
    revoked_count, revoked_names = _students_behind(manager_client, context["revoked_url"])
    assert revoked_count == figures.certificates_revoked
    assert revoked_names == {s.name for s in data.select(lambda s: data.in_period(s.revoked))}


@pytest.mark.parametrize(("days", "granularity"), [(20, "day"), (60, "week"), (365, "month")])
def test_dashboard_buckets_cover_the_whole_period_by_day_week_or_month(data, manager_client, days, granularity):
    start, end, period = _period(data, days)
    figures = _dashboard(manager_client, **period).context["figures"]
    buckets = figures.buckets
    assert figures.granularity == granularity
    assert buckets[0].start == start and buckets[-1].end == end
    for before, after in itertools.pairwise(buckets):
        assert after.start == before.end + datetime.timedelta(days=1)
    for bucket in buckets[1:]:
        if granularity == "week":
            assert bucket.start.weekday() == 0
        elif granularity == "month":
            assert bucket.start.day == 1
    if granularity == "day":
        assert len(buckets) == days
    # Empty buckets are there too, with zeros; each counts what happened within it.
    assert any(not bucket.enrolled and not bucket.completed for bucket in buckets)
    for bucket in buckets:
        assert bucket.enrolled == len(data.select(lambda s, b=bucket: data.in_period(s.activated, b.start, b.end)))
        assert bucket.completed == len(data.select(lambda s, b=bucket: data.in_period(s.completed, b.start, b.end)))
    assert sum(bucket.enrolled for bucket in buckets) == figures.funnel[0].count


def test_dashboard_median_days_to_completion_with_odd_and_even_counts(data, manager_client):
    def durations():
        return [s.activated - s.completed for s in data.select(lambda s: data.in_period(s.completed) and s.activated)]

    assert len(durations()) % 2 == 1
    response = _dashboard(manager_client, **data.period)
    assert response.context["figures"].median_days_to_complete == pytest.approx(statistics.median(durations()))
    assert response.context["figures"].completions_in_period == len(durations())

    student_add(
        data,
        Student(
            "zoe", "Zoe", "Adjei", "GH", "imet", "Army", "completed", cohort="spring",
            activated=33, completed=11, last_activity=11, modules_done=3,
        ),
    )  # fmt: skip
    assert len(durations()) % 2 == 0
    response = _dashboard(manager_client, **data.period)
    median = statistics.median(durations())
    assert response.context["figures"].median_days_to_complete == pytest.approx(median)
    assert response.context["median_days"] == round(median)


def test_dashboard_assessment_attempts_students_passed_and_mean_in_the_period(data, manager_client):
    figures = _dashboard(manager_client, **data.period).context["figures"]
    results = {result.title: result for result in figures.assessments}
    assert set(results) == {"Final exam", "Licensing quiz"}
    for title, course in (("Final exam", "course"), ("Licensing quiz", "other")):
        attempts = [
            (s.key, a)
            for s in data.select(lambda s, c=course: s.course == c)
            for a in s.attempts
            if data.in_period(a.days_ago)
        ]
        result = results[title]
        assert result.attempts == len(attempts)
        assert result.students == len({key for key, _a in attempts})
        assert result.passed == len({key for key, a in attempts if a.passed})
        assert result.mean_percent == pytest.approx(float(statistics.mean(a.percent for _k, a in attempts)))
        assert result.pass_rate == pytest.approx(result.passed / result.students)


def test_an_assessment_moved_to_another_course_counts_its_attempts_under_the_course_they_were_taken_in(
    data, manager_client
):
    """An instructor may move an assessment to another course after students took it: its attempts
    stay with the course of their places, as the funnel and the students behind each figure count them."""
    from assessments.models import Assessment

    before = _dashboard(manager_client, **data.period, course=data.course.pk).context
    (exam_before,) = [result for result in before["figures"].assessments if result.title == "Final exam"]
    Assessment.objects.filter(pk=data.exam.pk).update(course=data.other_course)
    after = _dashboard(manager_client, **data.period, course=data.course.pk).context
    (exam_after,) = [result for result in after["figures"].assessments if result.title == "Final exam"]
    assert (exam_after.attempts, exam_after.students, exam_after.passed) == (
        exam_before.attempts,
        exam_before.students,
        exam_before.passed,
    )
    exam_row = next(row for row in after["assessments"] if row["result"].title == "Final exam")
    assert _students_behind(manager_client, exam_row["students_url"])[0] == exam_after.passed > 0
    moved_to = _dashboard(manager_client, **data.period, course=data.other_course.pk).context["figures"]
    assert "Final exam" not in {result.title for result in moved_to.assessments}


def test_dashboard_student_who_passed_after_failing_counts_once(data, manager_client):
    ana = data.students["ana"]
    assert [a.passed for a in ana.attempts] == [False, True]
    figures = _dashboard(manager_client, **data.period, country="BR").context["figures"]
    (exam,) = [result for result in figures.assessments if result.title == "Final exam"]
    assert (exam.attempts, exam.students, exam.passed) == (2, 1, 1)


def test_dashboard_certificates_issued_count_a_reissue_once_and_revoked_in_the_period(data, manager_client):
    ben = data.students["ben"]
    assert ben.certificate == "reissued" and data.in_period(ben.issued) and data.in_period(ben.reissued)
    figures = _dashboard(manager_client, **data.period).context["figures"]
    assert figures.certificates_issued == len(data.select(lambda s: data.in_period(s.issued)))
    assert figures.certificates_revoked == len(data.select(lambda s: data.in_period(s.revoked)))
    only_ben = _dashboard(manager_client, **data.period, country="GH", program=data.programs["imet"].pk)
    assert only_ben.context["figures"].certificates_issued == 1


def test_dashboard_selector_agrees_with_the_page(data, manager):
    form = ReportFilterForm(data.period, user=manager)
    figures = selectors.dashboard(user=manager, filters=form.filters())
    expected = _funnel_expected(data, data.start, data.today)
    assert {step.stage: step.count for step in figures.funnel} == {key: len(v) for key, v in expected.items()}
    assert not figures.is_empty


def test_dashboard_with_nothing_in_the_period_says_so(data, manager_client):
    long_ago = data.today - datetime.timedelta(days=3000)
    response = _dashboard(
        manager_client, start=long_ago.isoformat(), end=(long_ago + datetime.timedelta(days=9)).isoformat()
    )
    figures = response.context["figures"]
    assert figures.is_empty and figures.median_days_to_complete is None
    assert all(step.count == 0 and step.of_enrolled is None for step in figures.funnel)
    assert "No students match these filters in this period." in response.content.decode()


def test_dashboard_attempt_graded_outside_the_period_is_left_out(data, manager_client):
    dina = data.students["dina"]
    old = Attempted(200, True, True)
    _take(dina.user, data.exam, old, data.ago(old.days_ago))
    figures = _dashboard(manager_client, **data.period).context["figures"]
    (exam,) = [result for result in figures.assessments if result.title == "Final exam"]
    in_period = [
        a for s in data.select(lambda s: s.course == "course") for a in s.attempts if data.in_period(a.days_ago)
    ]
    assert exam.attempts == len(in_period)
