"""Bulk import of students into a cohort from a CSV or XLSX file.

The file is read, then every row checked, and only a clean file is written,
all of it in one transaction: a manager never has half a file imported.

* **Reading** (``student_file_read``) turns the bytes into rows of text keyed
  by field. The kind of file is told from its content, not its name: an XLSX
  workbook is a zip archive; anything else must be CSV text in UTF-8 (with or
  without a byte-order mark) or UTF-16 with a byte-order mark (Excel's
  "Unicode text"), separated by commas, semicolons or tabs. Headers are
  matched forgivingly (case, spaces, punctuation, a few synonyms).
* **Checking** collects every problem with its line and column: bytes that
  are not UTF-8, missing or invalid values, over-long text, formula-like
  cells, unknown countries, programs and languages, an email twice in the
  file, deactivated accounts.
* **Writing** (``cohort_students_import``) locks the cohort row, refuses the
  whole file when it needs more places than are left, and writes accounts,
  roles, enrolments and their history in bulk: a fixed number of queries per
  thousand rows, never one per row.

Problems are reported, never repaired: a cell starting with ``=`` is refused,
not stripped, so that what is stored is what the manager sent.
"""

import codecs
import csv
import dataclasses
import datetime
import functools
import io
import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from django_countries import countries

from lms.accounts.api import Role, SponsoringProgram, User, manager_scope_filter, user_bulk_upsert

from ..models import Cohort, Enrolment, EnrolmentEvent, EnrolmentSource, EnrolmentStatus
from ..models.learning import PLACE_HOLDING_STATUSES
from .enrolment import learner_state_changed

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# Columns read from a workbook row; anything wider is not a list of students.
MAX_COLUMNS = 60
# An XLSX file is a zip archive: refuse one that would unpack into far more
# than 20,000 rows could need (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
# Problems listed in the report; the rest are counted.
MAX_PROBLEMS_SHOWN = 500
# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@")

_BULK_BATCH = 1000
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by "surrogateescape"
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters other than tab and line ends
# Fields stored as typed text, whose length the model limits; the others are codes looked up.
_TEXT_FIELDS = ("email", "first_name", "last_name", "name_native", "service", "rank", "organisation")
_PARENTHESES = re.compile(r"\([^)]*\)")
_XLSX_SIGNATURE = b"PK\x03\x04"
_XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 and other OLE2 files
# Names people write that are not ISO's English short names.
_COUNTRY_ALIASES = {"uk": "GB", "great britain": "GB", "united states": "US", "ivory coast": "CI", "cape verde": "CV"}


@dataclasses.dataclass(frozen=True)
class Column:
    field: str  # the User field it fills
    header: str  # as written in the template
    required: bool  # the file must have this column
    synonyms: tuple[str, ...] = ()
    help: str = ""


COLUMNS = (
    Column(
        "email",
        "Email",
        True,
        ("e-mail", "email address", "e-mail address", "mail"),
        gettext_lazy("Required. The student signs in with it; an existing account with this address is updated."),
    ),
    Column(
        "first_name",
        "Given names",
        True,
        ("given name", "first name", "first names", "forename", "forenames"),
        gettext_lazy("Required. In Latin script, as in the passport's machine-readable zone."),
    ),
    Column(
        "last_name",
        "Family name",
        True,
        ("family names", "last name", "surname", "surnames"),
        gettext_lazy("In Latin script. May be empty for people with one name."),
    ),
    Column(
        "name_native",
        "Name in native script",
        False,
        ("native name", "full name in native script", "name native script", "native script name", "native script"),
        gettext_lazy("The full name as written in the student's own script, e.g. محمد العلي."),
    ),
    Column(
        "country",
        "Country",
        False,
        ("country code", "nation"),
        gettext_lazy("ISO 3166 code (GH or GHA) or English name (Ghana)."),
    ),
    Column(
        "service",
        "Service",
        False,
        ("branch", "service or branch", "service/branch"),
        gettext_lazy("Service or branch, for example Army, Navy, Ministry of Defence."),
    ),
    Column("rank", "Rank", False, ("grade", "rank or grade", "rank/grade"), gettext_lazy("Rank or grade.")),
    Column("organisation", "Organisation", False, ("organization", "institution", "unit")),
    Column(
        "sponsoring_program",
        "Sponsoring program",
        False,
        ("sponsoring programme", "program", "programme", "sponsor"),
        gettext_lazy("The code or name of a sponsoring program; empty for the cohort's program."),
    ),
    Column(
        "preferred_language",
        "Preferred language",
        False,
        ("language",),
        gettext_lazy("A language code (en, fr, es, pt, ru, ar) or its name; empty for English."),
    ),
)
TEMPLATE_HEADERS = [column.header for column in COLUMNS]


