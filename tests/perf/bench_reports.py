"""`make bench`, reports: every report and export timed on a large data set in PostgreSQL.

What it does:

1. Makes sure the database ``lms_bench_reports`` holds the data set of
   ``tests/perf/reports_data.py``: 100,000 students, 300,000 enrolments,
   3,000,000 answered questions and 100,000 certificates. The first run
   generates it (about four minutes), and later runs migrate it and reuse it.
   ``--fresh`` makes it again.
2. In one Django process with production settings (no DEBUG), it signs in
   through the test client as an unscoped program manager and as one limited to
   a few countries and programs. For each screen it times the first request and
   the median of ``--runs`` more: the dashboard (the default 12 months, and the
   whole history), completion by country and program, a running cohort's
   roster, students at risk, the analysis of the busiest assessment, and the
   students behind the largest funnel figures. It also counts each screen's
   queries.
3. It times the exports as CSV and XLSX, for the whole history's students
   (the largest file, about 270,000 rows) and for one cohort's roster. It reads
   each file to the end, as a browser would, and records the peak memory Python
   allocated while it did (tracemalloc, in a separate run from the timing).
   Flat means the largest file takes about as much memory as the smallest.

Goals (from the issue): the dashboard and each report answer in under 500 ms
at this size; exports stream with memory flat with size; the number of queries
does not grow with the data (that part is tested in
``tests/reports/test_queries.py``). A MISS is a finding, not a failure. The
script exits non-zero only when a screen does not answer 200 or an export is
empty.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PERF_DIR = Path(__file__).resolve().parent
BASE_DIR = PERF_DIR.parents[1]
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(PERF_DIR))

from run import HOST, bench_environment  # noqa: E402

DATABASE = "lms_bench_reports"
SERVER_URL = os.environ.get("BENCH_REPORTS_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REPORTS_REDIS_URL", "redis://127.0.0.1:6379/7")
GOAL_MS = 500.0
PREFIX = "/admin/learning-reports/"


def log(message: str) -> None:
    print(message, flush=True)


def data_set_ready(fresh: bool) -> None:
    """Generate the data set, or migrate the one there (reports_data.py fills it only when empty)."""
    command = [sys.executable, str(PERF_DIR / "reports_data.py"), "--database", DATABASE]
    if fresh:
        command.append("--fresh")
    env = dict(os.environ, DATABASE_URL=SERVER_URL)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0 and "already holds enrolments" in completed.stdout + completed.stderr:
        log("  the data set is there (migrated); --fresh makes it again")
        return
    if completed.returncode != 0:
        sys.exit(f"the data set could not be made:\n{(completed.stdout + completed.stderr)[-3000:]}")
    log(f"  data set ready in {time.perf_counter() - started:.0f} s")


def django_ready(workdir: Path) -> None:
    media = workdir / "media"
    media.mkdir()
    env = bench_environment(media)
    server = SERVER_URL.rsplit("/", 1)[0]
    env.update(DATABASE_URL=f"{server}/{DATABASE}", REDIS_URL=REDIS_URL, CELERY_BROKER_URL=REDIS_URL)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # production settings serve from the manifest


def sample_ids() -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from assessments.api import Attempt
    from courses.api import Cohort
    from lms.accounts.api import ManagerScope, Role, User

    managers = User.objects.filter(groups__name=Role.PROGRAM_MANAGER.value).order_by("pk")
    scoped = ManagerScope.objects.values_list("user_id", flat=True)
    unscoped = managers.exclude(pk__in=scoped).first()
    limited = managers.filter(pk__in=scoped).first()
    today = timezone.localdate()
    running = (
        Cohort.objects.filter(starts_on__lte=today, ends_on__gte=today)
        .annotate(n=Count("enrolments"))
        .order_by("-n")
        .first()
    )
    busiest = (
        Attempt.objects.values("assessment_id").annotate(n=Count("pk")).order_by("-n").values_list("assessment_id")[:1]
    )
    return {
        "unscoped": unscoped,
        "scoped": limited,
        "cohort": running.pk if running else None,
        "assessment": busiest[0][0] if busiest else None,
    }


def client_for(user):
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


def consume(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def timed(client, url: str, runs: int) -> tuple[float, float, int, int]:
    """First request (ms), median of the next ``runs`` (ms), queries, status."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    status = queries = 0
    for run in range(runs + 1):
        if run == 1:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
                consume(response)
            queries = len(captured)
            times.append(None)
            continue
        started = time.perf_counter()
        response = client.get(url)
        consume(response)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    warm = [value for value in times[1:] if value is not None]
    return times[0], statistics.median(warm) if warm else times[0], queries, status


