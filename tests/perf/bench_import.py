"""`make bench`, second part: how long a bulk import of 5,000 students takes.

What it does (about a minute, never more than BUDGET_SECONDS):

1. Recreates the PostgreSQL database ``lms_import_bench`` and flushes Redis db 6
   (never the databases the tests or run.py use: DATABASE_URL/REDIS_URL are
   ignored; BENCH_IMPORT_DATABASE_URL/BENCH_IMPORT_REDIS_URL override them).
2. Runs ``migrate`` with ``lms.settings.production`` (the environment run.py uses).
3. In one Django process: creates a course, a cohort and two sponsoring
   programs, builds a 5,000-row CSV file of students (names in several
   scripts, countries as codes and names) and imports it through
   ``cohort_students_import`` three times:

   * ``new``: every student is a new account, enrolment and history row;
   * ``re-import, updating``: the same students, each with a new rank;
   * ``re-import, unchanged``: the same file again.

   Each line gives the wall-clock seconds of the whole call (parsing, checks,
   the transaction, and publishing the one invitation message to Redis; no
   worker runs, so no email is sent) and its SQL queries. Reading the file
   alone is timed for CSV and for the same rows as XLSX.

The goal is "seconds, not minutes": each import under GOAL_SECONDS. A MISS is a
finding; the script exits non-zero only when something broke.
"""

import argparse
import csv
import io
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

PERF_DIR = Path(__file__).resolve().parent
BASE_DIR = PERF_DIR.parents[1]
VENV_PYTHON = BASE_DIR / ".venv" / "bin" / "python"

BENCH_IMPORT_DATABASE_URL = os.environ.get(
    "BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_import_bench"
)
BENCH_IMPORT_REDIS_URL = os.environ.get("BENCH_IMPORT_REDIS_URL", "redis://127.0.0.1:6379/6")
BUDGET_SECONDS = 240
ROWS = 5_000
GOAL_SECONDS = 10.0

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
# (given names, family name, native name, country as written, language): a mix of scripts and spellings.
PEOPLE = [
    ("Amina", "Diallo", "", "SN", "fr"),
    ("Ivan", "Petrov", "Иван Петров", "Moldova", "ru"),
    ("Layla", "Haddad", "ليلى حداد", "JOR", "ar"),
    ("Minh", "Nguyen", "Nguyễn Văn Minh", "Viet Nam", "en"),
    ("Ji-woo", "Kim", "김지우", "KR", "en"),
    ("Somchai", "Srisuk", "สมชาย ศรีสุข", "Thailand", "en"),
    ("Wei", "Zhang", "张伟", "TW", "en"),
    ("Lucía", "Fernández", "", "Colombia", "es"),
    ("João", "Silva", "", "BRA", "pt"),
    ("Kwame", "Mensah", "", "Ghana", "en"),
]
SERVICES = ["Army", "Navy", "Air Force", "Ministry of Defence", "Gendarmerie"]
RANKS = ["Captain", "Major", "Lieutenant Colonel", "Colonel", "Civilian"]


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(message, flush=True)


def student_rows(count: int, rank_offset: int = 0) -> list[list[str]]:
    rows = []
    for n in range(count):
        given, family, native, country, language = PEOPLE[n % len(PEOPLE)]
        rows.append(
            [
                f"student.{n:05d}@example.org",
                given,
                f"{family} {n}",
                native,
                country,
                SERVICES[n % len(SERVICES)],
                RANKS[(n + rank_offset) % len(RANKS)],
                f"Staff College {n % 40}",
                ("imet", "National Funding", "")[n % 3],
                language,
            ]
        )
    return rows


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# The Django side: run in a child process with the bench environment ----------


def job() -> None:
    """Set up a cohort and import the file three times; print one JOB_RESULT line."""
    import datetime
    import json

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
    django.setup()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from courses.factories import CoursePageFactory, catalogue_get
    from courses.models import Cohort, Enrolment, EnrolmentEvent
    from courses.services import cohort_students_import
    from courses.services.imports import student_file_read
    from lms.accounts.models import SponsoringProgram, User
    from lms.accounts.roles import Role
    from lms.accounts.services import user_create, user_roles_set

    course = CoursePageFactory(parent=catalogue_get(), title="Bulk import bench", slug="bulk-import-bench")
    imet = SponsoringProgram.objects.create(code="imet", name="International Military Education and Training")
    SponsoringProgram.objects.create(code="national", name="National Funding")
    cohort = Cohort.objects.create(
        course=course,
        name="Bench intake",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(weeks=12),
        sponsoring_program=imet,
        capacity=ROWS,
    )
    manager = user_create(email="bench.manager@example.org", password=None, first_name="Bench", send_welcome=False)
    user_roles_set(user=manager, roles=[Role.PROGRAM_MANAGER])

    new_file = csv_bytes(student_rows(ROWS))
    updating_file = csv_bytes(student_rows(ROWS, rank_offset=1))

    def timed(name: str, function):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            value = function()
            seconds = time.perf_counter() - started
        return {"name": name, "seconds": seconds, "queries": len(queries)}, value

    runs, results = [], []
    for name, data in (
        ("new", new_file),
        ("re-import, updating", updating_file),
        ("re-import, unchanged", updating_file),
    ):
        run, result = timed(
            name, lambda data=data: cohort_students_import(cohort_id=cohort.pk, data=data, actor=manager)
        )
        runs.append(run)
        results.append(result.as_dict())

    reading = []
    rows = student_rows(ROWS)
    for kind, data in (("CSV", csv_bytes(rows)), ("XLSX", xlsx_bytes(rows))):
        run, _file = timed(f"read {kind} ({len(data) / 1024:.0f} KiB)", lambda data=data: student_file_read(data=data))
        reading.append(run)

    counts = {
        "users": User.objects.filter(email__startswith="student.").count(),
        "enrolments": Enrolment.objects.filter(cohort=cohort).count(),
        "events": EnrolmentEvent.objects.filter(enrolment__cohort=cohort).count(),
    }
    print("JOB_RESULT " + json.dumps({"runs": runs, "results": results, "reading": reading, "counts": counts}))


