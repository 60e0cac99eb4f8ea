"""Bulk import of students into a cohort: the service with good and bad files, and the admin screen."""

import codecs
import csv
import datetime
import io
import re
import zipfile

from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from openpyxl import Workbook

from courses.factories import CohortFactory, EnrolmentFactory
from courses.models import Enrolment, EnrolmentEvent, EnrolmentSource, EnrolmentStatus
from courses.services import StudentImportRefused, cohort_students_import
from courses.services.imports import MAX_FILE_BYTES, MAX_ROWS
from lms.accounts.factories import SponsoringProgramFactory, UserFactory
from lms.accounts.models import User
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db

HEADERS = [
    "Email",
    "Given names",
    "Family name",
    "Name in native script",
    "Country",
    "Service",
    "Rank",
    "Organisation",
    "Sponsoring program",
    "Preferred language",
]
AMINA = ["amina.diallo@example.org", "Amina", "Diallo", "", "SN", "Army", "Captain", "École d'état-major", "imet", "fr"]
IVAN = ["ivan.petrov@example.org", "Ivan", "Petrov", "Иван Петров", "Moldova", "Navy", "Lieutenant", "", "", "ru"]
LAYLA = ["layla.haddad@example.org", "Layla", "Haddad", "ليلى حداد", "JOR", "Air Force", "Major", "MoD", "", "ar"]
URL = "/admin/students/import/"
TEMPLATE_URL = "/admin/students/import/template.csv"


@pytest.fixture
def program(db):
    return SponsoringProgramFactory(code="imet", name="International Military Education and Training")


@pytest.fixture
def cohort(course, program):
    return CohortFactory(course=course, name="2027 spring intake", sponsoring_program=program)