def _header_key(text: str) -> str:
    """Headers compare without case, spacing, most punctuation or a "required" star."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = re.sub(r"[\s_\-./:*]+", " ", text)
    return re.sub(r"[^\w ()]", "", text).strip()


_HEADER_FIELDS = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.field, *_column.synonyms):
        _HEADER_FIELDS[_header_key(_name)] = _column.field
_COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}


def _field_for_header(header: str) -> str | None:
    key = _header_key(header)
    if key in _HEADER_FIELDS:
        return _HEADER_FIELDS[key]
    # "Given names (Latin script)", "Country (ISO code)": the words outside the brackets decide.
    return _HEADER_FIELDS.get(" ".join(_PARENTHESES.sub(" ", key).split()))


@dataclasses.dataclass(frozen=True)
class ImportProblem:
    """What is wrong, where: ``line`` is None for the whole file, ``column`` is the file's own header."""

    line: int | None
    column: str
    message: str


class StudentImportRefused(Exception):
    """Nothing was imported; ``problems`` say why (at most ``MAX_PROBLEMS_SHOWN``, ``total`` in all)."""

    def __init__(self, problems: list[ImportProblem], total: int | None = None):
        self.problems = sorted(problems, key=lambda p: (p.line is not None, p.line or 0))[:MAX_PROBLEMS_SHOWN]
        self.total = total if total is not None else len(problems)
        super().__init__("; ".join(problem.message for problem in self.problems[:3]))

    @property
    def file_problems(self) -> list[ImportProblem]:
        return [problem for problem in self.problems if problem.line is None]

    @property
    def row_problems(self) -> list[ImportProblem]:
        return [problem for problem in self.problems if problem.line is not None]

    @property
    def hidden(self) -> int:
        return self.total - len(self.problems)


def _refuse(message: str, line: int | None = None, column: str = "") -> StudentImportRefused:
    return StudentImportRefused([ImportProblem(line, column, message)])


@dataclasses.dataclass
class StudentFile:
    """A file read into rows: ``headers`` maps each recognised field to the file's own header."""

    kind: str  # "csv" or "xlsx"
    headers: dict[str, str]
    ignored_headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line in the file, {field: text as written})
    problems: list[ImportProblem]  # found while reading rows; checked with the rest
    undecodable_lines: list[int]


# Reading ------------------------------------------------------------------


def student_file_read(*, data: bytes) -> StudentFile:
    """Read a CSV or XLSX file of students; file-level problems raise ``StudentImportRefused``."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            _("The file is %(size)s MB; files of at most %(limit)s MB are accepted. Split it into smaller files.")
            % {"size": f"{len(data) / 1024 / 1024:.1f}", "limit": MAX_FILE_BYTES // 1024 // 1024}
        )
    if not data.strip():
        raise _refuse(_("The file is empty."))
    if data.startswith(_XLSX_SIGNATURE):
        return _rows_read(_xlsx_rows(data), kind="xlsx", undecodable_lines=[])
    if data.startswith(_XLS_SIGNATURE):
        raise _refuse(
            _(
                "This is an Excel 97-2003 workbook (.xls), which cannot be read. "
                "Save it as an Excel workbook (.xlsx) or as “CSV UTF-8” and upload that."
            )
        )
    text = _text_decode(data)
    # Lines counted as the CSV reader counts them (\n, \r\n or \r), so the numbers match the report's.
    lines = enumerate(io.StringIO(text, newline=""), start=1)
    undecodable_lines = [number for number, line in lines if _UNDECODABLE.search(line)]
    return _rows_read(_csv_rows(text), kind="csv", undecodable_lines=undecodable_lines)


def _not_a_student_file() -> StudentImportRefused:
    return _refuse(
        _("This file is neither a CSV text file nor an Excel workbook (.xlsx). Upload the list as CSV or XLSX.")
    )


def _text_decode(data: bytes) -> str:
    """The file's text: UTF-8 (BOM or not) keeping undecodable bytes to report, or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise _refuse(_("The file says it is UTF-16 text but is not. Save it as “CSV UTF-8”.")) from error
    head = data[:8192]
    if len(_BINARY.findall(head.decode("latin-1"))) > len(head) // 100:
        # NUL bytes or many control characters: a binary file (or UTF-16 without its BOM).
        raise _not_a_student_file()
    return data.removeprefix(codecs.BOM_UTF8).decode("utf-8", "surrogateescape")