# The driver ---------------------------------------------------------------


def check(outcome: dict) -> None:
    """Fail when the imports did not do what they should: the timings would mean nothing."""
    new, updating, unchanged = outcome["results"]
    expected = [
        (new["users_created"], new["enrolled"], new["invited"], ROWS, ROWS, ROWS),
        (updating["users_created"], updating["users_updated"], updating["already_enrolled"], 0, ROWS, ROWS),
        (unchanged["users_updated"], unchanged["enrolled"], unchanged["users_unchanged"], 0, 0, ROWS),
    ]
    for got_and_wanted in expected:
        if got_and_wanted[:3] != got_and_wanted[3:]:
            raise BenchError(f"unexpected import results: {outcome['results']}")
    if outcome["counts"] != {"users": ROWS, "enrolments": ROWS, "events": ROWS}:
        raise BenchError(f"unexpected rows in the database: {outcome['counts']}")


def report(outcome: dict) -> bool:
    log(f"\nBulk import of {ROWS:,} students (CSV), lms.settings.production, PostgreSQL")
    log(f"{'run':<24} {'seconds':>8} {'queries':>8} {'rows/s':>8}")
    log("-" * 51)
    met = True
    for run in outcome["runs"]:
        log(f"{run['name']:<24} {run['seconds']:8.2f} {run['queries']:>8} {ROWS / run['seconds']:8.0f}")
        met = met and run["seconds"] < GOAL_SECONDS
    for run in outcome["reading"]:
        log(f"{run['name']:<24} {run['seconds']:8.2f} {run['queries']:>8}")
    slowest = max(run["seconds"] for run in outcome["runs"])
    log(f"\n  {'PASS' if met else 'MISS'}  slowest import {slowest:.1f} s (goal < {GOAL_SECONDS:.0f} s)")
    return met


def main() -> int:
    if Path(sys.prefix).resolve() != VENV_PYTHON.parents[1].resolve() and VENV_PYTHON.exists():
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])  # noqa: S606
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--job", action="store_true", help=argparse.SUPPRESS)
    if parser.parse_args().job:
        job()
        return 0

    sys.path.insert(0, str(PERF_DIR))
    from run import BenchError as SetUpError
    from run import bench_environment, database_recreate, job_result, redis_flush, run_step

    def on_alarm(signum, frame):
        raise BenchError(f"the import benchmark ran over its budget of {BUDGET_SECONDS} s")

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-import-"))
    env = bench_environment(workdir / "media") | {
        "DATABASE_URL": BENCH_IMPORT_DATABASE_URL,
        "REDIS_URL": BENCH_IMPORT_REDIS_URL,
        "CELERY_BROKER_URL": BENCH_IMPORT_REDIS_URL,  # no worker: the invitation message just waits
    }
    name = urllib.parse.urlparse(BENCH_IMPORT_DATABASE_URL).path.lstrip("/")
    log(f"Import bench set-up (database {name}, Redis {BENCH_IMPORT_REDIS_URL})")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(BUDGET_SECONDS)
    try:
        redis_flush(BENCH_IMPORT_REDIS_URL)
        database_recreate(BENCH_IMPORT_DATABASE_URL)
        run_step("manage.py migrate", [str(VENV_PYTHON), "manage.py", "migrate", "--noinput"], env, timeout=180)
        output = run_step(f"import {ROWS:,} students three times", [str(VENV_PYTHON), __file__, "--job"], env, 180)
        outcome = job_result(output)
        check(outcome)
    except (BenchError, SetUpError) as exc:
        log(f"\nBENCHMARK BROKEN: {exc}")
        return 1
    finally:
        signal.alarm(0)
        shutil.rmtree(workdir, ignore_errors=True)
        try:
            redis_flush(BENCH_IMPORT_REDIS_URL)  # the invitation messages no worker will read
        except Exception as exc:  # the figures are in: say so and carry on
            log(f"(could not flush {BENCH_IMPORT_REDIS_URL}: {exc})")
    report(outcome)
    log(f"\nTotal time {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
