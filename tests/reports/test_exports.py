"""Report exports: CSV streamed with a byte-order mark, XLSX with real numbers and dates, the same rows
as the page, certificate codes and verification links, and cells escaped against formula injection."""

import csv
import datetime
import io

from django.urls import reverse

import pytest
from openpyxl import load_workbook

from certificates.api import certificate_verify_url
from lms.accounts.models import User

from .conftest import Attempted, Student, student_add

pytestmark = pytest.mark.django_db

FORMULA_NAMES = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"]


def _params(data, key) -> dict:
    return {
        **data.period,
        **{
            "roster": {"cohort": data.cohorts["spring"].pk},
            "assessment": {"assessment": data.exam.pk},
            "students": {"stage": "enrolled"},
        }.get(key, {}),
    }


def _page(client, key, params):
    response = client.get(reverse("reports:report", args=[key]), params)
    assert response.status_code == 200
    return response.context["table"].headings, response.context["page"].paginator.count


def _csv(client, key, params) -> list[list[str]]:
    response = client.get(reverse("reports:export", args=[key, "csv"]), params)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{key}-')
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))


def _xlsx(client, key, params):
    response = client.get(reverse("reports:export", args=[key, "xlsx"]), params)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="{key}-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return sheet


def _by_heading(headings, rows):
    return [dict(zip(headings, row, strict=True)) for row in rows]


@pytest.mark.parametrize("key", ["completion", "roster", "at_risk", "assessment", "students"])
def test_exports_csv_and_xlsx_hold_the_pages_rows(data, manager_client, key):
    params = _params(data, key)
    headings, count = _page(manager_client, key, params)
    assert count > 0
    lines = _csv(manager_client, key, params)
    assert lines[0] == headings
    assert len(lines) == count + 1
    sheet = _xlsx(manager_client, key, params)
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == headings
    assert len(cells) == count + 1
    assert sheet.freeze_panes == "A2"
    # The same rows in both files: text alike, numbers as numbers, dates as dates.
    for line, row in zip(lines[1:], cells[1:], strict=True):
        for text, value in zip(line, row, strict=False):
            if value is None:
                assert text == ""
            elif isinstance(value, datetime.datetime):
                assert text == value.date().isoformat()
            elif isinstance(value, (int, float)):
                assert float(text) == pytest.approx(value)
            else:
                assert text == value
    for cell in (cell for row in sheet.iter_rows() for cell in row):
        assert cell.data_type != "f"


def test_exports_number_and_date_columns_are_numbers_and_iso_dates(data, manager_client):
    params = _params(data, "students")
    headings = _csv(manager_client, "students", params)[0]
    rows = _by_heading(headings, _csv(manager_client, "students", params)[1:])
    by_name = {row["Name"]: row for row in rows}
    ana = data.students["ana"]
    assert by_name[ana.name]["Enrolled"] == data.day(ana.activated).isoformat()
    assert by_name[ana.name]["Completed"] == data.day(ana.completed).isoformat()
    assert by_name[data.students["emil"].name]["Last activity"] == ""

    sheet = _xlsx(manager_client, "completion", _params(data, "completion"))
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for column in ("Enrolled", "Active", "Completed", "Withdrawn", "Certified", "Completion rate (%)"):
            cell = row[header.index(column)]
            assert cell.data_type == "n" and isinstance(cell.value, (int, float)), column
    students = _xlsx(manager_client, "students", params)
    header = [cell.value for cell in students[1]]
    enrolled = [row[header.index("Enrolled")] for row in students.iter_rows(min_row=2)]
    assert all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in enrolled)


@pytest.mark.parametrize("key", ["roster", "students"])
def test_exports_carry_certificate_codes_and_verification_links(data, manager_client, key):
    params = _params(data, key)
    lines = _csv(manager_client, key, params)
    rows = {row["Name"]: row for row in _by_heading(lines[0], lines[1:])}
    sheet = _xlsx(manager_client, key, params)
    header = [cell.value for cell in sheet[1]]
    xlsx_rows = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    certified = data.select(lambda s: s.cohort == "spring" and s.certificate_code)
    assert certified
    for s in certified:
        link = certificate_verify_url(s.certificate_code)
        assert link.startswith("http://testserver/")
        for row in (rows[s.name], xlsx_rows[s.name]):
            assert row["Certificate code"] == s.certificate_code
            assert row["Verification link"] == link
    ben = data.students["ben"]
    assert (
        ben.replaced_code
        not in b"".join(
            manager_client.get(reverse("reports:export", args=[key, "csv"]), params).streaming_content
        ).decode()
    )


def _formula_students(data):
    for number, name in enumerate(FORMULA_NAMES):
        student_add(
            data,
            Student(
                f"formula{number}", name, "", "GH", "imet", "Army", "active", cohort="spring",
                activated=12, last_activity=40, attempts=(Attempted(11, True, True),),
            ),
        )  # fmt: skip


@pytest.mark.parametrize("key", ["roster", "students", "at_risk"])
def test_exports_escape_formulas_in_csv_and_xlsx(data, manager_client, key):
    _formula_students(data)
    params = _params(data, key)
    lines = _csv(manager_client, key, params)
    names = {line[0] for line in lines[1:]}
    sheet = _xlsx(manager_client, key, params)
    cells = [cell for row in sheet.iter_rows() for cell in row]
    xlsx_names = {row[0].value for row in sheet.iter_rows(min_row=2)}
    for name in FORMULA_NAMES:
        assert "'" + name in names, name
        assert "'" + name in xlsx_names, name
    assert not any(cell.data_type == "f" for cell in cells)
    for cell in cells:
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "-", "@")), cell.value


def test_exports_escape_formulas_in_headings_and_assessment_rows(data, manager_client):
    data.exam.title = "=cmd|' /C calc'!A0"
    data.exam.save()
    data.single.options.filter(text="Parliament").update(text="@Parliament")
    params = _params(data, "roster")
    heading = next(h for h in _csv(manager_client, "roster", params)[0] if "best score" in h)
    assert heading.startswith("'=cmd")
    sheet = _xlsx(manager_client, "roster", params)
    assert any(str(cell.value).startswith("'=cmd") for cell in sheet[1])
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_exports_csv_reads_non_latin_names(data, manager_client):
    student_add(
        data,
        Student(
            "arabic", "Mohammed", "Al-Ali", "JO", "imet", "Army", "active", cohort="spring", activated=3,
            last_activity=1,
        ),
    )  # fmt: skip
    User.objects.filter(email="arabic@example.org").update(name_native="محمد العلي")
    lines = _csv(manager_client, "students", _params(data, "students"))
    native = lines[0].index("Name in native script")
    assert "محمد العلي" in {line[native] for line in lines[1:]}
