"""Django-side jobs of the benchmark, each run by run.py in its own process.

Run with the benchmark's environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, ...)
already set; each job prints one ``JOB_RESULT <json>`` line for run.py to read.

    python tests/perf/django_jobs.py seed     # bench users and extra catalogue courses
    python tests/perf/django_jobs.py hashes   # time of one password hash
    python tests/perf/django_jobs.py costs    # queries and in-process time per target (--hashes: and the above)

The password for the bench users comes from the BENCH_PASSWORD environment
variable, never from the command line.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

STUDENT_EMAIL = "bench.student@example.org"
SIGN_IN_EMAIL = "bench.signin.{:02d}@example.org"
EXTRA_COURSE_SLUG = "bench-course-{:02d}"
# Publishing a page costs 0.2-0.4 s here. The extra courses only fill the
# catalogue (the measured course and module pages are the demo curriculum's),
# so they get no modules: that keeps the whole run within its time budget.
MODULES_PER_EXTRA_COURSE = 0

TOPICS = (
    "Defence budgeting",
    "Parliamentary oversight",
    "Military justice",
    "Border security",
    "Maritime security",
    "Peace operations",
    "Cyber defence policy",
    "Logistics cooperation",
    "Civil protection",
    "Gender and security",
    "Strategic communication",
)


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
    django.setup()


def _result(data: dict) -> None:
    print("JOB_RESULT " + json.dumps(data), flush=True)


def _user_ensure(email: str, first_name: str, password: str):
    """The user with this email and password, created as a student when missing."""
    from lms.accounts.models import User
    from lms.accounts.services import user_create

    user = User.objects.filter(email=email).first()
    if user is None:
        return user_create(email=email, password=password, first_name=first_name, send_welcome=False)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def seed(args) -> None:
    """The bench student, the sign-in users and enough courses for a paginated catalogue."""
    from django.db import transaction

    from courses.factories import CoursePageFactory, ModulePageFactory, catalogue_get
    from courses.models import CoursePage, ModulePage, Theme

    password = os.environ["BENCH_PASSWORD"]
    started = time.perf_counter()
    student = _user_ensure(STUDENT_EMAIL, "Bench", password)
    for number in range(1, args.users + 1):
        _user_ensure(SIGN_IN_EMAIL.format(number), f"Signin{number:02d}", password)

    catalogue = catalogue_get()
    themes = list(Theme.objects.all()) or [None]
    existing = CoursePage.objects.child_of(catalogue).count()
    number = 0
    with transaction.atomic():
        while existing < args.courses:
            number += 1
            slug = EXTRA_COURSE_SLUG.format(number)
            if CoursePage.objects.filter(slug=slug).exists():
                continue
            theme = themes[number % len(themes)]
            topic = TOPICS[number % len(TOPICS)]
            course = CoursePageFactory(
                parent=catalogue,
                title=f"{topic}: seminar {number:02d}",
                slug=slug,
                level=("foundation", "intermediate", "advanced")[number % 3],
                themes=[theme] if theme else [],
            )
            for module_number in range(1, MODULES_PER_EXTRA_COURSE + 1):
                ModulePageFactory(parent=course, title=f"{topic}, part {module_number}", slug=f"part-{module_number}")
            existing += 1
    _student_enrol(student)
    _result(
        {
            "courses": CoursePage.objects.live().count(),
            "modules": ModulePage.objects.live().count(),
            "student": STUDENT_EMAIL,
            "sign_in_users": [SIGN_IN_EMAIL.format(n) for n in range(1, args.users + 1)],
            "seconds": round(time.perf_counter() - started, 1),
        }
    )


def _student_enrol(student) -> None:
    """The bench student holds a place on the measured course, one module done: the pages show
    their progress and the module text, as a real student's do."""
    from courses.api import Cohort, CoursePage, ModulePage, enrolment_create_for_student, module_complete

    course = CoursePage.objects.filter(slug="civilian-control").first()
    if course is None:
        return
    cohort = Cohort.objects.filter(course=course).order_by("starts_on").first()
    enrolment_create_for_student(user=student, course=course, cohort=cohort, actor=None)
    first = ModulePage.objects.child_of(course).live().order_by("path").first()
    if first is not None:
        module_complete(user=student, module=first)


def _median_seconds(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def hashes(args) -> None:
    _result(_hash_timings(args.runs))


def _hash_timings(runs: int) -> dict:
    """One password hash with the configured hasher and with Django's default PBKDF2."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password

    password = "correct horse battery staple"
    configured = get_hasher("default")
    encoded = make_password(password)
    pbkdf2 = PBKDF2PasswordHasher()
    salt = pbkdf2.salt()
    configured_params = {
        name: getattr(configured, name)
        for name in ("time_cost", "memory_cost", "parallelism", "iterations")
        if hasattr(configured, name)
    }
    return {
        "configured": f"{type(configured).__module__}.{type(configured).__name__}",
        "configured_params": configured_params,
        "configured_ms": 1000 * _median_seconds(lambda: make_password(password), runs),
        "configured_verify_ms": 1000 * _median_seconds(lambda: configured.verify(password, encoded), runs),
        "pbkdf2_iterations": pbkdf2.iterations,
        "pbkdf2_ms": 1000 * _median_seconds(lambda: pbkdf2.encode(password, salt), 1),
    }


def costs(args) -> None:
    """Database queries and in-process time (Django test client, no HTTP) per target."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lms.accounts.models import User

    student = User.objects.get(email=STUDENT_EMAIL)
    rows = []
    for spec in args.targets:
        name, signed_in, path = spec.split("|", 2)
        client = Client(SERVER_NAME="127.0.0.1")
        if signed_in == "1":
            client.force_login(student, backend="lms.accounts.backends.CachedModelBackend")
        first = client.get(path)  # fills whatever caches the page uses
        with CaptureQueriesContext(connection) as queries:
            again = client.get(path)
        # Read them now: the next request empties the connection's query log.
        captured = [query["sql"] for query in queries.captured_queries]
        durations = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(path)
            durations.append(time.perf_counter() - started)
        rows.append(
            {
                "name": name,
                "status": [first.status_code, again.status_code],
                "queries": len(captured),
                "sql": [sql[:160] for sql in captured] if args.sql else [],
                "median_ms": 1000 * statistics.median(durations),
                "page_cache": again.headers.get("X-Page-Cache", "-"),
            }
        )
    _result({"targets": rows, "hashes": _hash_timings(5) if args.hashes else None})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    jobs = parser.add_subparsers(dest="job", required=True)
    seed_parser = jobs.add_parser("seed")
    seed_parser.add_argument("--courses", type=int, default=60, help="live courses wanted in the catalogue")
    seed_parser.add_argument("--users", type=int, default=20, help="distinct users for the sign-in test")
    hashes_parser = jobs.add_parser("hashes")
    hashes_parser.add_argument("--runs", type=int, default=5)
    costs_parser = jobs.add_parser("costs")
    costs_parser.add_argument("targets", nargs="+", help="name|signed_in(0/1)|path")
    costs_parser.add_argument("--runs", type=int, default=15)
    costs_parser.add_argument("--hashes", action="store_true", help="time the password hashers too")
    costs_parser.add_argument("--sql", action="store_true", help="include the first 160 characters of each query")
    args = parser.parse_args()
    _setup()
    {"seed": seed, "hashes": hashes, "costs": costs}[args.job](args)


if __name__ == "__main__":
    main()