def _csv(rows, headers=HEADERS, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _import(cohort, data, actor, capture):
    with capture(execute=True):
        return cohort_students_import(cohort_id=cohort.pk, data=data, actor=actor)


def _written() -> tuple:
    return User.objects.count(), Enrolment.objects.count(), EnrolmentEvent.objects.count(), len(mail.outbox)


def _refused(cohort, data, actor) -> StudentImportRefused:
    """Import a bad file: it must be refused with nothing written."""
    before = _written()
    with pytest.raises(StudentImportRefused) as refused:
        cohort_students_import(cohort_id=cohort.pk, data=data, actor=actor)
    assert _written() == before
    return refused.value


def _only_problem(refusal) -> tuple:
    assert len(refusal.problems) == 1, refusal.problems
    problem = refusal.problems[0]
    return problem.line, problem.column, problem.message


# Good files ----------------------------------------------------------------


def test_cohort_students_import_creates_students_enrols_and_invites_them(
    cohort, program, manager, django_capture_on_commit_callbacks
):
    result = _import(cohort, _csv([AMINA, IVAN, LAYLA]), manager, django_capture_on_commit_callbacks)

    assert (result.rows, result.users_created, result.users_updated, result.enrolled) == (3, 3, 0, 3)
    assert (result.already_enrolled, result.moved, result.invited) == (0, 0, 3)
    amina = User.objects.get(email="amina.diallo@example.org")
    assert (amina.first_name, amina.last_name, amina.country.code, amina.preferred_language) == (
        "Amina",
        "Diallo",
        "SN",
        "fr",
    )
    assert (amina.service, amina.rank, amina.organisation, amina.sponsoring_program) == (
        "Army",
        "Captain",
        "École d'état-major",
        program,
    )
    ivan = User.objects.get(email="ivan.petrov@example.org")
    assert (ivan.name_native, ivan.country.code) == ("Иван Петров", "MD")
    assert ivan.sponsoring_program == program  # no program in the file: the cohort's
    assert User.objects.get(email="layla.haddad@example.org").country.code == "JO"
    students = Group.objects.get(name=Role.STUDENT.value)
    for user in User.objects.filter(email__in=[AMINA[0], IVAN[0], LAYLA[0]]):
        assert not user.has_usable_password()
        assert list(user.groups.all()) == [students]
        assert user.invited_at is not None
    enrolments = Enrolment.objects.filter(cohort=cohort)
    assert enrolments.count() == 3
    for enrolment in enrolments:
        assert (enrolment.status, enrolment.source, enrolment.course_id) == (
            EnrolmentStatus.ACTIVE,
            EnrolmentSource.IMPORT,
            cohort.course_id,
        )
        assert enrolment.activated_at is not None
        assert enrolment.decided_by == manager
        assert [(e.from_status, e.to_status, e.actor) for e in enrolment.events.all()] == [
            ("", EnrolmentStatus.ACTIVE, manager)
        ]
    assert sorted(message.to[0] for message in mail.outbox) == sorted([AMINA[0], IVAN[0], LAYLA[0]])
    assert all("/accounts/password-reset/" in message.body for message in mail.outbox)


def test_cohort_students_import_reads_an_xlsx_workbook(cohort, manager, django_capture_on_commit_callbacks):
    # Numbers and empty cells as a spreadsheet stores them.
    rows = [AMINA, [*IVAN[:6], 3, None, None, "ru"]]
    result = _import(cohort, _xlsx(rows), manager, django_capture_on_commit_callbacks)

    assert (result.users_created, result.enrolled) == (2, 2)
    assert User.objects.get(email="ivan.petrov@example.org").rank == "3"


def test_cohort_students_import_again_updates_and_never_duplicates(cohort, manager, django_capture_on_commit_callbacks):
    _import(cohort, _csv([AMINA, IVAN]), manager, django_capture_on_commit_callbacks)
    before = _written()

    again = _import(cohort, _csv([AMINA, IVAN]), manager, django_capture_on_commit_callbacks)
    assert (again.users_created, again.users_updated, again.users_unchanged) == (0, 0, 2)
    assert (again.enrolled, again.already_enrolled, again.invited) == (0, 2, 0)
    assert _written() == before

    promoted = [AMINA[0].upper(), *AMINA[1:6], "Major", *AMINA[7:]]
    updated = _import(cohort, _xlsx([promoted, IVAN]), manager, django_capture_on_commit_callbacks)
    assert (updated.users_created, updated.users_updated, updated.users_unchanged) == (0, 1, 1)
    assert User.objects.get(email="amina.diallo@example.org").rank == "Major"
    assert _written() == before  # no new account, enrolment, event or email


def test_cohort_students_import_matches_existing_accounts_and_keeps_what_the_file_leaves_empty(
    cohort, student, manager, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=student.pk).update(rank="Colonel", organisation="Staff College")
    row = ["Student@Example.ORG", "Kofi", "Mensah", "", "", "", "", "", "", ""]

    result = _import(cohort, _csv([row]), manager, django_capture_on_commit_callbacks)

    assert (result.users_created, result.users_updated, result.enrolled, result.invited) == (0, 1, 1, 0)
    student.refresh_from_db()
    assert (student.first_name, student.last_name, student.rank, student.organisation) == (
        "Kofi",
        "Mensah",
        "Colonel",
        "Staff College",
    )
    assert student.has_usable_password()
    assert mail.outbox == []
    assert User.objects.filter(email__iexact="student@example.org").count() == 1


def test_cohort_students_import_forgives_header_case_spacing_and_synonyms(
    cohort, manager, django_capture_on_commit_callbacks
):
    headers = ["  E-MAIL ", "First name", "SURNAME", "Country (ISO code)", "Notes"]
    rows = [["kwame.mensah@example.org", "Kwame", "Mensah", "Ghana", "met in Accra"]]

    result = _import(cohort, _csv(rows, headers=headers, delimiter=";"), manager, django_capture_on_commit_callbacks)

    assert result.users_created == 1
    assert result.ignored_headers == ["Notes"]
    kwame = User.objects.get(email="kwame.mensah@example.org")
    assert (kwame.first_name, kwame.last_name, kwame.country.code) == ("Kwame", "Mensah", "GH")


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), id="utf-8 with BOM"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16 with BOM"),
        pytest.param(lambda text: text.replace(",", "\t").encode("utf-16"), id="utf-16 tab-separated"),
    ],
)
def test_cohort_students_import_reads_the_encodings_excel_writes(
    encode, cohort, manager, django_capture_on_commit_callbacks
):
    text = _csv([LAYLA]).decode("utf-8")
    result = _import(cohort, encode(text), manager, django_capture_on_commit_callbacks)
    assert result.users_created == 1
    assert User.objects.get(email=LAYLA[0]).name_native == "ليلى حداد"


