"""The reports benchmark's data set: a few years of a busy platform, made in a few minutes.

Run as a script, it (re)creates a PostgreSQL database, migrates it with
``lms.settings.production`` and fills it::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms .venv/bin/python tests/perf/reports_data.py \\
        --database lms_bench_reports --fresh

``DATABASE_URL`` gives the server and the user (its database name is ignored);
``--database`` names the one filled, and must start with ``lms_bench_reports``.
Without ``--fresh`` an existing database is migrated and filled only if it holds
no enrolments yet. ``generate()`` does the filling on an already migrated database,
from a configured Django (``python tests/perf/reports_data.py --help`` for the sizes).

What it makes (the defaults):

* the curriculum, through the apps' factories so the pages are real Wagtail
  pages: 12 courses of 5 modules each (one optional), question banks of six
  types, a required final exam per course and, on some courses, a module quiz
  (required) or a practice quiz (not required); 8 instructors, 3 program
  managers (one limited to a few countries when the accounts app has scopes);
* in set-based SQL (``INSERT ... SELECT`` over ``generate_series``, each choice
  a hash of the row number, so a run with the same ``--seed`` and sizes makes
  the same rows, shifted to the day it runs): 12 sponsoring programs, 100,000
  students in 60 countries and 6 services, 300 cohorts over the last three
  years, 300,000 enrolments in every status with the times each status needs,
  their status changes, module progress, attempts (graded, a few in progress or
  waiting for an essay's grade) whose frozen questions (``AttemptQuestion``,
  3,000,000 rows) carry snapshots made by ``grading.question_snapshot`` and
  answers graded exactly as ``grading.grade`` would, and 100,000 certificates
  (issued, a few revoked, awaiting a name or being prepared, and replaced ones
  with their replacement), without PDFs.

Realism that the reports can lean on: cohorts that ended are mostly completed,
left or still active (stragglers), running ones mostly active, future ones
pending or active; pending and rejected
places exist only on courses that need approval; a completed enrolment has
every required module completed and passed every required assessment; an
active one never has (its last exam attempt failed, or it has not finished);
the better a student, the more questions they get right, and easy questions are
answered right more often, so the question statistics show difficulty and
discrimination. About 97% of completed enrolments have a certificate; the others
are the ones the certificates sweep would pick up next.

The big tables are filled without their secondary indexes, built again at the
end from their own definitions (and compared with them), then every table
filled is analysed. Afterwards ``verify()`` regrades a sample of answers with
``grading.grade``, checks attempt scores, completions and certificate codes,
and runs the staff question statistics on the busiest assessment.
"""

# Every SQL statement here is built from numbers and constants of this file, never from input.
# ruff: noqa: S608

import argparse
import datetime
import json
import math
import os
import random
import sys
import tempfile
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

PERF_DIR = Path(__file__).resolve().parent
BASE_DIR = PERF_DIR.parents[1]
VENV_PYTHON = BASE_DIR / ".venv" / "bin" / "python"
DATABASE_PREFIX = "lms_bench_reports"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lms"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"

STAFF_EMAIL = "{}@reports-bench.example.org"
STUDENT_EMAIL_DOMAIN = "students.example.org"

COURSE_TITLES = [
    "Civil-Military Relations in Democracies",
    "Defence Budgeting and Resource Management",
    "The Law of Armed Conflict",
    "Strategic Leadership for Senior Officers",
    "Peace Support Operations",
    "Maritime Security Cooperation",
    "Cyber Defence Policy",
    "Logistics in Multinational Operations",
    "Gender Perspectives in Security",
    "Countering Disinformation",
    "Border Security and Management",
    "Crisis Management and Civil Protection",
]
MODULE_TITLES = ["Foundations", "Institutions and actors", "Case studies", "Planning and practice", "Further reading"]
PROGRAMS = [
    ("ime", "International Military Education"),
    ("pfp", "Partnership for Peace Training"),
    ("dei", "Defence Education Enhancement"),
    ("nat", "National funding"),
    ("eu-csdp", "European Security and Defence College"),
    ("un-tc", "UN Peacekeeping Training Support"),
    ("au-psd", "African Union Peace and Security"),
    ("asean-dsc", "ASEAN Defence Staff Courses"),
    ("oas-ids", "Inter-American Defense College Fellows"),
    ("bilat-fr", "Bilateral cooperation (France)"),
    ("bilat-de", "Bilateral cooperation (Germany)"),
    ("self", "Self-funded"),
]
# The first ones are the most frequent (the weights fall off with the position).
COUNTRIES = [
    "UA",
    "GE",
    "MD",
    "AM",
    "AZ",
    "KZ",
    "UZ",
    "KG",
    "TJ",
    "MN",
    "RS",
    "BA",
    "ME",
    "MK",
    "AL",
    "BY",
    "JO",
    "TN",
    "MA",
    "EG",
    "IQ",
    "LB",
    "PS",
    "LY",
    "DZ",
    "MR",
    "SN",
    "ML",
    "NE",
    "BF",
    "TD",
    "NG",
    "GH",
    "CI",
    "CM",
    "KE",
    "ET",
    "SO",
    "UG",
    "RW",
    "TZ",
    "ZA",
    "NA",
    "BW",
    "ID",
    "PH",
    "VN",
    "TH",
    "MY",
    "KH",
    "LA",
    "CO",
    "PE",
    "EC",
    "BO",
    "PY",
    "GT",
    "HN",
    "SV",
    "MW",
]
SERVICES = ["Army", "Navy", "Air Force", "Ministry of Defence", "Gendarmerie", "Joint Staff"]
RANKS = ["Lieutenant", "Captain", "Major", "Lieutenant Colonel", "Colonel", "Commander", "Civil servant", "Sergeant"]
ORGANISATIONS = ["General Staff", "Defence Academy", "Ministry of Defence", "National Guard", "Border Service"]
LANGUAGES = ["en", "en", "en", "fr", "fr", "es", "pt", "ru", "ru", "ar"]
FIRST_NAMES = [
    "Amina",
    "Oleksandr",
    "Nino",
    "Ion",
    "Arman",
    "Aigerim",
    "Dilnoza",
    "Bakyt",
    "Bat-Erdene",
    "Milica",
    "Amar",
    "Jovana",
    "Elira",
    "Arben",
    "Layla",
    "Youssef",
    "Mona",
    "Karim",
    "Aya",
    "Fatou",
    "Moussa",
    "Aminata",
    "Chinedu",
    "Kwame",
    "Awa",
    "Grace",
    "Abebe",
    "Farah",
    "Jean",
    "Eric",
    "Putri",
    "Maria",
    "Minh",
    "Somchai",
    "Siti",
    "Sokha",
    "Carlos",
    "Lucia",
    "Diego",
    "Ana",
    "Ahmed",
    "Olena",
    "Giorgi",
    "Irina",
    "Tomas",
    "Sara",
    "Omar",
    "Nadia",
]
LAST_NAMES = [
    "Kovalenko",
    "Beridze",
    "Rusu",
    "Hakobyan",
    "Aliyev",
    "Nurlanova",
    "Karimova",
    "Bakirov",
    "Ganbold",
    "Jovanovic",
    "Hodzic",
    "Markovic",
    "Hoxha",
    "Krasniqi",
    "Haddad",
    "Benali",
    "Mansour",
    "Saleh",
    "Diallo",
    "Traore",
    "Keita",
    "Okafor",
    "Mensah",
    "Ndiaye",
    "Njoroge",
    "Tesfaye",
    "Warsame",
    "Mugisha",
    "Santos",
    "Reyes",
    "Nguyen",
    "Wongsakul",
    "Rahman",
    "Sok",
    "Gomez",
    "Quispe",
    "Mendoza",
    "Silva",
    "Hassan",
    "Shevchenko",
]
NATIVE_NAMES = [
    "Олександр Коваленко",
    "ნინო ბერიძე",
    "Արման Հակոբյան",
    "Айгерим Нурланова",
    "Милица Јовановић",
    "ليلى حداد",
    "يوسف بن علي",
    "Бат-Эрдэнэ Ганболд",
    "Nguyễn Văn Minh",
    "สมชาย วงศ์สกุล",
]


class GenerateError(Exception):
    """The data set cannot be made as asked (sizes that do not fit, a database that is not empty)."""


def log(message: str) -> None:
    print(message, flush=True)


# Pseudo-random numbers in SQL --------------------------------------------------
#
# Every choice is a hash of the row's number and a salt (a different salt per
# choice): fast, set-based and the same from one run to the next.


class Dice:
    def __init__(self, seed: int):
        self.seed = seed

    def r(self, expr: str, salt: int) -> str:
        """A float in [0, 1) from ``expr`` (any integer expression)."""
        return (
            f"(((hashint8extended(({expr})::bigint, {self.seed * 1000 + salt}) & 4503599627370495)::float8)"
            " / 4503599627370496.0)"
        )

    def pick(self, array: str, expr: str, salt: int, skew: float = 1.0) -> str:
        """An element of a SQL array; ``skew`` > 1 favours the first ones."""
        return f"({array})[1 + floor(power({self.r(expr, salt)}, {skew}) * cardinality({array}))::int]"


def sql_array(values) -> str:
    return "ARRAY[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]::text[]"


# The curriculum, through the apps' factories and services ----------------------

