"""Cells of exported spreadsheets (CSV, XLSX) that a spreadsheet program shows as text, never runs.

A cell starting with one of FORMULA_PREFIXES is read as a formula by Excel and
LibreOffice ("CSV injection", OWASP): a student could name themselves
``=HYPERLINK(...)``. The exports prefix such a cell with an apostrophe.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value) -> str:
    """A cell's text that a spreadsheet shows as text: a leading apostrophe before a formula character."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