def _csv_rows(text: str):
    """(line, cells) for each record; a record's line is the file line it starts on."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    # strict: a stray quote is reported with its line instead of swallowing the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise _refuse(
            _("Line %(line)s is not valid CSV (%(error)s). Check its quotes, or upload the file as XLSX.")
            % {"line": line, "error": error},
            line=line,
        ) from error


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "text") and not isinstance(value, str):
        # openpyxl's ArrayFormula and DataTableFormula: the formula itself, which the formula check refuses.
        return str(value.text or "=")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes):
    """(row number, cells) for each row of the workbook's first sheet."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _not_a_student_file() from error
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise _refuse(_("This is an OpenDocument spreadsheet. Save it as an Excel workbook (.xlsx) or as CSV."))
        raise _not_a_student_file()
    if sum(member.file_size for member in members) > MAX_XLSX_UNPACKED_BYTES:
        raise _refuse(_("This workbook unpacks to far more data than a list of students. Upload it as CSV."))
    try:
        # data_only=False: a formula comes back as its text ("=...") and is refused like any formula.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        raise _refuse(_("This Excel workbook could not be opened: it may be damaged or protected.")) from error
    row_number = 0
    try:
        if not workbook.worksheets:
            raise _refuse(_("The workbook has no sheet."))
        for row_number, cells in enumerate(
            workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1
        ):
            yield row_number, [_cell_text(value) for value in cells]
    except StudentImportRefused:
        raise
    except Exception as error:
        raise _refuse(
            _("Row %(line)s of the workbook could not be read: the file may be damaged.") % {"line": row_number + 1},
            line=row_number + 1,
        ) from error
    finally:
        workbook.close()