QUESTION_KINDS = [
    # (type, points, options, extra fields): options are (text, correct)
    ("single", "1", [("Parliament", True), ("The general staff", False), ("The president alone", False)], {}),
    ("true_false", "1", [("True", True), ("False", False)], {}),
    (
        "multiple",
        "2",
        [("Audit office", True), ("Regimental band", False), ("Parliament", True), ("Chaplaincy", False)],
        {"scoring_rule": "partial"},
    ),
    ("short_answer", "1", [], {"accepted_answers": "objective control\nobjective"}),
    ("numeric", "1", [], {"numeric_answer": Decimal("1957"), "numeric_tolerance": Decimal("0")}),
    (
        "single",
        "1",
        [("Mission command", True), ("Detailed command", False), ("Centralised control", False), ("None", False)],
        {},
    ),
]
ESSAY = ("essay", "4", [], {"rubric": "Names two oversight bodies and explains how each holds the forces to account."})


def _answers_for(snapshot: dict) -> tuple[dict, list]:
    """The right answer, and wrong ones (most tempting first) that ``grading.grade`` scores zero."""
    kind = snapshot["type"]
    right = [o["id"] for o in snapshot["options"] if o["is_correct"]]
    wrong = [o["id"] for o in snapshot["options"] if not o["is_correct"]]
    if kind in ("single", "true_false"):
        return {"option": right[0]}, [{"option": option} for option in wrong]
    if kind == "multiple":
        # Partial credit: one right and one wrong option cancel out; never a right option alone.
        return {"options": sorted(right)}, [
            {"options": sorted([right[0], wrong[0]])},
            {"options": [wrong[0]]},
            {"options": sorted(wrong)},
            {"options": sorted([right[1], wrong[1]])},
        ]
    if kind == "short_answer":
        return {"text": snapshot["accepted_answers"][0]}, [{"text": "subjective control"}, {"text": "civilian"}]
    if kind == "numeric":
        return {"number": "1957"}, [{"number": "1949"}, {"number": "1961"}, {"number": "1975"}]
    essay = "Parliament votes the budget and its committees question the minister; the audit office checks spending."
    return {"text": essay}, [{"text": "The armed forces answer to their commanders."}]


def curriculum_make(*, courses: int, modules_per_course: int, seed: int, staff_password: str | None) -> dict:
    """Courses, modules, banks and assessments (ORM, factories); what the SQL needs about them."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from assessments.factories import AssessmentFactory, QuestionFactory
    from assessments.grading import question_snapshot
    from courses.factories import CoursePageFactory, ModulePageFactory, catalogue_get
    from lms.accounts.api import Role, SponsoringProgram, User, role_groups_ensure

    rng = random.Random(seed)
    password = make_password(staff_password)
    with transaction.atomic():
        groups = role_groups_ensure()
        programs = [
            SponsoringProgram.objects.create(code=code, name=name, description=f"{name}: places funded for officers.")
            for code, name in PROGRAMS
        ]

        def staff(name: str, first: str, last: str, role) -> User:
            user = User.objects.create(
                email=STAFF_EMAIL.format(name), first_name=first, last_name=last, password=password
            )
            if role is None:
                user.is_staff = user.is_superuser = True
                user.save()
            else:
                user.groups.add(groups[role])
            return user

        admin = staff("admin", "Ada", "Admin", None)
        instructors = [staff(f"instructor{n:02d}", "Ingrid", f"Instructor {n:02d}", Role.INSTRUCTOR) for n in range(8)]
        managers = [staff(f"manager{n}", "Paul", f"Manager {n}", Role.PROGRAM_MANAGER) for n in range(3)]
        scoped = _manager_scope_add(managers[2], countries=COUNTRIES[:5], programs=programs[:2])

        catalogue = catalogue_get()
        result = {
            "admin": admin.pk,
            "instructors": [u.pk for u in instructors],
            "managers": [u.pk for u in managers],
            "scoped_manager": managers[2].pk if scoped else None,
            "programs": [(p.pk, p.name) for p in programs],
            "courses": [],
            "modules": [],
            "assessments": [],
            "items": [],
        }
        for c in range(courses):
            title = COURSE_TITLES[c % len(COURSE_TITLES)] + ("" if c < len(COURSE_TITLES) else f" ({c + 1})")
            approval = c % 2 == 1
            course = CoursePageFactory(
                parent=catalogue,
                title=title,
                slug=f"reports-course-{c + 1:02d}",
                estimated_hours=rng.choice([12, 20, 30, 40]),
                level=["foundation", "intermediate", "advanced"][c % 3],
                enrolment_policy="approval" if approval else "open",
                instructors=[instructors[c % 8], instructors[(c + 3) % 8]],
            )
            result["courses"].append(
                {"id": course.pk, "title": title, "hours": course.estimated_hours, "approval": approval}
            )
            modules = []
            for m in range(modules_per_course):
                required = m != modules_per_course - 1 or modules_per_course == 1
                module = ModulePageFactory(
                    parent=course,
                    title=MODULE_TITLES[m % len(MODULE_TITLES)] + ("" if m < len(MODULE_TITLES) else f" {m + 1}"),
                    slug=f"module-{m + 1}",
                    is_required=required,
                    estimated_minutes=rng.choice([20, 30, 45, 60]),
                )
                modules.append(module)
                result["modules"].append({"id": module.pk, "course": course.pk, "index": m + 1, "required": required})

            def bank(count: int, label: str, essay: bool = False, course=course):
                questions = []
                for n in range(count):
                    kind, points, options, extra = ESSAY if essay and n == count - 1 else QUESTION_KINDS[n % 6]
                    questions.append(
                        QuestionFactory(
                            course=course,
                            title=f"{label} {n + 1:02d}: {kind.replace('_', ' ')}",
                            prompt=f"<p>{label}, question {n + 1}: which body approves the defence budget?</p>",
                            explanation="<p>Parliament votes the budget; the audit office checks how it is spent.</p>",
                            type=kind,
                            points=Decimal(points),
                            options=options,
                            **extra,
                        )
                    )
                return questions

            plans = [("Final exam", None, True, 10 + c % 3, 60, c % 3 == 0)]
            if c % 2 == 0:
                plans.append(("Module quiz", 2, True, 8, None, False))
            elif c % 4 == 1:
                plans.append(("Practice quiz", None, False, 6, None, False))
            for label, module_index, required, count, minutes, essay in plans:
                questions = bank(count, label, essay)
                assessment = AssessmentFactory(
                    course=course,
                    module=modules[module_index - 1] if module_index else None,
                    title=f"{label}: {title}",
                    is_required=required,
                    pass_mark_percent=70 if label == "Final exam" else 60,
                    time_limit_minutes=minutes,
                    questions=questions,
                )
                snapshots = [question_snapshot(q) for q in questions]
                result["assessments"].append(
                    {
                        "id": assessment.pk,
                        "course": course.pk,
                        "module_index": module_index,
                        "required": required,
                        "pass_mark": assessment.pass_mark_percent,
                        "minutes": minutes,
                        "label": label,
                        "max_score": str(sum(Decimal(s["points"]) for s in snapshots)),
                        "essay": essay,
                    }
                )
                for position, snapshot in enumerate(snapshots, start=1):
                    right, wrong = _answers_for(snapshot)
                    result["items"].append(
                        {
                            "assessment": assessment.pk,
                            "position": position,
                            "question": snapshot["question_id"],
                            "snapshot": snapshot,
                            "type": snapshot["type"],
                            "points": snapshot["points"],
                            "right": right,
                            "wrong": wrong,
                            # How easy the question is: easier ones are answered right more often.
                            "easiness": round(rng.random(), 3),
                        }
                    )
    return result


def _manager_scope_add(user, *, countries, programs) -> bool:
    """Limit a program manager to some countries and programs, when this version of the accounts app can."""
    from django.apps import apps

    try:
        scope_model = apps.get_model("accounts", "ManagerScope")
    except LookupError:
        return False
    scope = scope_model.objects.create(user=user, countries=list(countries))
    scope.sponsoring_programs.set(programs)
    return True


# The learner data, in SQL ------------------------------------------------------


def _execute(cursor, title: str, sql: str, timings: dict) -> int:
    started = time.perf_counter()
    cursor.execute(sql)
    timings[title] = timings.get(title, 0.0) + time.perf_counter() - started
    return cursor.rowcount


# The big tables are filled without their secondary indexes, which are then built again
# exactly as they were (as pg_restore does): building an index once costs far less than
# updating it for every row. The schema after the run is the migrations' schema.
BULK_TABLES = [
    "accounts_user",
    "courses_enrolment",
    "courses_enrolmentevent",
    "courses_moduleprogress",
    "assessments_attempt",
    "assessments_attemptquestion",
]
_INDEXES_SQL = """
    SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),
           c.conname, pg_get_constraintdef(c.oid)
    FROM pg_index i
    LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
    WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
    ORDER BY 1, 2
"""


def _indexes_drop(cursor, tables: list[str]) -> list[tuple]:
    """Drop the tables' secondary indexes and unique constraints; returns what builds them again."""
    cursor.execute(_INDEXES_SQL, [tables])
    indexes = cursor.fetchall()
    for table, name, _definition, constraint, _constraint_definition in indexes:
        if constraint:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
        else:
            cursor.execute(f'DROP INDEX "{name}"')
    return indexes


