"""The number of queries of the dashboard, each report and each export does not grow with the data:
measured on the small data set, then again after adding several times more students, places,
progress, attempts and certificates."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from .conftest import Attempted, Student, student_add

pytestmark = pytest.mark.django_db

MORE_STUDENTS = 24
COUNTRIES = ("BR", "GH", "JO", "PL", "SN", "")
PROGRAMS = ("imet", "partners", None)


def _urls(data) -> dict[str, tuple[str, dict]]:
    params = {
        "completion": {},
        "roster": {"cohort": data.cohorts["spring"].pk},
        "at_risk": {"idle_days": 7, "pace_margin": 10},
        "assessment": {"assessment": data.exam.pk},
        "students": {"stage": "enrolled"},
    }
    urls = {"dashboard": (reverse("reports:dashboard"), data.period)}
    for key, extra in params.items():
        urls[key] = (reverse("reports:report", args=[key]), {**data.period, **extra})
        for fmt in ("csv", "xlsx"):
            urls[f"{key}.{fmt}"] = (reverse("reports:export", args=[key, fmt]), {**data.period, **extra})
    # Two other figures' lists: passed an assessment, certificates issued.
    urls["students.passed"] = (
        reverse("reports:report", args=["students"]),
        {**data.period, "stage": "passed", "assessment": data.exam.pk},
    )
    urls["students.certificate_issued"] = (
        reverse("reports:report", args=["students"]),
        {**data.period, "stage": "certificate_issued"},
    )
    return urls


def _queries(client, url, params) -> list[str]:
    client.get(url, params)  # the signed-in user's row and session are cached after the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
        assert response.status_code == 200
        if response.streaming:
            rows = b"".join(response.streaming_content)  # the rows are read while the file is sent
            assert rows
    return [query["sql"] for query in captured.captured_queries]


def _grow(data):
    """Several times the students, spread over countries, programs, cohorts, statuses and outcomes."""
    for n in range(MORE_STUDENTS):
        completed = n % 3 == 0
        withdrawn = not completed and n % 7 == 0
        student_add(
            data,
            Student(
                f"more{n}",
                f"More{n}",
                "Student",
                COUNTRIES[n % len(COUNTRIES)],
                PROGRAMS[n % len(PROGRAMS)],
                ("Army", "Navy", "Marines")[n % 3],
                "completed" if completed else ("withdrawn" if withdrawn else "active"),
                cohort=("spring", "autumn", None)[n % 3],
                activated=5 + n,
                completed=2 + n // 2 if completed else None,
                withdrawn=3 if withdrawn else None,
                last_activity=(1 + n) if n % 4 else None,
                modules_done=n % 4,
                # Withdrawn students may no longer take assessments.
                attempts=() if withdrawn else (Attempted(1 + n % 5, n % 2 == 0, n % 3 == 0),) * (1 + n % 2),
                certificate=("issued", "reissued", "revoked")[n % 3] if completed else None,
                issued=2 + n // 2 if completed else None,
                reissued=1 + n // 4 if completed else None,
                revoked=1 if completed else None,
            ),
        )


def test_queries_do_not_grow_with_the_data(data, manager_client):
    urls = _urls(data)
    small = {name: _queries(manager_client, url, params) for name, (url, params) in urls.items()}
    students_before = len(data.students)
    _grow(data)
    assert len(data.students) >= 3 * students_before
    large = {name: _queries(manager_client, url, params) for name, (url, params) in urls.items()}
    grown = {name: (len(small[name]), len(large[name])) for name in urls if len(small[name]) != len(large[name])}
    assert not grown, grown


def test_queries_of_the_dashboard_are_few(data, manager_client):
    url, params = _urls(data)["dashboard"]
    queries = _queries(manager_client, url, params)
    # The filter choices, the manager's scope, and the dashboard's own figures: a handful, not per row.
    assert len(queries) < 25, "\n".join(queries)


def test_report_pages_count_their_rows_and_read_only_the_page_shown(data, manager_client):
    """A list of 100,000 students shows 50: the page must count the rest, never read them all."""
    _grow(data)
    for name in ("students", "at_risk", "students.certificate_issued", "roster"):
        url, params = _urls(data)[name]
        enrolment_reads = [sql for sql in _queries(manager_client, url, params) if '"courses_enrolment"' in sql]
        counts = [sql for sql in enrolment_reads if "COUNT(" in sql.upper()]
        unbounded = [
            sql
            for sql in enrolment_reads
            if "COUNT(" not in sql.upper() and " LIMIT " not in sql.upper() and "WHERE" in sql.upper()
        ]
        assert counts, (name, enrolment_reads)
        assert not unbounded, (name, unbounded)