def test_cohort_students_import_activates_pending_withdrawn_and_rejected_students(
    cohort, course, manager, django_capture_on_commit_callbacks
):
    people = {
        status: UserFactory(email=f"{status}@example.org", roles=[Role.STUDENT])
        for status in (EnrolmentStatus.PENDING, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED)
    }
    for status, user in people.items():
        EnrolmentFactory(user=user, course=course, status=status)
    rows = [[user.email, user.first_name, user.last_name, *[""] * 7] for user in people.values()]

    result = _import(cohort, _csv(rows), manager, django_capture_on_commit_callbacks)

    assert (result.users_created, result.enrolled) == (0, 3)
    for status, user in people.items():
        enrolment = Enrolment.objects.get(user=user, course=course)
        assert (enrolment.status, enrolment.cohort, enrolment.source) == (
            EnrolmentStatus.ACTIVE,
            cohort,
            EnrolmentSource.IMPORT,
        )
        assert enrolment.decided_by == manager
        event = enrolment.events.get()
        assert (event.from_status, event.to_status, event.actor) == (status, EnrolmentStatus.ACTIVE, manager)


def test_cohort_students_import_moves_active_students_and_leaves_completed_ones(
    cohort, course, student, other_student, manager, django_capture_on_commit_callbacks
):
    earlier = CohortFactory(course=course, name="2026 autumn intake")
    moving = EnrolmentFactory(user=student, course=course, cohort=earlier)
    done = EnrolmentFactory(user=other_student, course=course, cohort=earlier, status=EnrolmentStatus.COMPLETED)
    rows = [[user.email, user.first_name, user.last_name, *[""] * 7] for user in (student, other_student)]

    result = _import(cohort, _csv(rows), manager, django_capture_on_commit_callbacks)

    assert (result.enrolled, result.moved, result.already_enrolled) == (0, 1, 1)
    moving.refresh_from_db()
    done.refresh_from_db()
    assert (moving.cohort, moving.status) == (cohort, EnrolmentStatus.ACTIVE)
    assert (done.cohort, done.status) == (earlier, EnrolmentStatus.COMPLETED)
    assert not EnrolmentEvent.objects.exists()