def _indexes_build(cursor, tables: list[str], indexes: list[tuple]) -> None:
    for table, _name, definition, constraint, constraint_definition in indexes:
        if constraint:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_definition}')
        else:
            cursor.execute(definition)
    cursor.execute(_INDEXES_SQL, [tables])
    if cursor.fetchall() != indexes:
        raise GenerateError("the indexes built again differ from the migrations' indexes")


def _copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _certificate_codes(count: int, seed: int) -> list[str]:
    """Unique codes in the printed form ``certificates.codes`` makes and accepts (check symbol included)."""
    from certificates.codes import ALPHABET, RANDOM_SYMBOLS, code_normalize

    rng = random.Random(seed)
    codes, seen = [], set()
    while len(codes) < count:
        body = "".join(rng.choices(ALPHABET, k=RANDOM_SYMBOLS))
        if body in seen:
            continue
        seen.add(body)
        # The check symbol is the one (of 32) that makes the whole code valid.
        for symbol in ALPHABET:
            code = code_normalize(body + symbol)
            if code is not None:
                codes.append(code)
                break
    return codes


def _certificate_codes_fast(count: int, seed: int) -> list[str]:
    from certificates import codes as codes_module

    check = getattr(codes_module, "_check_symbol", None)
    if check is None:  # the private helper went away: the slow, public way
        return _certificate_codes(count, seed)
    rng = random.Random(seed)
    out, seen = [], set()
    alphabet, size = codes_module.ALPHABET, codes_module.RANDOM_SYMBOLS
    while len(out) < count:
        body = "".join(rng.choices(alphabet, k=size))
        if body not in seen:
            seen.add(body)
            out.append(codes_module.code_format(body + check(body)))
    return out


def generate(
    *,
    students: int = 100_000,
    enrolments: int = 300_000,
    responses: int = 3_000_000,
    certificates: int = 100_000,
    courses: int = 12,
    modules_per_course: int = 5,
    cohorts: int = 300,
    seed: int = 1,
    now: datetime.datetime | None = None,
    staff_password: str | None = None,
    using: str = "default",
) -> dict:
    """Fill a migrated, empty database; returns the row counts, the seconds each step took and ids to test with.

    ``responses`` and ``certificates`` are minimums (the last attempt may ask a
    few questions more); ``students`` and ``enrolments`` are exact.
    """
    from django.db import connections, transaction
    from django.utils import timezone

    if enrolments > students * courses:
        raise GenerateError(f"{enrolments} enrolments do not fit {students} students in {courses} courses")
    if cohorts < courses:
        raise GenerateError("at least one cohort per course")
    now = now or timezone.now()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM courses_enrolment")
        if cursor.fetchone()[0]:
            raise GenerateError("the database already holds enrolments: start from a fresh one (--fresh)")

    made = curriculum_make(
        courses=courses, modules_per_course=modules_per_course, seed=seed, staff_password=staff_password
    )
    timings["curriculum (factories)"] = time.perf_counter() - started

    with transaction.atomic(using=using), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own: COPY, and no %-placeholders to escape
        _fill(
            cursor,
            made,
            dice=Dice(seed),
            seed=seed,
            now=now,
            students=students,
            enrolments=enrolments,
            responses=responses,
            certificates=certificates,
            cohorts=cohorts,
            levels=modules_per_course + 1,
            timings=timings,
        )
        # The count of required modules done that each enrolment keeps (courses/facts.py), as completing
        # a module keeps it: the progress rows were written in bulk, so no signal did. After _fill, which
        # builds the indexes again: one UPDATE per course.
        from courses.api import enrolment_required_done_refresh

        facts_started = time.perf_counter()
        enrolment_required_done_refresh()
        timings["enrolment facts: required modules done"] = time.perf_counter() - facts_started
    analyse_started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ANALYSED_TABLES:
            # VACUUM too, as autovacuum would have by then: index-only scans need the visibility map.
            cursor.execute(f"VACUUM ANALYZE {table}")
    timings["VACUUM ANALYZE"] = time.perf_counter() - analyse_started
    counts = table_counts(using=using)
    return {
        "counts": counts,
        "timings": timings,
        "seconds": time.perf_counter() - started,
        "samples": samples(made, using=using),
    }


ANALYSED_TABLES = [
    "accounts_sponsoringprogram",
    "accounts_user",
    "accounts_user_groups",
    "courses_cohort",
    "courses_enrolment",
    "courses_enrolmentevent",
    "courses_moduleprogress",
    "assessments_attempt",
    "assessments_attemptquestion",
    "certificates_holdername",
    "certificates_certificate",
]


