"""The shared filters narrow every report to the students asked for; bad input gets a clear message
and an empty, well-formed page (status 200), never a 500 and never a wider report."""

import datetime

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")


def _report_url(key):
    return reverse("reports:report", args=[key])


def _enrolled(client, **params) -> set[str]:
    response = client.get(_report_url("students"), {"stage": "enrolled", **params})
    assert response.status_code == 200
    return {row["cells"][0] for row in response.context["rows"]}


NARROWING = [
    ("course", lambda d: d.course.pk, lambda s: s.course == "course"),
    ("cohort", lambda d: d.cohorts["spring"].pk, lambda s: s.cohort == "spring"),
    ("country", lambda d: "GH", lambda s: s.country == "GH"),
    ("program", lambda d: d.programs["partners"].pk, lambda s: s.program == "partners"),
    ("service", lambda d: "Navy", lambda s: s.service == "Navy"),
    ("country", lambda d: "none", lambda s: s.country == ""),
    ("program", lambda d: "none", lambda s: s.program is None),
]


def test_filters_narrow_the_dashboard_and_its_lists_to_the_students_asked_for(data, manager_client):
    everyone = {s.name for s in data.select(lambda s: data.in_period(s.activated))}
    for param, value, keep in NARROWING:
        params = {**data.period, param: value(data)}
        expected = {s.name for s in data.select(lambda s, keep=keep: data.in_period(s.activated) and keep(s))}
        assert expected and expected != everyone, params
        figures = manager_client.get(DASHBOARD, params).context["figures"]
        assert figures.funnel[0].count == len(expected), params
        assert _enrolled(manager_client, **params) == expected, params


def test_filters_combine(data, manager_client):
    params = {**data.period, "country": "GH", "program": data.programs["imet"].pk, "service": "Navy"}
    expected = {
        s.name
        for s in data.select(
            lambda s: data.in_period(s.activated) and (s.country, s.program, s.service) == ("GH", "imet", "Navy")
        )
    }
    assert _enrolled(manager_client, **params) == expected == {data.students["ben"].name}


# Bad input -------------------------------------------------------------------------------------------