def test_cohort_students_import_retires_cached_pages_that_showed_the_students_enrolments(
    cohort, student, manager, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from lms.core import pagecache

    keys = [pagecache.version_key("user", student.pk), pagecache.version_key("course", cohort.course_id)]
    before = cache.get_many(keys)
    row = [student.email, student.first_name, student.last_name, *[""] * 7]
    _import(cohort, _csv([row]), manager, django_capture_on_commit_callbacks)
    after = cache.get_many(keys)
    assert all(after.get(key) not in (None, before.get(key)) for key in keys)


def test_cohort_students_import_fills_the_last_places_of_a_cohort(
    cohort, course, student, manager, django_capture_on_commit_callbacks
):
    cohort.capacity = 3
    cohort.save()
    EnrolmentFactory(user=student, course=course, cohort=cohort)
    result = _import(cohort, _csv([AMINA, IVAN]), manager, django_capture_on_commit_callbacks)
    assert result.enrolled == 2


def test_cohort_students_import_refuses_a_file_with_more_students_than_places(cohort, course, student, manager):
    cohort.capacity = 2
    cohort.save()
    EnrolmentFactory(user=student, course=course, cohort=cohort)

    line, column, message = _only_problem(_refused(cohort, _csv([AMINA, IVAN]), manager))

    assert (line, column) == (None, "")
    assert "has 1 places left (capacity 2) but this file needs 2" in message


def test_cohort_students_import_refuses_an_ended_cohort(course, manager):
    ended = CohortFactory(
        course=course,
        starts_on=timezone.localdate() - datetime.timedelta(days=60),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert "has ended" in _only_problem(_refused(ended, _csv([AMINA]), manager))[2]


def test_cohort_students_import_refuses_a_cohort_of_an_unpublished_course(cohort, course, manager):
    course.unpublish()
    assert "not published" in _only_problem(_refused(cohort, _csv([AMINA]), manager))[2]


def test_cohort_students_import_queries_do_not_grow_with_the_rows(
    cohort, manager, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # count the import's queries, not the emails'

    def queries_for(count, prefix):
        rows = [
            [f"{prefix}{n}@example.org", f"Given {n}", "Family", "", "GH", "", "", "", "", "en"] for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            cohort_students_import(cohort_id=cohort.pk, data=_csv(rows), actor=manager)
        return len(captured)

    queries_for(1, "warm")  # the manager's permissions are read once, then kept on the user object
    assert queries_for(5, "few") == queries_for(400, "many")


# Bad files: each names its line and column, and nothing is written -----------


def test_cohort_students_import_reports_every_bad_row_at_once(cohort, manager):
    rows = [
        AMINA,
        ["not-an-email", "Ivan", "Petrov"],
        ["x@example.org", "", "Petrov"],
        [LAYLA[0], "Layla", "H", "", "Atlantis"],
    ]

    refusal = _refused(cohort, _csv(rows), manager)

    assert [(p.line, p.column) for p in refusal.problems] == [
        (3, "Email"),
        (4, "Given names"),
        (5, "Country"),
    ]


def test_cohort_students_import_refuses_a_file_that_is_not_utf8(cohort, manager):
    data = _csv([AMINA, ["hans.muller@example.org", "Hans", "Müller"]]).decode("utf-8").encode("cp1252")

    refusal = _refused(cohort, data, manager)

    assert [(p.line, p.column) for p in refusal.row_problems] == [(2, "Organisation"), (3, "Family name")]
    assert "not UTF-8" in refusal.row_problems[1].message
    assert "M\ufffdller" in refusal.row_problems[1].message
    assert "CSV UTF-8" in refusal.file_problems[0].message


def test_cohort_students_import_names_the_missing_required_columns(cohort, manager):
    data = _csv([["a@example.org", "Ghana"]], headers=["Email", "Country"])
    line, _column, message = _only_problem(_refused(cohort, data, manager))
    assert line is None
    assert "“Given names”, “Family name”" in message


def test_cohort_students_import_refuses_an_email_twice_in_the_file(cohort, manager):
    twice = [AMINA, IVAN, [AMINA[0].upper(), "Amina", "Diallo"]]
    line, column, message = _only_problem(_refused(cohort, _csv(twice), manager))
    assert (line, column) == (4, "Email")
    assert "also on line 2" in message


@pytest.mark.parametrize(
    "email", ["amina.diallo@", "amina diallo@example.org", "amina.diallo@example", "a@b@example.org"]
)
def test_cohort_students_import_refuses_an_invalid_email(email, cohort, manager):
    line, column, message = _only_problem(_refused(cohort, _csv([[email, "Amina", "Diallo"]]), manager))
    assert (line, column) == (2, "Email")
    assert "is not a valid email address" in message


def test_cohort_students_import_refuses_an_unknown_country(cohort, manager):
    row = [*LAYLA[:4], "Wakanda", *LAYLA[5:]]
    line, column, message = _only_problem(_refused(cohort, _csv([AMINA, IVAN, row]), manager))
    assert (line, column) == (4, "Country")
    assert "“Wakanda” is not a country" in message


@pytest.mark.parametrize(
    ("index", "column", "length"),
    [(1, "Given names", 151), (2, "Family name", 151), (3, "Name in native script", 201), (6, "Rank", 81)],
)
def test_cohort_students_import_refuses_an_over_long_value(index, column, length, cohort, manager):
    row = list(AMINA)
    row[index] = "Я" * length
    line, got_column, message = _only_problem(_refused(cohort, _csv([row]), manager))
    assert (line, got_column) == (2, column)
    assert f"is {length} characters long" in message


def test_cohort_students_import_matches_programs_by_code_or_name_and_refuses_unknown_ones(
    cohort, program, manager, django_capture_on_commit_callbacks
):
    row = [*AMINA[:8], "NATIONAL FUNDING", AMINA[9]]
    line, column, message = _only_problem(_refused(cohort, _csv([row]), manager))
    assert (line, column) == (2, "Sponsoring program")
    assert "“NATIONAL FUNDING” is not a sponsoring program" in message
    assert "imet" in message

    by_name = [*AMINA[:8], "international military education and TRAINING", AMINA[9]]
    by_code = [*IVAN[:8], "IMET", IVAN[9]]
    _import(cohort, _csv([by_name, by_code]), manager, django_capture_on_commit_callbacks)
    assert set(User.objects.filter(sponsoring_program=program).values_list("email", flat=True)) == {AMINA[0], IVAN[0]}


def test_cohort_students_import_reads_languages_by_code_or_name_and_refuses_others(
    cohort, manager, django_capture_on_commit_callbacks
):
    line, column, message = _only_problem(_refused(cohort, _csv([[*AMINA[:9], "Klingon"]]), manager))
    assert (line, column) == (2, "Preferred language")
    assert "en, fr, es, pt, ru, ar" in message

    rows = [[*AMINA[:9], "French"], [*IVAN[:9], "pt-BR"], [*LAYLA[:9], "Español"]]
    _import(cohort, _csv(rows), manager, django_capture_on_commit_callbacks)
    languages = dict(
        User.objects.filter(email__in=[AMINA[0], IVAN[0], LAYLA[0]]).values_list("email", "preferred_language")
    )
    assert languages == {AMINA[0]: "fr", IVAN[0]: "pt", LAYLA[0]: "es"}


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", '  =HYPERLINK("x")'])
def test_cohort_students_import_refuses_formula_cells(cell, cohort, manager):
    row = [*AMINA[:6], cell, *AMINA[7:]]
    line, column, message = _only_problem(_refused(cohort, _csv([IVAN, row]), manager))
    assert (line, column) == (3, "Rank")
    assert "would run it as a formula" in message


def test_cohort_students_import_refuses_a_formula_in_a_workbook(cohort, manager):
    row = [*AMINA[:2], "=A1&B1", *AMINA[3:]]
    line, column, message = _only_problem(_refused(cohort, _xlsx([row]), manager))
    assert (line, column) == (2, "Family name")
    assert "=A1&B1" in message


def test_cohort_students_import_refuses_control_characters_in_a_cell(cohort, manager):
    row = [AMINA[0], "Amina\x00", "Diallo"]
    line, column, message = _only_problem(_refused(cohort, _csv([row]), manager))
    assert (line, column) == (2, "Given names")
    assert "control character" in message


def test_cohort_students_import_refuses_a_line_with_an_unquoted_comma(cohort, manager):
    data = _csv([AMINA]) + b"kofi@example.org,Kofi,Mensah,,GH,Army,Major,Staff College, Accra,,,\r\n"
    line, column, message = _only_problem(_refused(cohort, data, manager))
    assert (line, column) == (3, "")
    assert "double quotes" in message


def test_cohort_students_import_refuses_a_deactivated_account(cohort, manager):
    UserFactory(email=IVAN[0], is_active=False)
    line, column, message = _only_problem(_refused(cohort, _csv([AMINA, IVAN]), manager))
    assert (line, column) == (3, "Email")
    assert "is deactivated" in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", "The file is empty.", id="empty"),
        pytest.param(b"\r\n \r\n", "The file is empty.", id="blank lines"),
        pytest.param(",".join(HEADERS).encode() + b"\r\n,,,\r\n", "column names but no students", id="header only"),
    ],
)
def test_cohort_students_import_refuses_an_empty_file(data, expected, cohort, manager):
    line, _column, message = _only_problem(_refused(cohort, data, manager))
    assert line is None
    assert expected in message


def test_cohort_students_import_refuses_too_many_rows(cohort, manager):
    rows = [[f"s{n}@example.org", "Given", "Family"] for n in range(MAX_ROWS + 1)]
    line, _column, message = _only_problem(_refused(cohort, _csv(rows, headers=HEADERS[:3]), manager))
    assert line is None
    assert "more than 20,000 students" in message


def test_cohort_students_import_refuses_an_oversized_file(cohort, manager):
    data = _csv([AMINA]) + b" " * MAX_FILE_BYTES
    line, _column, message = _only_problem(_refused(cohort, data, manager))
    assert line is None
    assert "at most 10 MB" in message


def _zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "neither a CSV text file nor", id="image"),
        pytest.param(_zip({"word/document.xml": "<w/>"}), "neither a CSV text file nor", id="zip, not xlsx"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 200, "neither a CSV text file nor", id="broken zip"),
        pytest.param(_zip({"xl/workbook.xml": "<not-a-workbook"}), "could not be opened", id="damaged xlsx"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "Excel 97-2003", id="xls"),
        pytest.param(_zip({"content.xml": "<x/>", "mimetype": "x"}), "OpenDocument", id="ods"),
        pytest.param(b'Email,Given names,Family name\r\n"a@b.org,"Amina" x,Diallo\r\n' + b'"' * 3, "CSV", id="bad csv"),
    ],
)
def test_cohort_students_import_refuses_a_file_that_is_neither_csv_nor_xlsx(data, expected, cohort, manager):
    refusal = _refused(cohort, data, manager)
    assert expected in " ".join(problem.message for problem in refusal.problems)