def _rows_read(records, *, kind: str, undecodable_lines: list[int]) -> StudentFile:
    """Find the header (the first non-empty row) and collect the rows below it."""
    header_cells = None
    for _line, cells in records:
        if any(cell.strip() for cell in cells):
            header_cells = cells
            break
    if header_cells is None:
        raise _refuse(_("The file is empty."))
    headers, ignored, problems = {}, [], []
    positions = {}  # field -> cell index
    for index, header in enumerate(header_cells):
        header = header.strip()
        if not header:
            continue
        field = _field_for_header(header)
        if field is None:
            ignored.append(header)
        elif field in headers:
            problems.append(
                ImportProblem(
                    None,
                    header,
                    _("The columns “%(first)s” and “%(second)s” are both read as “%(field)s”: keep one.")
                    % {"first": headers[field], "second": header, "field": _COLUMN_BY_FIELD[field].header},
                )
            )
        else:
            headers[field] = header
            positions[field] = index
    missing = [column.header for column in COLUMNS if column.required and column.field not in headers]
    if missing:
        message = ngettext(
            "The file has no column %(columns)s. Its first row must hold the column names, as in the template.",
            "The file has no columns %(columns)s. Its first row must hold the column names, as in the template.",
            len(missing),
        ) % {"columns": ", ".join(f"“{name}”" for name in missing)}
        if undecodable_lines:
            message += " " + _encoding_advice()
        problems.append(ImportProblem(None, "", message))
    if problems:
        raise StudentImportRefused(problems)

    rows = []
    width = max(positions.values()) + 1
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise _refuse(
                _("The file has more than %(limit)s students. Split it into files of at most %(limit)s rows.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        if kind == "csv" and len(cells) > len(header_cells):
            # A value with an unquoted separator shifts the cells after it (even when what spills over is
            # empty): checking them would only report the same mistake again in other words.
            problems.append(
                ImportProblem(
                    line,
                    "",
                    _(
                        "This line has %(cells)s cells but the first row has %(columns)s columns: "
                        "a value with a comma (or semicolon) in it must be in double quotes."
                    )
                    % {"cells": len(cells), "columns": len(header_cells)},
                )
            )
            continue
        cells = cells + [""] * (width - len(cells))
        rows.append((line, {field: cells[index] for field, index in positions.items()}))
    if not rows:
        raise _refuse(_("The file has column names but no students."))
    return StudentFile(
        kind=kind,
        headers=headers,
        ignored_headers=ignored,
        rows=rows,
        problems=problems,
        undecodable_lines=undecodable_lines,
    )


def _encoding_advice() -> str:
    return _(
        "The file is not UTF-8 text. In Excel, choose Save As and “CSV UTF-8 (Comma delimited)”, "
        "or upload the workbook (.xlsx) itself."
    )


# Checking -----------------------------------------------------------------


def _max_length(field: str) -> int | None:
    return User._meta.get_field(field).max_length


def _languages() -> dict[str, str]:
    """Each accepted way of writing a language (code, English and own name), folded, to its code."""
    accepted = {}
    for code, name in settings.LANGUAGES:
        info = get_language_info(code)
        for spelling in (code, name, info["name"], info["name_local"]):
            accepted[spelling.casefold()] = code
    return accepted


@functools.lru_cache(maxsize=2048)
def _country(value: str) -> str:
    # Cached: by_name() reads every country's translated name, and a file repeats a few countries.
    return countries.alpha2(value) or countries.by_name(value) or _COUNTRY_ALIASES.get(value.casefold(), "")


class _Checker:
    """Checks rows one at a time, collecting problems with their line and the file's header."""

    def __init__(self, student_file: StudentFile):
        self.headers = student_file.headers
        self.ignored_headers = student_file.ignored_headers
        self.undecodable_lines = student_file.undecodable_lines
        self.problems = list(student_file.problems)
        self.languages = _languages()
        self.programs = {}
        for program in SponsoringProgram.objects.all():
            self.programs[program.code.casefold()] = program
            self.programs[program.name.casefold()] = program
        self.first_line_of_email = {}
        self.normalize_email = User.objects.normalize_email

    def rows(self, rows) -> dict[str, tuple[int, dict]]:
        """Each clean row's values for the accounts service, with its line, by email."""
        people = {}
        for line, cells in rows:
            person = self.row(line, cells)
            if person is not None:
                people[person["email"]] = (line, person)
        if self.undecodable_lines:
            lines = ", ".join(str(line) for line in self.undecodable_lines[:10])
            self.problems.append(ImportProblem(None, "", _encoding_advice() + " " + _("Lines: %s.") % lines))
        return people

    def problem(self, line: int, field: str, message: str) -> None:
        self.problems.append(ImportProblem(line, self.headers.get(field, ""), message))

    def row(self, line: int, cells: dict[str, str]) -> dict | None:
        """The row's values ready for the accounts service, or None when it has a problem."""
        person, ok = {}, True
        for field, raw in cells.items():
            value = self.value(line, field, raw)
            if value is None:
                ok = False
            elif value != "":
                person[field] = value
        for field in ("email", "first_name"):
            if field in cells and not cells[field].strip():
                self.problem(line, field, _("This value is required."))
                ok = False
        return person if ok else None

    def value(self, line: int, field: str, raw: str):
        """The cleaned value ("" when empty), or None after reporting a problem."""
        if _UNDECODABLE.search(raw):
            shown = _UNDECODABLE.sub("\ufffd", raw)
            self.problem(
                line,
                field,
                _("“%(value)s” holds characters that are not UTF-8 text.") % {"value": shown},
            )
            return None
        value = unicodedata.normalize("NFC", raw).strip()
        if not value:
            return ""
        if _CONTROL.search(value):
            self.problem(line, field, _("This value holds a line break or another control character."))
            return None
        if value.startswith(FORMULA_PREFIXES):
            self.problem(
                line,
                field,
                _(
                    "“%(value)s” starts with “%(character)s”: a spreadsheet would run it as a formula. "
                    "Cells that start with =, +, - or @ are refused; remove that character."
                )
                % {"value": value[:40], "character": value[0]},
            )
            return None
        limit = _max_length(field) if field in _TEXT_FIELDS else None
        if limit is not None and len(value) > limit:
            self.problem(
                line,
                field,
                _("This value is %(length)s characters long; at most %(limit)s are allowed.")
                % {"length": len(value), "limit": limit},
            )
            return None
        return getattr(self, f"clean_{field}", lambda line, value: value)(line, value)

    def clean_email(self, line: int, value: str):
        try:
            validate_email(value)
        except ValidationError:
            self.problem(line, "email", _("“%(value)s” is not a valid email address.") % {"value": value})
            return None
        email = self.normalize_email(value)
        first_line = self.first_line_of_email.setdefault(email, line)
        if first_line != line:
            self.problem(
                line,
                "email",
                _("The address %(email)s is also on line %(line)s: each student may appear once.")
                % {"email": email, "line": first_line},
            )
            return None
        return email

    def clean_country(self, line: int, value: str):
        code = _country(value)
        if not code:
            self.problem(
                line,
                "country",
                _("“%(value)s” is not a country: use its ISO code (GH or GHA) or its English name (Ghana).")
                % {"value": value},
            )
            return None
        return code

    def clean_sponsoring_program(self, line: int, value: str):
        program = self.programs.get(value.casefold())
        if program is None:
            known = sorted({program.code for program in self.programs.values()})
            self.problem(
                line,
                "sponsoring_program",
                _("“%(value)s” is not a sponsoring program. Known programs: %(known)s.")
                % {"value": value, "known": ", ".join(known[:20]) or _("none yet")},
            )
            return None
        return program

    def clean_preferred_language(self, line: int, value: str):
        folded = value.casefold()
        code = self.languages.get(folded) or self.languages.get(re.split(r"[-_]", folded)[0])
        if code is None:
            self.problem(
                line,
                "preferred_language",
                _("“%(value)s” is not a language of the platform. Use one of: %(codes)s.")
                % {"value": value, "codes": ", ".join(code for code, _name in settings.LANGUAGES)},
            )
            return None
        return code


# Writing ------------------------------------------------------------------


@dataclasses.dataclass
class StudentImportResult:
    """What an import did, for the manager."""

    cohort_id: int
    rows: int
    users_created: int
    users_updated: int
    users_unchanged: int
    enrolled: int  # new places, including students who had withdrawn, been rejected or were waiting
    moved: int  # active students moved here from another cohort of the course (or from none)
    already_enrolled: int  # already in this cohort, or having completed the course
    invited: int
    ignored_headers: list[str]

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def cohort_students_import(*, cohort_id: int, data: bytes, actor) -> StudentImportResult:
    """Enrol every student of a CSV or XLSX file in a cohort, creating or updating their accounts.

    Nothing is written unless the whole file is clean and the cohort has a
    place for every student it adds; then everything is, in one transaction,
    with the cohort row locked so that places are counted exactly. Students
    are matched to accounts by email, case-insensitively; importing the same
    file again changes nothing more (one account per email, one enrolment per
    student and course). Each student ends up active in this cohort: pending,
    withdrawn and rejected enrolments become active, active ones in another
    cohort of the course move here, completed ones stay as they are. New
    accounts are students, invited by email to choose a password.

    The caller decides who may import, and it must never be a program manager
    limited by a scope: the file sets existing students' country and sponsoring
    program, so such a manager could pull any student, with their history, into
    their scope (``courses/wagtail_admin/imports.py``, ``docs/enrolment.md``).
    """
    # The admin view checks this too; the service refuses on its own as well, whoever calls it.
    if actor is not None and not student_import_allowed(actor):
        raise _refuse(
            _(
                "Only program managers without a scope and administrators may import students: "
                "an import can change any student's country and program."
            )
        )
    # Reading and checking take seconds for a large file: no lock is held meanwhile.
    student_file = student_file_read(data=data)
    _cohort_open_check(Cohort.objects.select_related("course").filter(pk=cohort_id).first())
    checker = _Checker(student_file)
    people = checker.rows(student_file.rows)
    try:
        return _students_write(cohort_id=cohort_id, people=people, checker=checker, actor=actor)
    except (IntegrityError, OperationalError) as error:
        # An account or an enrolment for one of these students was created at the same
        # moment, or PostgreSQL broke a deadlock with another enrolment of theirs.
        raise _refuse(
            _("Someone changed one of these students while the file was imported. Nothing was imported: try again.")
        ) from error


IMPORT_PERMISSION = "courses.import_students"


def student_import_allowed(user) -> bool:
    """Whether ``user`` may import students: an active holder of the permission, not limited by a scope.

    Not a scoped manager (an embassy or sponsor officer): a row with an existing student's email
    and the officer's own country or program would rewrite that student's profile and so pull
    them, and their history, into the scope. Bulk import is for unscoped program managers and
    administrators (docs/enrolment.md).
    """
    return bool(user.is_active and user.has_perm(IMPORT_PERMISSION) and manager_scope_filter(user=user) is None)


def _cohort_open_check(cohort: Cohort | None) -> None:
    if cohort is None:
        raise _refuse(_("That cohort no longer exists."))
    if cohort.ends_on < timezone.localdate():
        raise _refuse(_("The cohort “%(cohort)s” has ended: students cannot join it.") % {"cohort": cohort.name})
    if not cohort.course.live:  # as for a manager enrolling one student (enrolment_create_for_student)
        raise _refuse(_("This course is not published: publish it before enrolling students."))


@transaction.atomic
def _students_write(
    *, cohort_id: int, people: dict[str, tuple[int, dict]], checker: _Checker, actor
) -> StudentImportResult:
    cohort = Cohort.objects.select_for_update(of=("self",)).select_related("course").filter(pk=cohort_id).first()
    _cohort_open_check(cohort)  # again, under the lock: it may have ended or gone since
    existing = {
        user.email_lower: user
        for user in User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=list(people))
        .only("pk", "email", "is_active", "is_staff", "is_superuser")
    }
    # An import may change students' profiles, never staff accounts' (a manager may not rename an administrator).
    staff_ids = set(
        User.groups.through.objects.filter(
            user_id__in=[user.pk for user in existing.values()],
            group__name__in=[Role.INSTRUCTOR.value, Role.PROGRAM_MANAGER.value],
        ).values_list("user_id", flat=True)
    )
    for email, user in existing.items():
        if user.is_staff or user.is_superuser or user.pk in staff_ids:
            checker.problem(
                people[email][0],
                "email",
                _(
                    "The address %(email)s belongs to a member of staff, whose account an import does not "
                    "change. Enrol them by hand under Enrolments, or take this row out."
                )
                % {"email": email},
            )
        elif not user.is_active:
            checker.problem(
                people[email][0],
                "email",
                _("The account %(email)s is deactivated. Reactivate it under Users, or take this row out.")
                % {"email": email},
            )
    if checker.problems:
        raise StudentImportRefused(checker.problems)

    enrolments = {
        enrolment.user_id: enrolment
        for enrolment in Enrolment.objects.select_for_update().filter(
            course_id=cohort.course_id, user_id__in=[user.pk for user in existing.values()]
        )
    }
    to_reactivate, to_move, already = [], [], 0
    for enrolment in enrolments.values():
        if enrolment.status == EnrolmentStatus.COMPLETED or (
            enrolment.status == EnrolmentStatus.ACTIVE and enrolment.cohort_id == cohort.pk
        ):
            already += 1
        elif enrolment.status == EnrolmentStatus.ACTIVE:
            to_move.append(enrolment)
        else:
            to_reactivate.append(enrolment)
    places_needed = len(people) - already
    if cohort.capacity is not None:
        taken = Enrolment.objects.filter(cohort=cohort, status__in=PLACE_HOLDING_STATUSES).count()
        left = max(cohort.capacity - taken, 0)
        if places_needed > left:
            raise _refuse(
                _(
                    "The cohort “%(cohort)s” has %(left)s places left (capacity %(capacity)s) but this file "
                    "needs %(needed)s. Nothing was imported: raise the capacity or import fewer students."
                )
                % {"cohort": cohort.name, "left": left, "capacity": cohort.capacity, "needed": places_needed}
            )

    accounts = user_bulk_upsert(
        people=[person for _line, person in people.values()],
        new_user_defaults={"sponsoring_program": cohort.sponsoring_program},
    )
    now = timezone.now()
    enrolled_user_ids = set(enrolments)
    new_enrolments = [
        Enrolment(
            user_id=user_id,
            course_id=cohort.course_id,
            cohort=cohort,
            status=EnrolmentStatus.ACTIVE,
            source=EnrolmentSource.IMPORT,
            status_changed_at=now,
            activated_at=now,
            decided_by=_decider(actor, user_id),
        )
        for user_id in accounts.ids_by_email.values()
        if user_id not in enrolled_user_ids
    ]
    Enrolment.objects.bulk_create(new_enrolments, batch_size=_BULK_BATCH)
    events = [_event(enrolment, "", actor, now) for enrolment in new_enrolments]
    for enrolment in to_reactivate:
        events.append(_event(enrolment, enrolment.status, actor, now))
        # As courses.services.enrolment._transition does for a move to active, in bulk.
        enrolment.status, enrolment.status_changed_at, enrolment.activated_at = EnrolmentStatus.ACTIVE, now, now
        enrolment.decided_by, enrolment.decision_reason = _decider(actor, enrolment.user_id), ""
        enrolment.cohort, enrolment.source, enrolment.updated_at = cohort, EnrolmentSource.IMPORT, now
    for enrolment in to_move:
        enrolment.cohort, enrolment.updated_at = cohort, now
    Enrolment.objects.bulk_update(
        to_reactivate,
        [
            "status",
            "status_changed_at",
            "activated_at",
            "decided_by",
            "decision_reason",
            "cohort",
            "source",
            "updated_at",
        ],
        batch_size=_BULK_BATCH,
    )
    Enrolment.objects.bulk_update(to_move, ["cohort", "updated_at"], batch_size=_BULK_BATCH)
    EnrolmentEvent.objects.bulk_create(events, batch_size=_BULK_BATCH)
    # Bulk writes send no signals: retire the cached parts that showed these enrolments. Accounts
    # created just now have nothing cached yet.
    created = set(accounts.created)
    changed_user_ids = [e.user_id for e in [*new_enrolments, *to_reactivate, *to_move] if e.user_id not in created]
    if new_enrolments or to_reactivate or to_move:
        learner_state_changed(user_ids=changed_user_ids, course_ids=[cohort.course_id])
    return StudentImportResult(
        cohort_id=cohort.pk,
        rows=len(people),
        users_created=len(accounts.created),
        users_updated=len(accounts.updated),
        users_unchanged=accounts.unchanged,
        enrolled=len(new_enrolments) + len(to_reactivate),
        moved=len(to_move),
        already_enrolled=already,
        invited=len(accounts.invited),
        ignored_headers=checker.ignored_headers,
    )


def _decider(actor, user_id: int):
    # A manager's decision is recorded on the enrolment, never a student's own (as in _transition).
    return actor if actor is not None and actor.pk != user_id else None


def _event(enrolment: Enrolment, from_status: str, actor, now) -> EnrolmentEvent:
    return EnrolmentEvent(
        enrolment=enrolment, from_status=from_status, to_status=EnrolmentStatus.ACTIVE, at=now, actor=actor
    )


def student_import_template_csv() -> str:
    """The template's text: the header row only, so that no example student is imported by mistake."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(TEMPLATE_HEADERS)
    return out.getvalue()