def _fill(
    cursor, made, *, dice, seed, now, students, enrolments, responses, certificates, cohorts, levels, timings
) -> None:
    r = dice.r
    run = lambda title, sql: _execute(cursor, title, sql, timings)  # noqa: E731
    # Foreign keys hold by construction (every id comes from a join); their deferred
    # checks would queue one trigger event per row until the commit.
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute("SET LOCAL synchronous_commit = off")
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    now_sql = f"'{now.isoformat()}'::timestamptz"
    started = time.perf_counter()
    indexes = _indexes_drop(cursor, BULK_TABLES)
    timings["indexes: drop"] = time.perf_counter() - started

    # The curriculum, as small tables to join ------------------------------------
    cursor.execute(
        "CREATE TEMP TABLE g_course (idx int, id int, title text, hours int, approval bool, weight float8)"
        " ON COMMIT DROP"
    )
    course_rows = [
        (i, c["id"], c["title"], c["hours"], c["approval"], 1.0 / (1 + 0.25 * i)) for i, c in enumerate(made["courses"])
    ]
    total = sum(row[5] for row in course_rows)
    cumulative, rows = 0.0, []
    for row in course_rows:
        cumulative += row[5] / total
        rows.append((*row[:5], cumulative))  # the weight column holds the cumulative share
    rows[-1] = (*rows[-1][:5], 2.0)  # above any draw, whatever the rounding
    _copy_rows(cursor, "g_course", ["idx", "id", "title", "hours", "approval", "weight"], rows)
    course_count = len(rows)
    cursor.execute("CREATE TEMP TABLE g_module (id int, course_id int, idx int, required bool) ON COMMIT DROP")
    _copy_rows(
        cursor,
        "g_module",
        ["id", "course_id", "idx", "required"],
        [(m["id"], m["course"], m["index"], m["required"]) for m in made["modules"]],
    )
    cursor.execute(
        "CREATE TEMP TABLE g_assessment (id bigint, course_id int, module_idx int, required bool, pass_mark int,"
        " minutes int, max_score numeric, essay bool, nq int) ON COMMIT DROP"
    )
    questions_per = {}
    for item in made["items"]:
        questions_per[item["assessment"]] = questions_per.get(item["assessment"], 0) + 1
    _copy_rows(
        cursor,
        "g_assessment",
        ["id", "course_id", "module_idx", "required", "pass_mark", "minutes", "max_score", "essay", "nq"],
        [
            (
                a["id"],
                a["course"],
                a["module_index"],
                a["required"],
                a["pass_mark"],
                a["minutes"],
                a["max_score"],
                a["essay"],
                questions_per[a["id"]],
            )
            for a in made["assessments"]
        ],
    )
    cursor.execute(
        "CREATE TEMP TABLE g_item (assessment_id bigint, position int, question_id bigint, snapshot jsonb,"
        " type text, points numeric, right_answer jsonb, wrong_answers jsonb, easiness float8) ON COMMIT DROP"
    )
    _copy_rows(
        cursor,
        "g_item",
        [
            "assessment_id",
            "position",
            "question_id",
            "snapshot",
            "type",
            "points",
            "right_answer",
            "wrong_answers",
            "easiness",
        ],
        [
            (
                i["assessment"],
                i["position"],
                i["question"],
                json.dumps(i["snapshot"]),
                i["type"],
                i["points"],
                json.dumps(i["right"]),
                json.dumps(i["wrong"]),
                i["easiness"],
            )
            for i in made["items"]
        ],
    )
    cursor.execute("ANALYZE g_course; ANALYZE g_module; ANALYZE g_assessment; ANALYZE g_item")
    managers = made["managers"][:2]
    instructors = made["instructors"]
    programs = made["programs"]

    # Cohorts: spread over the last three years and the next two months, per course.
    rng = random.Random(seed)
    today = now.date()
    cohort_rows = []
    per_course = [cohorts // course_count + (1 if i < cohorts % course_count else 0) for i in range(course_count)]
    span_days = 3 * 365 + 60
    for i, course in enumerate(made["courses"]):
        used = set()
        for j in range(per_course[i]):
            starts = (
                today
                - datetime.timedelta(days=3 * 365)
                + datetime.timedelta(days=int(span_days * (j + rng.random() * 0.8) / per_course[i]))
            )
            ends = starts + datetime.timedelta(weeks=rng.choice([6, 8, 10, 12, 16]))
            season = ["winter", "spring", "summer", "autumn"][(starts.month % 12) // 3]
            name = f"{starts.year} {season} intake"
            while name in used:
                name += " (B)" if not name.endswith(")") else "B"
            used.add(name)
            program = programs[rng.randrange(len(programs))][0] if rng.random() < 0.7 else None
            cohort_rows.append((course["id"], i, j, name, starts, ends, program))
    cursor.execute(
        "CREATE TEMP TABLE g_cohort (id bigint, course_idx int, idx int, starts_on date, ends_on date,"
        " program_id bigint) ON COMMIT DROP"
    )
    cursor.execute("SELECT coalesce(max(id), 0) FROM courses_cohort")
    cohort_base = cursor.fetchone()[0]
    _copy_rows(
        cursor,
        "courses_cohort",
        ["id", "created_at", "updated_at", "name", "starts_on", "ends_on", "course_id", "sponsoring_program_id"],
        [
            (cohort_base + n + 1, now, now, name, starts, ends, course_id, program)
            for n, (course_id, _i, _j, name, starts, ends, program) in enumerate(cohort_rows)
        ],
    )
    _copy_rows(
        cursor,
        "g_cohort",
        ["id", "course_idx", "idx", "starts_on", "ends_on", "program_id"],
        [
            (cohort_base + n + 1, i, j, starts, ends, program)
            for n, (_c, i, j, _name, starts, ends, program) in enumerate(cohort_rows)
        ],
    )
    cursor.execute(
        "CREATE TEMP TABLE g_cohort_count ON COMMIT DROP AS SELECT course_idx, count(*) AS n FROM g_cohort GROUP BY 1"
    )
    cursor.execute("ANALYZE g_cohort; ANALYZE g_cohort_count")

    # Enrolments first, in a work table: the students' join dates come from them ----
    cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_user")
    user_base = cursor.fetchone()[0]
    steps = [s for s in range(1, course_count) if math.gcd(s, course_count) == 1] or [1]
    steps_sql = "(ARRAY[" + ", ".join(map(str, steps)) + "])"
    day = "interval '1 day'"
    run(
        "enrolments: plan",
        f"""
        CREATE TEMP TABLE w_enrol ON COMMIT DROP AS
        WITH base AS (
            SELECT n, ((n - 1) % {students}) AS u, ((n - 1) / {students}) AS k,
                   {r("(n - 1) % " + str(students), 1)} AS r_course,
                   {steps_sql}[1 + floor({r("(n - 1) % " + str(students), 2)} * {len(steps)})::int] AS step
            FROM generate_series(1, {enrolments}) AS n
        ), placed AS (
            SELECT b.n, b.u, ((c0.idx + b.k * b.step) % {course_count}) AS course_idx
            FROM base b
            JOIN LATERAL (SELECT idx FROM g_course WHERE weight >= b.r_course ORDER BY weight LIMIT 1) c0 ON true
        ), dated AS (
            SELECT p.n, p.u, c.idx AS course_idx, c.id AS course_id, c.approval,
                   ch.id AS cohort_id, ch.program_id AS cohort_program_id,
                   coalesce(ch.starts_on + interval '8 hours',
                            {now_sql} - {r("p.n", 4)} * interval '1095 days') AS s0,
                   coalesce(ch.ends_on + interval '17 hours',
                            {now_sql} - {r("p.n", 4)} * interval '1095 days' + interval '84 days') AS s1
            FROM placed p
            JOIN g_course c ON c.idx = p.course_idx
            JOIN g_cohort_count cc ON cc.course_idx = p.course_idx
            LEFT JOIN g_cohort ch ON {r("p.n", 3)} < 0.95 AND ch.course_idx = p.course_idx
                 AND ch.idx = floor({r("p.n", 5)} * cc.n)::int
        ), phased AS (
            SELECT d.*, {r("d.n", 6)} AS rs,
                   CASE WHEN d.s1 < {now_sql} THEN 'ended' WHEN d.s0 <= {now_sql} THEN 'running' ELSE 'future' END
                       AS phase
            FROM dated d
        ), statused AS (
            SELECT p.*,
                   CASE
                     WHEN phase = 'ended' THEN CASE WHEN rs < 0.37 THEN 'completed' WHEN rs < 0.60 THEN 'active'
                         WHEN rs < 0.84 THEN 'withdrawn' WHEN rs < 0.96 THEN 'rejected' ELSE 'pending' END
                     WHEN phase = 'running' THEN CASE WHEN rs < 0.08 THEN 'completed' WHEN rs < 0.78 THEN 'active'
                         WHEN rs < 0.86 THEN 'withdrawn' WHEN rs < 0.91 THEN 'rejected' ELSE 'pending' END
                     ELSE CASE WHEN rs < 0.40 THEN 'active' WHEN rs < 0.47 THEN 'rejected'
                         WHEN rs < 0.52 THEN 'withdrawn' ELSE 'pending' END
                   END AS raw_status,
                   CASE WHEN {r("p.n", 7)} < 0.80 THEN 'self' WHEN {r("p.n", 7)} < 0.92 THEN 'manager'
                        ELSE 'import' END AS source
            FROM phased p
        ), settled AS (
            -- Only courses that need approval have pending or rejected requests.
            SELECT s.*,
                   CASE WHEN NOT s.approval AND s.raw_status IN ('pending', 'rejected') THEN 'active'
                        WHEN s.source <> 'self' AND s.raw_status IN ('pending', 'rejected') THEN 'active'
                        ELSE s.raw_status END AS status,
                   least(s.s0 - ({r("s.n", 8)} * 40 + 0.1) * {day},
                         {now_sql} - ({r("s.n", 9)} * 20 + 0.5) * {day}) AS requested_at
            FROM statused s
        )
        SELECT {user_base} + 1 + s.u AS user_id, s.*,
               -- Approval takes a few days, except for places given by a manager or an import.
               CASE WHEN s.status IN ('active', 'completed')
                      OR (s.status = 'withdrawn' AND (NOT (s.approval AND s.source = 'self') OR {r("s.n", 10)} < 0.8))
                    THEN least(s.requested_at + CASE WHEN s.approval AND s.source = 'self'
                                                     THEN ({r("s.n", 11)} * 6 + 0.2) * {day}
                                                     ELSE interval '0' END,
                               {now_sql} - interval '2 hours')
               END AS activated_at
        FROM settled s
        """,
    )
    run(
        "enrolments: plan",
        """
        ALTER TABLE w_enrol ADD COLUMN rejected_at timestamptz, ADD COLUMN completed_at timestamptz,
            ADD COLUMN withdrawn_at timestamptz, ADD COLUMN last_activity_at timestamptz,
            ADD COLUMN status_changed_at timestamptz, ADD COLUMN level int, ADD COLUMN next_started bool,
            ADD COLUMN finish_at timestamptz
        """,
    )
    # Times of the later changes, and how far through the course each student got
    # (``level``: modules completed in order; ``next_started``: the one after it opened).
    run(
        "enrolments: plan",
        f"""
        UPDATE w_enrol SET
            rejected_at = CASE WHEN status = 'rejected'
                THEN least(requested_at + ({r("n", 12)} * 7 + 0.1) * {day}, {now_sql} - interval '1 hour') END,
            completed_at = CASE
                WHEN status = 'completed' AND phase = 'ended'
                  THEN least(greatest(activated_at, s0) + (s1 - s0) * (0.55 + 0.5 * {r("n", 13)}),
                             {now_sql} - interval '1 hour')
                WHEN status = 'completed'
                  THEN activated_at + ({now_sql} - activated_at) * (0.6 + 0.35 * {r("n", 13)}) END,
            withdrawn_at = CASE WHEN status = 'withdrawn'
                THEN coalesce(activated_at, requested_at)
                     + (least(s1, {now_sql}) - coalesce(activated_at, requested_at)) * (0.1 + 0.8 * {r("n", 14)})
                END,
            level = CASE
                WHEN status = 'completed' THEN 1000
                WHEN status = 'active' AND activated_at IS NOT NULL
                  THEN floor(power({r("n", 15)}, CASE WHEN phase = 'ended' THEN 0.6 ELSE 1.3 END) * {levels})::int
                WHEN status = 'withdrawn' AND activated_at IS NOT NULL THEN floor({r("n", 15)} * 3)::int
                ELSE 0 END,
            next_started = {r("n", 16)} < 0.7
        """,
    )
    run(
        "enrolments: plan",
        f"""
        UPDATE w_enrol SET
            withdrawn_at = greatest(withdrawn_at, coalesce(activated_at, requested_at) + interval '1 hour'),
            last_activity_at = CASE
                WHEN status = 'completed' THEN completed_at
                WHEN status = 'active' AND {r("n", 17)} < 0.9
                  THEN least(activated_at + (least(s1, {now_sql}) - activated_at) * power({r("n", 18)}, 0.5)
                             + interval '1 hour', {now_sql} - interval '5 minutes')
                WHEN status = 'withdrawn' AND activated_at IS NOT NULL THEN activated_at
                     + (withdrawn_at - activated_at) * 0.9
                END
        """,
    )
    run(
        "enrolments: plan",
        f"""
        UPDATE w_enrol SET
            status_changed_at = coalesce(completed_at, withdrawn_at, rejected_at, activated_at, requested_at),
            -- Module progress and attempts happen between activation and this.
            finish_at = coalesce(completed_at, least(withdrawn_at, last_activity_at), withdrawn_at,
                                 last_activity_at, least(s1, {now_sql} - interval '10 minutes'))
        """,
    )
    cursor.execute("CREATE INDEX ON w_enrol (n); ANALYZE w_enrol")

    # Students ------------------------------------------------------------------
    first, last = sql_array(FIRST_NAMES), sql_array(LAST_NAMES)
    countries, services = sql_array(COUNTRIES), sql_array(SERVICES)
    program_ids = "ARRAY[" + ", ".join(str(p[0]) for p in programs) + "]::bigint[]"
    cursor.execute("SELECT password FROM accounts_user WHERE password LIKE '!%' LIMIT 1")
    unusable = cursor.fetchone()
    from django.contrib.auth.hashers import make_password

    password = (unusable[0] if unusable else make_password(None)).replace("'", "''")
    run(
        "students",
        f"""
        INSERT INTO accounts_user (id, password, last_login, is_superuser, is_staff, is_active, date_joined, email,
            first_name, last_name, name_native, preferred_language, country, service, rank, organisation,
            welcome_email_sent_at, sponsoring_program_id, invited_at)
        SELECT {user_base} + u, '{password}',
               CASE WHEN {r("u", 30)} < 0.85 THEN {now_sql} - power({r("u", 31)}, 2) * interval '400 days' END,
               false, false, {r("u", 32)} >= 0.02, j.joined,
               'student' || lpad(u::text, greatest(6, length(u::text)), '0') || '@{STUDENT_EMAIL_DOMAIN}',
               {dice.pick(first, "u", 33)}, {dice.pick(last, "u", 34)},
               CASE WHEN {r("u", 35)} < 0.3 THEN {dice.pick(sql_array(NATIVE_NAMES), "u", 36)} ELSE '' END,
               {dice.pick(sql_array(LANGUAGES), "u", 37)},
               {dice.pick(countries, "u", 38, skew=1.8)}, {dice.pick(services, "u", 39, skew=1.4)},
               {dice.pick(sql_array(RANKS), "u", 40)}, {dice.pick(sql_array(ORGANISATIONS), "u", 41)},
               j.joined + interval '2 minutes',
               CASE WHEN {r("u", 42)} < 0.88 THEN {dice.pick(program_ids, "u", 43, skew=1.5)} END,
               CASE WHEN j.imported THEN j.joined END
        FROM generate_series(1, {students}) AS u
        LEFT JOIN (
            SELECT user_id - {user_base} AS uu, min(requested_at) - interval '3 days' AS joined,
                   bool_or(source = 'import') AS imported
            FROM w_enrol GROUP BY user_id
        ) AS j0 ON j0.uu = u
        CROSS JOIN LATERAL (
            SELECT coalesce(j0.joined, {now_sql} - {r("u", 44)} * interval '1000 days') AS joined,
                   coalesce(j0.imported, false) AS imported
        ) AS j
        """,
    )
    run(
        "students",
        f"""
        INSERT INTO accounts_user_groups (user_id, group_id)
        SELECT {user_base} + u, (SELECT id FROM auth_group WHERE name = 'Students')
        FROM generate_series(1, {students}) AS u
        """,
    )

    cursor.execute("SELECT coalesce(max(id), 0) FROM courses_enrolment")
    enrol_base = cursor.fetchone()[0]
    manager_ids = "ARRAY[" + ", ".join(map(str, managers)) + "]::bigint[]"
    run(
        "enrolments",
        f"""
        INSERT INTO courses_enrolment (id, created_at, updated_at, status, source, status_changed_at, requested_at,
            activated_at, completed_at, withdrawn_at, rejected_at, decision_reason, last_activity_at, cohort_id,
            course_id, decided_by_id, user_id, required_modules_done)
        SELECT {enrol_base} + n, requested_at, greatest(status_changed_at, last_activity_at), status, source,
               status_changed_at, requested_at, activated_at, completed_at, withdrawn_at, rejected_at,
               CASE WHEN status = 'rejected' AND {r("n", 50)} < 0.6 THEN
                    (ARRAY['The cohort is full.', 'Prerequisites not met.', 'Nomination not confirmed by the sponsor.'])
                    [1 + floor({r("n", 51)} * 3)::int] ELSE '' END,
               last_activity_at, cohort_id, course_id,
               CASE WHEN approval AND source = 'self' AND (status = 'rejected' OR activated_at IS NOT NULL)
                      OR source = 'manager'
                    THEN {dice.pick(manager_ids, "n", 52)} END,
               user_id, 0
        FROM w_enrol ORDER BY n
        """,
    )
    run(
        "enrolment events",
        f"""
        INSERT INTO courses_enrolmentevent (from_status, to_status, at, reason, notified_at, actor_id, enrolment_id)
        SELECT from_status, to_status, at, reason, notified_at, actor_id, {enrol_base} + n FROM (
            SELECT n, '' AS from_status,
                   CASE WHEN approval AND source = 'self' THEN 'pending' ELSE 'active' END AS to_status,
                   CASE WHEN approval AND source = 'self' THEN requested_at ELSE coalesce(activated_at, requested_at)
                   END AS at, '' AS reason, NULL::timestamptz AS notified_at,
                   CASE WHEN source = 'self' THEN user_id ELSE {managers[0]} END AS actor_id, 0 AS step
            FROM w_enrol
            UNION ALL
            SELECT n, 'pending', 'active', activated_at, '', activated_at + interval '4 minutes', {managers[0]}, 1
            FROM w_enrol WHERE approval AND source = 'self' AND activated_at IS NOT NULL
            UNION ALL
            SELECT n, 'pending', 'rejected', rejected_at, '', rejected_at + interval '4 minutes', {managers[1]}, 1
            FROM w_enrol WHERE status = 'rejected'
            UNION ALL
            SELECT n, 'active', 'completed', completed_at, '', NULL, NULL, 2 FROM w_enrol WHERE status = 'completed'
            UNION ALL
            SELECT n, CASE WHEN activated_at IS NULL THEN 'pending' ELSE 'active' END, 'withdrawn', withdrawn_at, '',
                   NULL, user_id, 2
            FROM w_enrol WHERE status = 'withdrawn'
        ) AS events ORDER BY at, n, step
        """,
    )

    # Module progress: modules 1..level completed, the next one perhaps started ----
    run(
        "module progress",
        f"""
        INSERT INTO courses_moduleprogress (started_at, completed_at, enrolment_id, module_id)
        SELECT e.activated_at + (e.finish_at - e.activated_at) * ((m.idx - 1) + 0.3 * {r("e.n * 16 + m.idx", 60)})
                                 / mc.n,
               CASE WHEN m.idx <= e.level AND (m.required OR {r("e.n * 16 + m.idx", 61)} < 0.6 OR e.level < 1000)
                    THEN e.activated_at + (e.finish_at - e.activated_at)
                         * ((m.idx - 1) + 0.3 + 0.65 * {r("e.n * 16 + m.idx", 62)}) / mc.n END,
               {enrol_base} + e.n, m.id
        FROM w_enrol e
        JOIN g_module m ON m.course_id = e.course_id
        JOIN (SELECT course_id, count(*) AS n FROM g_module GROUP BY 1) mc ON mc.course_id = e.course_id
        WHERE e.activated_at IS NOT NULL
          AND (m.idx <= e.level OR (m.idx = e.level + 1 AND e.next_started))
        ORDER BY e.n, m.idx
        """,
    )
    # An active student who completed every module has not passed the final exam yet.
    cursor.execute(
        "CREATE TEMP TABLE g_module_count ON COMMIT DROP AS SELECT course_id, count(*) AS n FROM g_module GROUP BY 1"
    )

    # Attempts: who tries which assessment, and must they pass? ------------------
    # must: 1 passes (the module or course was completed by it), -1 fails (it was not), 0 either.
    run(
        "attempts: plan",
        f"""
        CREATE TEMP TABLE w_pair ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY e.n, a.id) AS p, e.n, e.user_id, e.status, a.id AS assessment_id, a.nq,
               a.pass_mark, a.max_score, a.minutes, a.essay, a.required,
               CASE WHEN NOT a.required THEN 0
                    WHEN a.module_idx IS NOT NULL AND a.module_idx <= e.level THEN 1
                    WHEN a.module_idx IS NULL AND e.status = 'completed' THEN 1
                    ELSE -1 END AS must,
               CASE WHEN a.module_idx IS NOT NULL
                    THEN e.activated_at + (e.finish_at - e.activated_at) * (a.module_idx - 1 + 0.3) / mc.n
                    ELSE e.activated_at + (e.finish_at - e.activated_at) * (mc.n - 1.0) / mc.n END AS w0,
               CASE WHEN a.module_idx IS NOT NULL AND a.module_idx <= e.level
                    THEN e.activated_at + (e.finish_at - e.activated_at) * (a.module_idx - 1 + 0.3) / mc.n
                         + (e.finish_at - e.activated_at) * 0.6 / mc.n
                    ELSE e.finish_at END AS w1,
               {r("e.n * 7 + a.id", 70)} AS rp
        FROM w_enrol e
        JOIN g_assessment a ON a.course_id = e.course_id
        JOIN g_module_count mc ON mc.course_id = e.course_id
        WHERE e.activated_at IS NOT NULL AND (
              (NOT a.required AND {r("e.n * 7 + a.id", 71)} < 0.35 AND e.level >= 1)
           OR (a.required AND a.module_idx IS NOT NULL
               AND (a.module_idx <= e.level OR (a.module_idx = e.level + 1 AND e.next_started
                                                AND {r("e.n * 7 + a.id", 72)} < 0.5)))
           OR (a.required AND a.module_idx IS NULL
               AND (e.status = 'completed' OR (e.level >= mc.n AND {r("e.n * 7 + a.id", 73)} < 0.7))))
        """,
    )
    cursor.execute("ANALYZE w_pair")
    # One attempt per pair, then retakes spread over the pairs (in a hashed order) until the
    # questions asked reach ``responses``: pair p gets ceil((deficit - questions before it) / all questions).
    cursor.execute("SELECT coalesce(sum(nq), 0), count(*) FROM w_pair")
    base_questions, _pair_count = cursor.fetchone()
    deficit = max(0, responses - int(base_questions))
    run(
        "attempts: plan",
        f"""
        CREATE TEMP TABLE w_attempt ON COMMIT DROP AS
        WITH ordered AS (
            SELECT w.*, coalesce(sum(nq) OVER (ORDER BY rp, p ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                        AS before
            FROM w_pair w
        ), counted AS (
            SELECT o.*, 1 + greatest(0, ceil(({deficit} - o.before)::numeric / {max(int(base_questions), 1)}))::int
                        AS tries
            FROM ordered o
        )
        SELECT c.*, t AS number, (t = c.tries) AS last
        FROM counted c CROSS JOIN LATERAL generate_series(1, c.tries) AS t
        """,
    )
    cursor.execute("SELECT coalesce(max(id), 0) FROM assessments_attempt")
    attempt_base = cursor.fetchone()[0]
    # Ability: a student's own (roughly normal), better on each retake.
    run(
        "attempts: plan",
        f"""
        CREATE TEMP TABLE w_try ON COMMIT DROP AS
        SELECT {attempt_base} + row_number() OVER (ORDER BY n, assessment_id, number) AS id, a.*,
               -- Earlier tries failed (else why try again); the last one must do what the pair says.
               CASE WHEN NOT last THEN -1 ELSE must END AS goal,
               1.0 / (1.0 + exp(-(({r("user_id", 80)} + {r("user_id", 81)} + {r("user_id", 82)} - 1.5) * 2.2
                                  + 0.35 * (number - 1) + 0.6 * ({r("p * 8 + number", 83)} - 0.5) + 0.55))) AS ability,
               CASE WHEN last AND status = 'active' AND must <> 1 AND {r("p * 8 + number", 84)} < 0.04
                    THEN 'in_progress'
                    WHEN last AND essay AND status = 'active' AND must <> 1 AND {r("p * 8 + number", 85)} < 0.15
                      THEN 'submitted'
                    ELSE 'graded' END AS state,
               w0 + greatest(w1 - w0 - interval '2 hours', interval '0')
                    * ((number - 1) + 0.9 * {r("p * 8 + number", 86)}) / tries AS started_at,
               (4 + 62 * {r("p * 8 + number", 87)}) * interval '1 minute' AS took
        FROM w_attempt a
        """,
    )
    cursor.execute("CREATE INDEX ON w_try (id); ANALYZE w_try")

    # The questions of every attempt, graded: which ones a try gets right ---------
    # A try earns a target share of the points (its ability, held above or below the
    # pass mark by its goal); its questions are taken in order of ease plus chance, and
    # counted right while the points so far stay under the target (goal 1: until it is
    # reached). Right answers earn full points and wrong ones none, as grading.grade says.
    run(
        "responses: grade",
        f"""
        CREATE TEMP TABLE w_item ON COMMIT DROP AS
        WITH keyed AS (
            SELECT t.id AS attempt_id, i.position, i.points, i.type,
                   CASE t.goal
                     WHEN 1 THEN greatest(t.ability * t.max_score, t.max_score * t.pass_mark / 100.0)
                     WHEN -1 THEN least(t.ability * t.max_score, t.max_score * t.pass_mark / 100.0 - 0.01)
                     ELSE t.ability * t.max_score END AS target,
                   t.goal,
                   {r("t.id * 64 + i.position", 90)} + 0.6 * i.easiness AS ease
            FROM w_try t JOIN g_item i ON i.assessment_id = t.assessment_id
        ), ranked AS (
            SELECT k.*, sum(points) OVER (PARTITION BY attempt_id ORDER BY ease DESC, position
                                          ROWS UNBOUNDED PRECEDING) AS running
            FROM keyed k
        )
        SELECT attempt_id, position::smallint AS position,
               CASE WHEN goal = 1 THEN running - points < target ELSE running <= target END AS is_right,
               points, type
        FROM ranked
        """,
    )
    # An in-progress try started minutes ago and has saved its first answers only; the
    # others end before their window does (a passing try completes the module or course).
    run(
        "attempts: plan",
        f"""
        UPDATE w_try SET started_at = CASE
            WHEN state = 'in_progress' THEN {now_sql} - (5 + 35 * {r("id", 88)}) * interval '1 minute'
            ELSE greatest(w1 - took - interval '1 minute', w0) END
        WHERE state = 'in_progress' OR started_at + took + interval '1 minute' > w1
        """,
    )
    # Wrong answers are sometimes left empty: they earn nothing either way.
    run(
        "responses: grade",
        f"""
        CREATE TEMP TABLE w_scored ON COMMIT DROP AS
        SELECT w.attempt_id, w.position, w.is_right, w.type,
               NOT (t.state = 'in_progress' AND w.position > floor({r("t.id", 91)} * t.nq))
               AND (w.is_right OR {r("w.attempt_id * 64 + w.position", 92)} >= 0.04) AS answered,
               CASE WHEN t.state = 'in_progress' THEN NULL
                    WHEN t.state = 'submitted' AND w.type = 'essay' THEN NULL
                    WHEN w.is_right THEN w.points ELSE 0 END AS points_awarded
        FROM w_item w JOIN w_try t ON t.id = w.attempt_id
        """,
    )
    run(
        "responses: grade",
        """
        CREATE TEMP TABLE w_score ON COMMIT DROP AS
        SELECT attempt_id, sum(points_awarded) AS score FROM w_scored GROUP BY attempt_id
        """,
    )
    cursor.execute("CREATE INDEX ON w_score (attempt_id); ANALYZE w_score")
    # Essays are graded by an instructor hours or days after the submission.
    # A course completed by the exam was completed when the essay was graded, so no later.
    grading_delay = f"""CASE WHEN NOT t.essay THEN interval '0'
        WHEN t.last AND t.status = 'completed'
          THEN least((1 + 70 * {r("t.id", 93)}) * interval '1 hour',
                     greatest(t.w1 - t.started_at - t.took - interval '2 minutes', interval '1 second'))
        ELSE (1 + 70 * {r("t.id", 93)}) * interval '1 hour' END"""
    submitted = """CASE WHEN t.minutes IS NOT NULL AND t.took > t.minutes * interval '1 minute'
                         THEN t.started_at + t.minutes * interval '1 minute' ELSE t.started_at + t.took END"""
    percent = "round(100 * s.score / t.max_score, 2)"
    run(
        "attempts",
        f"""
        INSERT INTO assessments_attempt (id, number, status, started_at, deadline, submitted_at, auto_submitted,
            graded_at, score, max_score, percent, passed, result_notified_at, assessment_id, enrolment_id, user_id)
        SELECT t.id, t.number, t.state, t.started_at, t.started_at + t.minutes * interval '1 minute',
               CASE WHEN t.state <> 'in_progress' THEN {submitted} END,
               t.state <> 'in_progress' AND t.minutes IS NOT NULL AND t.took > t.minutes * interval '1 minute',
               CASE WHEN t.state = 'graded' THEN {submitted} + interval '1 second' + {grading_delay} END,
               CASE WHEN t.state = 'graded' THEN s.score END, t.max_score,
               CASE WHEN t.state = 'graded' THEN {percent} END,
               CASE WHEN t.state = 'graded' THEN {percent} >= t.pass_mark END,
               CASE WHEN t.state = 'graded' THEN {submitted} + interval '2 minutes' + {grading_delay} END,
               t.assessment_id, {enrol_base} + t.n, t.user_id
        FROM w_try t JOIN w_score s ON s.attempt_id = t.id
        ORDER BY t.id
        """,
    )
    instructor_ids = "ARRAY[" + ", ".join(map(str, instructors)) + "]::bigint[]"
    run(
        "responses",
        f"""
        INSERT INTO assessments_attemptquestion (position, snapshot, answer, answered_at, points_awarded,
            grader_feedback, graded_at, attempt_id, graded_by_id, question_id)
        SELECT w.position, g.snapshot,
               CASE WHEN NOT w.answered THEN NULL
                    WHEN w.is_right THEN g.right_answer
                    ELSE g.wrong_answers -> floor(power({r("w.attempt_id * 64 + w.position", 94)}, 1.7)
                                                  * jsonb_array_length(g.wrong_answers))::int END,
               CASE WHEN w.answered THEN t.started_at + t.took * w.position / (t.nq + 1.0) END,
               w.points_awarded,
               CASE WHEN w.type = 'essay' AND w.points_awarded IS NOT NULL AND NOT w.is_right
                    THEN 'Name the bodies and say how each one holds the forces to account.' ELSE '' END,
               CASE WHEN w.points_awarded IS NOT NULL THEN {submitted} + {grading_delay} END,
               w.attempt_id,
               CASE WHEN w.type = 'essay' AND w.points_awarded IS NOT NULL
                    THEN {dice.pick(instructor_ids, "t.id", 95)} END,
               g.question_id
        FROM w_scored w
        JOIN w_try t ON t.id = w.attempt_id
        JOIN g_item g ON g.assessment_id = t.assessment_id AND g.position = w.position
        ORDER BY w.attempt_id, w.position
        """,
    )

    # Names and certificates -----------------------------------------------------
    run(
        "certificates",
        f"""
        INSERT INTO certificates_holdername (created_at, updated_at, name, name_latin, confirmed_at, user_id)
        SELECT first_done, first_done, CASE WHEN u.name_native <> '' THEN u.name_native
                                             ELSE u.first_name || ' ' || u.last_name END,
               u.first_name || ' ' || u.last_name, first_done, u.id
        FROM (SELECT user_id, min(completed_at) + interval '1 hour' AS first_done FROM w_enrol
              WHERE status = 'completed' GROUP BY user_id) done
        JOIN accounts_user u ON u.id = done.user_id
        WHERE {r("u.id", 100)} >= 0.015
        """,
    )
    cursor.execute("SELECT count(*) FROM w_enrol WHERE status = 'completed'")
    completed = cursor.fetchone()[0]
    replaced = round(certificates * 0.03)
    current = certificates - replaced
    if current > completed:
        raise GenerateError(
            f"{certificates} certificates need {current} completed enrolments and there are {completed}:"
            " ask for more enrolments or fewer certificates"
        )
    codes = _certificate_codes_fast(certificates, seed)
    cursor.execute("CREATE TEMP TABLE g_code (k int, code text) ON COMMIT DROP")
    _copy_rows(cursor, "g_code", ["k", "code"], ((k, code) for k, code in enumerate(codes, start=1)))
    cursor.execute("CREATE INDEX ON g_code (k)")
    cursor.execute("SELECT id, latest_revision_id FROM certificates_certificatetemplate WHERE is_default LIMIT 1")
    template_id, revision_id = [("NULL" if v is None else v) for v in (cursor.fetchone() or (None, None))]
    cursor.execute("SELECT coalesce(max(id), 0) FROM certificates_certificate")
    certificate_base = cursor.fetchone()[0]
    # The score printed: the mean of the best percent on each required assessment (certificates.selectors).
    run(
        "certificates",
        """
        CREATE TEMP TABLE w_best ON COMMIT DROP AS
        SELECT n, round(avg(best), 2) AS score FROM (
            SELECT t.n, t.assessment_id, max(round(100 * s.score / t.max_score, 2)) AS best
            FROM w_try t JOIN w_score s ON s.attempt_id = t.id
            WHERE t.state = 'graded' AND t.required AND t.status = 'completed'
            GROUP BY 1, 2) per_assessment
        GROUP BY n
        """,
    )
    # Which completed enrolments get which certificate: a reissued one (named holders only,
    # since only an issued certificate is replaced) first, then the others in a hashed order.
    run(
        "certificates",
        f"""
        CREATE TEMP TABLE w_cert ON COMMIT DROP AS
        WITH named AS (
            SELECT e.n, e.user_id, e.course_id, e.cohort_id, e.completed_at, hn.name, hn.name_latin,
                   hn.confirmed_at, hn.user_id IS NOT NULL AS is_named,
                   row_number() OVER (ORDER BY hn.user_id IS NULL, {r("e.n", 101)}, e.n) <= {replaced} AS has_old
            FROM w_enrol e LEFT JOIN certificates_holdername hn ON hn.user_id = e.user_id
            WHERE e.status = 'completed'
        ), chosen AS (
            SELECT named.*, row_number() OVER (ORDER BY has_old DESC, {r("n", 104)}, n) AS k FROM named
        )
        SELECT c.*, b.score, gc.title AS course_title, gc.hours,
               coalesce(ch.name, '') AS cohort_name, coalesce(pc.name, pu.name, '') AS program_name,
               CASE WHEN NOT c.is_named THEN 'awaiting_name'
                    WHEN NOT c.has_old AND {r("c.n", 102)} < 0.01 THEN 'revoked'
                    WHEN NOT c.has_old AND {r("c.n", 102)} < 0.014 THEN 'pending'
                    ELSE 'issued' END AS cert_status,
               greatest(c.completed_at + interval '3 minutes', c.confirmed_at + interval '1 minute') AS made_at
        FROM chosen c
        JOIN g_course gc ON gc.id = c.course_id
        LEFT JOIN w_best b ON b.n = c.n
        LEFT JOIN courses_cohort ch ON ch.id = c.cohort_id
        LEFT JOIN accounts_sponsoringprogram pc ON pc.id = ch.sponsoring_program_id
        JOIN accounts_user u ON u.id = c.user_id
        LEFT JOIN accounts_sponsoringprogram pu ON pu.id = u.sponsoring_program_id
        WHERE c.k <= {current}
        """,
    )
    columns = (
        "id, created_at, updated_at, code, status, holder_name, holder_name_latin, course_title, hours, completed_on,"
        " score, cohort_name, program_name, issued_at, pdf, pdf_sha256, pdf_size, credential, render_error,"
        " notified_at, revoked_at, revoke_reason, replaced_at, course_id, enrolment_id, holder_id, replaces_id,"
        " revoked_by_id, template_revision_id, template_id"
    )
    printed = (
        "c.course_title, c.hours, (c.completed_at AT TIME ZONE 'UTC')::date, c.score, c.cohort_name, c.program_name"
    )
    # The replaced ones: issued with the name in capitals, reissued three weeks later with it corrected.
    run(
        "certificates",
        f"""
        INSERT INTO certificates_certificate ({columns})
        SELECT {certificate_base} + c.k, c.made_at, c.made_at + interval '21 days', code.code, 'replaced',
               upper(c.name), upper(c.name_latin), {printed},
               c.made_at + interval '40 seconds', '', '', NULL, NULL, '', c.made_at + interval '3 minutes',
               NULL, '', c.made_at + interval '21 days', c.course_id, {enrol_base} + c.n, c.user_id, NULL,
               NULL, {revision_id}, {template_id}
        FROM w_cert c JOIN g_code code ON code.k = c.k
        WHERE c.has_old
        ORDER BY c.k
        """,
    )
    made_at = "(c.made_at + CASE WHEN c.has_old THEN interval '21 days' ELSE interval '0' END)"
    shown = "c.cert_status IN ('issued', 'revoked')"
    run(
        "certificates",
        f"""
        INSERT INTO certificates_certificate ({columns})
        SELECT {certificate_base} + {replaced} + c.k, {made_at},
               {made_at} + CASE WHEN c.cert_status = 'revoked' THEN interval '90 days' ELSE interval '2 minutes' END,
               code.code, c.cert_status, coalesce(c.name, ''), coalesce(c.name_latin, ''), {printed},
               CASE WHEN {shown} THEN {made_at} + interval '40 seconds' END, '', '', NULL, NULL,
               CASE WHEN c.cert_status = 'pending' AND {r("c.n", 103)} < 0.5
                    THEN 'WeasyPrint: the worker was stopped before the PDF was written.' ELSE '' END,
               CASE WHEN {shown} THEN {made_at} + interval '3 minutes' END,
               CASE WHEN c.cert_status = 'revoked' THEN {made_at} + interval '90 days' END,
               CASE WHEN c.cert_status = 'revoked' THEN 'Issued in error: the final exam was retaken.' ELSE '' END,
               NULL, c.course_id, {enrol_base} + c.n, c.user_id,
               CASE WHEN c.has_old THEN {certificate_base} + c.k END,
               CASE WHEN c.cert_status = 'revoked' THEN {managers[0]} END, {revision_id}, {template_id}
        FROM w_cert c JOIN g_code code ON code.k = {replaced} + c.k
        ORDER BY c.k
        """,
    )

    # Capacities: some cohorts have a limit, never below the places they hold -----
    run(
        "cohorts",
        f"""
        UPDATE courses_cohort ch SET capacity = held.n + floor({r("ch.id", 110)} * 10)::int
        FROM (SELECT cohort_id, count(*) AS n FROM w_enrol WHERE status IN ('active', 'completed')
              AND cohort_id IS NOT NULL GROUP BY 1) held
        WHERE held.cohort_id = ch.id AND {r("ch.id", 111)} < 0.3
        """,
    )
    # The facts each enrolment keeps for the reports, as grading and issuing keep them
    # (assessments/facts.py, certificates/facts.py): the first graded attempt, the valid certificate.
    run(
        "enrolment facts",
        """
        UPDATE courses_enrolment e SET assessed_at = a.first_graded
        FROM (SELECT enrolment_id, min(graded_at) AS first_graded FROM assessments_attempt
              WHERE status = 'graded' GROUP BY 1) a
        WHERE a.enrolment_id = e.id
        """,
    )
    run(
        "enrolment facts",
        """
        UPDATE courses_enrolment e SET certified_at = c.issued_at
        FROM certificates_certificate c WHERE c.enrolment_id = e.id AND c.status = 'issued'
        """,
    )
    started = time.perf_counter()
    _indexes_build(cursor, BULK_TABLES, indexes)
    timings["indexes: build"] = time.perf_counter() - started
    for table in (
        "accounts_user",
        "courses_cohort",
        "courses_enrolment",
        "assessments_attempt",
        "certificates_certificate",
    ):
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def table_counts(*, using: str = "default") -> dict[str, int]:
    from django.db import connections

    with connections[using].cursor() as cursor:
        counts = {}
        for table in ANALYSED_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


def samples(made: dict, *, using: str = "default") -> dict:
    """Ids that are good to test with: the biggest course, cohorts of each kind, the busiest assessment."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("SELECT course_id, count(*) FROM courses_enrolment GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        course = cursor.fetchone()
        cursor.execute(
            """
            SELECT ch.id, ch.name, ch.course_id, count(*) AS n,
                   CASE WHEN ch.ends_on < current_date THEN 'ended' WHEN ch.starts_on <= current_date THEN 'running'
                        ELSE 'future' END AS phase
            FROM courses_cohort ch JOIN courses_enrolment e ON e.cohort_id = ch.id
            GROUP BY ch.id ORDER BY n DESC
            """
        )
        cohorts = {}
        for pk, name, course_id, n, phase in cursor.fetchall():
            cohorts.setdefault(phase, {"id": pk, "name": name, "course": course_id, "enrolments": n})
        cursor.execute("SELECT assessment_id, count(*) FROM assessments_attempt GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        assessment = cursor.fetchone()
    return {
        "biggest_course": {"id": course[0], "enrolments": course[1]},
        "cohorts": cohorts,
        "busiest_assessment": {"id": assessment[0], "attempts": assessment[1]},
        "assessments": [(a["id"], a["label"], a["course"]) for a in made["assessments"]],
        "admin": made["admin"],
        "managers": made["managers"],
        "scoped_manager": made["scoped_manager"],
    }


def verify(*, using: str = "default", sample: int = 3000) -> dict:
    """Check the rules the apps keep on a sample, and that the staff screens can read the rows.

    Raises GenerateError when a rule is broken; returns what it checked.
    """
    from decimal import Decimal

    from django.db import connections

    from assessments.grading import grade
    from assessments.staff import question_statistics_for_assessment
    from certificates.codes import code_normalize
    from lms.accounts.api import User

    problems = []
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT q.snapshot, q.answer, q.points_awarded FROM assessments_attemptquestion q
            TABLESAMPLE SYSTEM (1) WHERE q.points_awarded IS NOT NULL AND q.snapshot->>'type' <> 'essay'
            LIMIT {sample}
            """
        )
        # Django's connection leaves JSON as text.
        rows = [
            (json.loads(snapshot), None if answer is None else json.loads(answer), points)
            for snapshot, answer, points in cursor.fetchall()
        ]
        wrong = [
            (snapshot["type"], answer, points)
            for snapshot, answer, points in rows
            if grade(snapshot, answer) != Decimal(points)
        ]
        if wrong:
            problems.append(f"{len(wrong)} of {len(rows)} answers graded otherwise by grading.grade, e.g. {wrong[:3]}")
        cursor.execute(
            """
            SELECT count(*) FROM assessments_attempt a
            JOIN (SELECT attempt_id, sum(points_awarded) AS s FROM assessments_attemptquestion GROUP BY 1) q
              ON q.attempt_id = a.id
            WHERE a.status = 'graded' AND (a.score <> q.s OR a.passed <> (a.percent >= (
                SELECT pass_mark_percent FROM assessments_assessment WHERE id = a.assessment_id)))
            """
        )
        if count := cursor.fetchone()[0]:
            problems.append(f"{count} graded attempts whose score is not the sum of their questions' points")
        # Completed: every required assessment passed; active: never every one of them.
        cursor.execute(
            """
            SELECT e.status, count(*) FROM courses_enrolment e
            WHERE e.status IN ('completed', 'active') AND (e.status = 'completed') <> NOT EXISTS (
                SELECT 1 FROM assessments_assessment s WHERE s.course_id = e.course_id AND s.is_required
                AND NOT EXISTS (SELECT 1 FROM assessments_attempt a WHERE a.enrolment_id = e.id
                                AND a.assessment_id = s.id AND a.passed))
            GROUP BY 1
            """
        )
        for status, count in cursor.fetchall():
            problems.append(f"{count} {status} enrolments disagree with their required assessments")
        cursor.execute(
            """
            SELECT count(*) FROM courses_enrolment e
            WHERE e.status = 'completed' AND EXISTS (
                SELECT 1 FROM courses_modulepage m JOIN wagtailcore_page p ON p.id = m.page_ptr_id
                JOIN wagtailcore_page c ON c.id = e.course_id
                WHERE m.is_required AND p.path LIKE c.path || '%' AND p.depth = c.depth + 1
                AND NOT EXISTS (SELECT 1 FROM courses_moduleprogress mp WHERE mp.enrolment_id = e.id
                                AND mp.module_id = m.page_ptr_id AND mp.completed_at IS NOT NULL))
            """
        )
        if count := cursor.fetchone()[0]:
            problems.append(f"{count} completed enrolments with a required module not completed")
        cursor.execute(f"SELECT code FROM certificates_certificate TABLESAMPLE SYSTEM (5) LIMIT {sample}")
        codes = [code for (code,) in cursor.fetchall()]
        if bad := [code for code in codes if code_normalize(code) != code]:
            problems.append(f"{len(bad)} certificate codes that certificates.codes refuses, e.g. {bad[:3]}")
        cursor.execute("SELECT assessment_id FROM assessments_attempt GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        assessment_id = cursor.fetchone()[0]
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    started = time.perf_counter()
    _assessment, statistics = question_statistics_for_assessment(user=admin, assessment_id=assessment_id)
    seconds = time.perf_counter() - started
    if not statistics or any(s.difficulty is None or s.discrimination is None for s in statistics):
        problems.append(f"question statistics of assessment {assessment_id} incomplete: {statistics}")
    if problems:
        raise GenerateError("the data set breaks the apps' rules:\n  " + "\n  ".join(problems))
    return {
        "answers_regraded": len(rows),
        "codes_checked": len(codes),
        "statistics_assessment": assessment_id,
        "statistics_seconds": round(seconds, 2),
        "statistics": [
            {
                "question": s.title,
                "difficulty": round(s.difficulty, 2),
                "discrimination": round(s.discrimination, 2),
                "responses": s.responses,
            }
            for s in statistics
        ],
    }


# The script ----------------------------------------------------------------------


def database_url_for(name: str) -> str:
    parsed = urllib.parse.urlparse(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    return urllib.parse.urlunparse(parsed._replace(path="/" + name))


def database_prepare(url: str, *, fresh: bool) -> bool:
    """Create the database (drop it first when ``fresh``); True when it was made now."""
    from psycopg import sql
    from run import server_connect

    name = urllib.parse.urlparse(url).path.lstrip("/")
    if not name.startswith(DATABASE_PREFIX):
        raise GenerateError(
            f"refusing to touch {name!r}: the reports data set's database starts with {DATABASE_PREFIX}"
        )
    with server_connect(url) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not fresh:
            return False
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def main() -> int:
    if Path(sys.prefix).resolve() != VENV_PYTHON.parents[1].resolve() and VENV_PYTHON.exists():
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])  # noqa: S606
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=DATABASE_PREFIX, help=f"database name, starting with {DATABASE_PREFIX}")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--enrolments", type=int, default=300_000)
    parser.add_argument("--responses", type=int, default=3_000_000, help="at least this many AttemptQuestion rows")
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=12)
    parser.add_argument("--cohorts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-verify", action="store_true", help="skip the checks on a sample afterwards")
    parser.add_argument("--redis-url", default=os.environ.get("REPORTS_BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    args = parser.parse_args()

    sys.path.insert(0, str(PERF_DIR))
    from run import BenchError, bench_environment, run_step

    started = time.monotonic()
    url = database_url_for(args.database)
    workdir = Path(tempfile.mkdtemp(prefix="lms-reports-data-"))
    # The password for the staff accounts, if any, comes from the environment (never the command line).
    staff_password = os.environ.get("BENCH_PASSWORD")
    env = bench_environment(workdir / "media") | {
        "DATABASE_URL": url,
        "REDIS_URL": args.redis_url,
        "CELERY_BROKER_URL": args.redis_url,  # no worker runs: tasks queued by publishing just wait
    }
    try:
        made_now = database_prepare(url, fresh=args.fresh)
        log(f"Database {args.database}: {'created' if made_now else 'exists'} (lms.settings.production)")
        run_step("manage.py migrate", [str(VENV_PYTHON), "manage.py", "migrate", "--noinput"], env, timeout=300)
        os.environ.update(env)
        sys.path.insert(0, str(BASE_DIR))
        import django

        django.setup()
        result = generate(
            students=args.students,
            enrolments=args.enrolments,
            responses=args.responses,
            certificates=args.certificates,
            courses=args.courses,
            cohorts=args.cohorts,
            seed=args.seed,
            staff_password=staff_password,
        )
        checked = None if args.no_verify else verify()
    except (GenerateError, BenchError) as exc:
        log(f"\nFAILED: {exc}")
        return 1
    log("\nSteps (s)")
    for title, seconds in result["timings"].items():
        log(f"  {title:<32} {seconds:7.1f}")
    log("\nRows")
    for table, count in result["counts"].items():
        log(f"  {table:<32} {count:>10,}")
    log("\nGood to test with")
    for name, value in result["samples"].items():
        log(f"  {name}: {json.dumps(value, default=str)}")
    if checked:
        log(
            f"\nChecked: {checked['answers_regraded']} answers regraded by grading.grade, {checked['codes_checked']}"
            " certificate codes, scores, completions; question statistics of assessment"
            f" {checked['statistics_assessment']} in {checked['statistics_seconds']} s:"
        )
        for row in checked["statistics"]:
            log(f"  {json.dumps(row, ensure_ascii=False)}")
    log(f"\nFilled in {result['seconds']:.0f} s; {time.monotonic() - started:.0f} s with the migration")
    return 0


if __name__ == "__main__":
    sys.exit(main())