# The admin screen -----------------------------------------------------------


def _upload(data: bytes, name: str = "students.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "/accounts/login/"), ("student", None), ("instructor", "/admin/")],
)
def test_import_view_refuses_anyone_but_managers_and_administrators(
    who, expected, client, student, instructor, cohort, django_capture_on_commit_callbacks
):
    if who != "anonymous":
        client.force_login({"student": student, "instructor": instructor}[who])
    for url in (URL, TEMPLATE_URL):
        response = client.get(url)
        if expected is None:
            assert response.status_code in (302, 403)
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(expected)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"cohort": cohort.pk, "file": _upload(_csv([AMINA]))})
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").startswith(URL)
    assert not User.objects.filter(email=AMINA[0]).exists()


@pytest.mark.parametrize("who", ["manager", "admin_user"])
def test_import_view_imports_a_file_and_shows_the_counts(
    who, request, client, cohort, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(who))
    form = client.get(URL)
    assert form.status_code == 200
    assert "2027 spring intake" in form.text
    assert TEMPLATE_URL in form.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"cohort": cohort.pk, "file": _upload(_xlsx([AMINA, IVAN]), "students.xlsx")})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert Enrolment.objects.filter(cohort=cohort).count() == 2

    page = client.get(URL).text
    assert "2 students imported" in page
    assert re.search(r"New accounts[^<]*</th><td>2</td>", page)
    assert f"/admin/enrolments/?cohort={cohort.pk}" in page
    assert f"/admin/snippets/courses/cohort/edit/{cohort.pk}/" in page
    assert "2 students imported" not in client.get(URL).text  # shown once