def _refused(client, url, params, message):
    """The page answers 200 with the message, and shows nobody."""
    response = client.get(url, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    if "figures" in response.context:
        figures = response.context["figures"]
        assert figures.is_empty and all(step.count == 0 for step in figures.funnel)
        assert not figures.assessments and not figures.certificates_revoked
    else:
        assert response.context["table"] is None and response.context["rows"] == []
    return response


BAD_FILTERS = [
    ({"course": "999999"}, "There is no course “999999” to report on."),
    ({"course": "abc"}, "There is no course “abc” to report on."),
    ({"cohort": "999999"}, "There is no cohort “999999” to report on."),
    ({"cohort": "1; DROP TABLE"}, "There is no cohort “1; DROP TABLE” to report on."),
    ({"program": "999999"}, "There is no sponsoring program “999999” among those you may see."),
    ({"program": "x"}, "There is no sponsoring program “x” among those you may see."),
    ({"country": "ZZ"}, "There are no students from “ZZ” among those you may see."),
    ({"service": "Space Force"}, "There are no students of the service “Space Force” among those you may see."),
    ({"start": "2026-05-01", "end": "2026-04-01"}, "The period ends before it starts"),
    ({"start": "1990-01-01", "end": "2026-01-01"}, "Choose a period of at most 20 years."),
    ({"start": "not-a-date"}, "Enter a valid date."),
    # Dates at the ends of the calendar: refused, not a 500 from date arithmetic that overflows.
    ({"end": "0001-01-05"}, "Choose dates between"),
    ({"start": "9999-12-31"}, "Choose dates between"),
    ({"start": "2026-01-01", "end": "9999-12-31"}, "Choose dates between"),
    # Only a start, long ago: the period runs to today and is too long.
    ({"start": "1950-01-01"}, "Choose a period of at most 20 years."),
]


@pytest.mark.parametrize(("params", "message"), BAD_FILTERS)
def test_filters_refused_give_a_message_and_an_empty_dashboard(manager_client, params, message):
    _refused(manager_client, DASHBOARD, params, message)


@pytest.mark.parametrize("key", ["completion", "roster", "at_risk", "assessment", "students"])
def test_filters_refused_give_a_message_and_an_empty_report(data, manager_client, key):
    params = {"course": "999999", "cohort": data.cohorts["spring"].pk, "assessment": data.exam.pk, "stage": "enrolled"}
    response = _refused(manager_client, _report_url(key), params, "There is no course “999999” to report on.")
    assert "the report below is empty until they are corrected" in response.content.decode()


def test_filters_refused_on_the_dashboard_link_to_no_list(data, manager_client):
    response = _refused(manager_client, DASHBOARD, {**data.period, "country": "ZZ"}, "“ZZ”")
    for row in response.context["funnel"]:
        assert row["url"] is None


def test_filters_period_of_exactly_twenty_years_is_accepted(data, manager_client):
    start = data.today - datetime.timedelta(days=366 * 20)
    response = manager_client.get(DASHBOARD, {"start": start.isoformat(), "end": data.today.isoformat()})
    assert response.status_code == 200
    assert response.context["figures"].funnel[0].count == len(data.select(lambda s: s.activated is not None))


def test_filters_unknown_report_or_export_format_is_not_found(manager_client):
    assert manager_client.get(_report_url("nonsense")).status_code == 404
    assert manager_client.get(reverse("reports:export", args=["nonsense", "csv"])).status_code == 404
    assert manager_client.get(reverse("reports:export", args=["completion", "pdf"])).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"idle_days": "-1"},
        {"idle_days": "0"},
        {"idle_days": "366"},
        {"idle_days": "many"},
        {"pace_margin": "-5"},
        {"pace_margin": "101"},
    ],
)
def test_filters_at_risk_parameters_out_of_range_are_refused(manager_client, params):
    response = manager_client.get(_report_url("at_risk"), params)
    assert response.status_code == 200
    assert response.context["table"] is None and response.context["rows"] == []
    field, _value = next(iter(params.items()))
    label = {"idle_days": "No activity for (days)", "pace_margin": "Behind the cohort&#x27;s pace"}[field]
    alert = response.content.decode().split('role="alert"', 1)
    assert len(alert) == 2 and label in alert[1].split("</div>", 1)[0]


def test_filters_unknown_assessment_is_refused(manager_client):
    for value in ("999999", "quiz"):
        response = manager_client.get(_report_url("assessment"), {"assessment": value})
        assert response.status_code == 200
        assert response.context["table"] is None
        assert f"There is no assessment “{value}” among those of the chosen course." in response.content.decode()


def test_filters_assessment_of_another_course_than_the_chosen_one_is_refused(data, manager_client):
    params = {**data.period, "assessment": data.quiz.pk, "course": data.course.pk}
    response = manager_client.get(_report_url("assessment"), params)
    assert response.context["table"] is None
    assert f"There is no assessment “{data.quiz.pk}” among those of the chosen course." in response.content.decode()


@pytest.mark.parametrize("stage", ["graduated", ""])
def test_filters_students_list_with_an_unknown_stage_is_refused(manager_client, stage):
    response = manager_client.get(_report_url("students"), {"stage": stage})
    assert response.status_code == 200
    assert response.context["table"] is None and response.context["rows"] == []
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    ("key", "params"),
    [
        ("completion", {"country": "ZZ"}),
        ("roster", {}),  # no cohort chosen
        ("at_risk", {"idle_days": "0"}),
        ("assessment", {"assessment": "999999"}),
        ("students", {"stage": "graduated"}),
        ("completion", {"start": "2026-05-01", "end": "2026-04-01"}),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_filters_refused_exports_go_back_to_the_report_with_a_message(manager_client, key, params, fmt):
    response = manager_client.get(reverse("reports:export", args=[key, fmt]), params)
    assert response.status_code == 302
    assert response["Location"].startswith(_report_url(key))
    page = manager_client.get(response["Location"])
    assert "Correct the filters before exporting: there is nothing to export." in page.content.decode()
