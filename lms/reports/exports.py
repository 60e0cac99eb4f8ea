"""Reports as CSV and XLSX files, written row by row so memory stays flat whatever the size.

CSV is streamed to the browser as the rows come from the database. XLSX is a ZIP
and cannot be streamed as it is written: XlsxWriter in ``constant_memory`` mode
writes each row to a temporary file at once (strings inline, nothing kept), and
the finished file is sent from disk. Every text cell goes through
``spreadsheet_text``, so a name such as ``=HYPERLINK(…)`` is shown, never run.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

import xlsxwriter

from lms.core.spreadsheets import spreadsheet_text

from .reports import Table

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return spreadsheet_text(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV lines: a byte-order mark first, so spreadsheet programs read UTF-8 (Arabic, Cyrillic…)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([spreadsheet_text(heading) for heading in table.headings])
    for row in table.rows:
        yield writer.writerow([_csv_cell(value) for value in row])


def csv_response(table: Table, *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(table), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    add_never_cache_headers(response)
    return response


def xlsx_write(table: Table, target, *, sheet_title: str = "") -> None:
    """Write the table as an XLSX workbook to ``target`` (a path or a binary file)."""
    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "in_memory": False},
    )
    # Excel refuses sheet names with []:*?/\ and longer than 31 characters.
    safe_title = "".join(ch for ch in sheet_title if ch not in "[]:*?/\\")[:31] or gettext("Report")[:31]
    sheet = workbook.add_worksheet(safe_title)
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [spreadsheet_text(heading) for heading in table.headings], bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            _xlsx_cell(sheet, number, column, value, date_format)
    workbook.close()


def _xlsx_cell(sheet, row, column, value, date_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(row, column, float(value))
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, datetime.datetime.combine(value, datetime.time()), date_format)
    else:
        # Always a string cell, never a formula: write_string does not parse "=…".
        sheet.write_string(row, column, spreadsheet_text(value))


def xlsx_file(table: Table, *, sheet_title: str):
    """The workbook in an anonymous temporary file, positioned at its start."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it once sent
    xlsx_write(table, handle, sheet_title=sheet_title)
    handle.seek(0)
    return handle


def xlsx_response(table: Table, *, filename: str, sheet_title: str) -> FileResponse:
    response = FileResponse(
        xlsx_file(table, sheet_title=sheet_title),
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
    add_never_cache_headers(response)
    return response