def test_import_view_shows_the_problems_as_a_table_and_imports_nothing(client, manager, cohort):
    client.force_login(manager)
    rows = [AMINA, ["not-an-email", "Ivan", "Petrov"]]

    response = client.post(URL, {"cohort": cohort.pk, "file": _upload(_csv(rows))})

    assert response.status_code == 200
    assert "Nothing was imported: the file has 1 problem." in response.text
    assert '<th scope="col">Line</th>' in response.text
    assert re.search(
        r"<td>3</td>\s*<td>Email</td>\s*<td>“not-an-email” is not a valid email address.</td>", response.text
    )
    assert not User.objects.filter(email=AMINA[0]).exists()


def test_import_view_offers_only_cohorts_that_have_not_ended(client, manager, cohort, course):
    CohortFactory(
        course=course,
        name="Closed intake",
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    client.force_login(manager)
    assert "Closed intake" not in client.get(URL).text


def test_import_view_is_protected_against_cross_site_requests(manager, cohort):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(URL, {"cohort": cohort.pk, "file": _upload(_csv([AMINA]))})
    assert response.status_code == 403
    assert not User.objects.filter(email=AMINA[0]).exists()


def test_import_menu_item_is_shown_to_managers_only(client, manager, instructor):
    client.force_login(manager)
    assert "Import students" in client.get("/admin/").text
    client.force_login(instructor)
    assert "Import students" not in client.get("/admin/").text


def test_import_template_download_is_a_utf8_csv_the_import_reads(client, manager, cohort):
    client.force_login(manager)
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="students-template.csv"' in response["Content-Disposition"]
    assert response.content.startswith(codecs.BOM_UTF8)
    assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == HEADERS
    # Filled in, the template imports as it is.
    refusal = _refused(cohort, response.content, manager)
    assert "column names but no students" in refusal.problems[0].message


def test_import_opens_from_the_cohort_listing_with_the_cohort_chosen(client, manager, cohort):
    link = f"/admin/students/import/?cohort={cohort.pk}"
    client.force_login(manager)
    assert link in client.get("/admin/snippets/courses/cohort/").text
    assert f'<option value="{cohort.pk}" selected>' in client.get(link).text


def test_cohort_students_import_refuses_an_array_formula_in_a_workbook(cohort, manager):
    from openpyxl.worksheet.formula import ArrayFormula

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(AMINA)
    sheet["B2"] = ArrayFormula("B2", '=HYPERLINK("http://evil.example","x")')
    out = io.BytesIO()
    workbook.save(out)
    line, column, message = _only_problem(_refused(cohort, out.getvalue(), manager))
    assert (line, column) == (2, "Given names")
    assert "HYPERLINK" in message


@pytest.mark.parametrize("who", ["instructor", "manager", "admin_user"])
def test_cohort_students_import_never_changes_staff_accounts(cohort, manager, request, who):
    person = request.getfixturevalue(who)
    name_before = person.first_name
    row = [person.email, "Mallory", "Pwned", "", "SN", "Army", "Captain", "", "", "en"]
    line, column, message = _only_problem(_refused(cohort, _csv([row]), manager))
    assert (line, column) == (2, "Email") and "member of staff" in message
    person.refresh_from_db()
    assert person.first_name == name_before


def test_the_service_refuses_a_scoped_manager_or_a_student_whoever_calls_it(cohort, manager, student):
    """The admin screen is closed to them; the service refuses them too, with nothing written."""
    from lms.accounts.models import ManagerScope

    data = _csv([AMINA])
    ManagerScope.objects.create(user=manager, countries=["SN"])
    for actor in (manager, student):
        refusal = _refused(cohort, data, actor)
        assert "Only program managers without a scope" in _only_problem(refusal)[2]