def export_memory(client, url: str) -> tuple[int, int]:
    """Bytes of the file and the peak memory Python allocated while it was made and read."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    response = client.get(url)
    size = consume(response)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="generate the data set again")
    parser.add_argument("--runs", type=int, default=5, help="timed runs after the first (default 5)")
    args = parser.parse_args()

    log("Reports benchmark")
    data_set_ready(args.fresh)
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as workdir:
        django_ready(Path(workdir))
        from django.core.cache import cache

        cache.clear()
        ids = sample_ids()
        screens = [
            ("dashboard, last 12 months", ""),
            ("dashboard, whole history", "?start=2015-01-01"),
            ("completion by country and program", "completion/"),
            ("cohort roster (running cohort)", f"roster/?cohort={ids['cohort']}"),
            ("students at risk", "at_risk/"),
            ("assessment analysis (busiest)", f"assessment/?assessment={ids['assessment']}"),
            ("students: enrolled, 12 months", "students/?stage=enrolled"),
            ("students: certified, whole history", "students/?stage=certified&start=2015-01-01"),
        ]
        failures = 0
        for who in ("unscoped", "scoped"):
            user = ids[who]
            if user is None:
                continue
            client = client_for(user)
            log(f"\n  as a {who} program manager ({user.email})")
            log(f"  {'screen':<40} {'first':>8} {'median':>8} {'queries':>8}  goal < {GOAL_MS:.0f} ms")
            for title, path in screens:
                first, median, queries, status = timed(client, PREFIX + path, args.runs)
                verdict = "ok" if median < GOAL_MS else "MISS"
                if status != 200:
                    verdict, failures = f"HTTP {status}", failures + 1
                log(f"  {title:<40} {first:8.0f} {median:8.0f} {queries:8d}  {verdict}")

        client = client_for(ids["unscoped"])
        exports = [
            ("students, whole history", "students/export/{fmt}/?stage=enrolled&start=2015-01-01"),
            ("cohort roster", f"roster/export/{{fmt}}/?cohort={ids['cohort']}"),
            ("completion by country and program", "completion/export/{fmt}/?start=2015-01-01"),
        ]
        log(f"\n  {'export':<40} {'format':>6} {'time':>8} {'size':>10} {'peak memory':>12}")
        peaks = {}
        for title, path in exports:
            for fmt in ("csv", "xlsx"):
                url = PREFIX + path.format(fmt=fmt)
                started = time.perf_counter()
                response = client.get(url)
                size = consume(response)
                elapsed = time.perf_counter() - started
                if response.status_code != 200 or not size:
                    failures += 1
                _size, peak = export_memory(client, url)
                peaks[(title, fmt)] = peak
                log(f"  {title:<40} {fmt:>6} {elapsed:7.1f}s {size / 1024:8.0f}KB {peak / 1024 / 1024:10.1f}MB")
        for fmt in ("csv", "xlsx"):
            big, small = peaks[("students, whole history", fmt)], peaks[("cohort roster", fmt)]
            flat = big < max(3 * small, 16 * 1024 * 1024)
            log(
                f"  {fmt.upper()} memory, largest file against one cohort: {big / 1024 / 1024:.1f} MB against "
                f"{small / 1024 / 1024:.1f} MB: {'flat' if flat else 'GROWS'}"
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
