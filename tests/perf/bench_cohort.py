"""`make bench`, certificates: a cohort of 1,000 certificates end to end through two Celery worker processes.

What it does (about a minute, never more than BUDGET_SECONDS):

1. Recreates the PostgreSQL database ``lms_certificates_bench`` and flushes Redis
   db 8 (never the databases the tests or the other benches use;
   BENCH_CERT_DATABASE_URL/BENCH_CERT_REDIS_URL override them), runs ``migrate``
   with ``lms.settings.production`` and creates the platform's signing key.
2. In one Django process: a course, a cohort and 1,000 students who completed it
   and confirmed their names (in a dozen scripts: Latin with diacritics, Arabic,
   Cyrillic, Greek, Hebrew, Chinese, Japanese, Korean, Thai, Devanagari...), with
   no certificate yet.
3. Starts one ``celery worker`` with two worker processes (prefork,
   ``--concurrency 2``, each recycled after ``--max-tasks-per-child`` tasks so
   WeasyPrint's memory stays flat) on Redis, as production runs them.
4. Times the program manager's "issue for the whole cohort"
   (``cohort_certificates_issue``: 1,000 rows, audit entries, 1,000 tasks queued)
   and then the workers until every certificate is issued: rendered with
   WeasyPrint, its Open Badges credential signed and attached, the PDF signed
   (PAdES), stored with its SHA-256. The ready emails go through the same
   workers (to the console backend).
5. Prints the time, certificates per second, the PDF sizes, the workers' peak
   memory (VmHWM of each worker process) and their resident memory as the
   cohort went (flat or growing), and, measured in the same run in one process,
   a plain ``weasyprint.HTML(string=...).write_pdf()`` of the same certificate
   against the platform's renderer (render only, warm, per certificate).

Goals: 1,000 certificates in under 30 s; the renderer at least as fast as the
plain baseline; under 100 KB a certificate; memory flat. A MISS is a finding;
the script exits non-zero only when something broke (a certificate missing,
issued twice, or not a signed PDF).
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

PERF_DIR = Path(__file__).resolve().parent
BASE_DIR = PERF_DIR.parents[1]
VENV_PYTHON = BASE_DIR / ".venv" / "bin" / "python"

BENCH_CERT_DATABASE_URL = os.environ.get(
    "BENCH_CERT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_certificates_bench"
)
BENCH_CERT_REDIS_URL = os.environ.get("BENCH_CERT_REDIS_URL", "redis://127.0.0.1:6379/8")
BUDGET_SECONDS = 360
COHORT = 1000
WORKER_PROCESSES = 2
MAX_TASKS_PER_CHILD = 250
SECONDS_GOAL = 30.0
SIZE_GOAL = 100 * 1024
BASELINE_RENDERS = 30

# Names in the scripts the platform prints, cycled over the cohort: (own script, Latin script).
NAMES = [
    ("Nguyễn Thị Minh Khai", "Nguyen Thi Minh Khai"),
    ("محمد عبد الله الحسيني", "Mohammed Abdullah Al-Husseini"),
    ("Оксана Коваленко", "Oksana Kovalenko"),
    ("Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"),
    ("דוד לוי", "David Levi"),
    ("王小明", "Wang Xiaoming"),
    ("佐藤 花子", "Sato Hanako"),
    ("김민준", "Kim Min-jun"),
    ("สมชาย วงศ์สกุล", "Somchai Wongsakul"),
    ("अर्जुन शर्मा", "Arjun Sharma"),
    ("فاطمه رضایی", "Fatemeh Rezaei"),
    ("Zoë Šťastná-Łukasiewicz", "Zoe Stastna-Lukasiewicz"),
]


class BenchError(Exception):
    """Something broke: the figures would mean nothing."""


def log(message: str) -> None:
    print(message, flush=True)


# The Django side: run in a child process with the bench environment ---------


def _django_setup() -> None:
    import django

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
    django.setup()


def job_seed() -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from certificates.models import HolderName
    from courses.factories import CoursePageFactory, catalogue_get
    from courses.models import Cohort, Enrolment, EnrolmentSource, EnrolmentStatus
    from lms.accounts.models import User

    course = CoursePageFactory(
        parent=catalogue_get(), title="Civil-Military Relations in Democracies", slug="cmr", estimated_hours=20
    )
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        course=course, name="2026 autumn intake", starts_on=today - timezone.timedelta(days=90), ends_on=today
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"cohort.{n:04d}@example.org", first_name=NAMES[n % len(NAMES)][1], password=password)
        for n in range(COHORT)
    )
    now = timezone.now()
    HolderName.objects.bulk_create(
        HolderName(user=user, name=NAMES[n % len(NAMES)][0], name_latin=NAMES[n % len(NAMES)][1], confirmed_at=now)
        for n, user in enumerate(users)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            course=course,
            cohort=cohort,
            status=EnrolmentStatus.COMPLETED,
            source=EnrolmentSource.MANAGER,
            status_changed_at=now,
            activated_at=now,
            completed_at=now,
        )
        for user in users
    )
    return {"cohort": cohort.pk}


def job_issue(cohort_id: int) -> dict:
    from certificates.services import cohort_certificates_issue
    from courses.models import Cohort
    from lms.accounts.models import User

    manager = User.objects.create(email="bench.manager@example.org", first_name="Bench", is_superuser=True)
    started = time.perf_counter()
    counts = cohort_certificates_issue(cohort=Cohort.objects.get(pk=cohort_id), actor=manager)
    return {"counts": counts, "seconds": time.perf_counter() - started}


def job_check() -> dict:
    """What the database and the storage hold: each certificate once, a signed PDF, its size."""
    import hashlib

    from wagtail.models import ModelLogEntry

    from certificates.models import Certificate, CertificateStatus
    from certificates.signing import pdf_verify

    certificates = list(Certificate.objects.order_by("pk"))
    issued = [c for c in certificates if c.status == CertificateStatus.ISSUED]
    storage = issued[0].pdf.storage if issued else None
    stored = storage.listdir("certificates")[1] if storage else []

    def pdf_bytes(certificate) -> bytes:
        with certificate.pdf.open("rb") as handle:
            return handle.read()

    broken = [c.code for c in issued if hashlib.sha256(pdf_bytes(c)).hexdigest() != c.pdf_sha256]
    sample = [c for i, c in enumerate(issued) if i % 100 == 0]
    unverified = [c.code for c in sample if not pdf_verify(pdf_bytes(c)).ok]
    return {
        "certificates": len(certificates),
        "issued": len(issued),
        "codes": len({c.code for c in certificates}),
        "files": len(stored),
        "issue_log_entries": ModelLogEntry.objects.filter(action="certificates.issue").count(),
        "sizes": [c.pdf_size for c in issued],
        "hash_mismatches": broken,
        "sample_verified": len(sample) - len(unverified),
        "sample_unverified": unverified,
        "render_errors": sorted({c.render_error for c in certificates if c.render_error})[:3],
    }


def job_baseline() -> dict:
    """Warm, in one process: plain WeasyPrint on the certificate's HTML against the platform's renderer."""
    import weasyprint

    from certificates import rendering
    from certificates.content import content_sample
    from certificates.models import CertificateTemplate

    template = CertificateTemplate.objects.filter(is_default=True).first()
    content = content_sample()
    html = rendering.certificate_html(template, content, standalone=True)

    def plain():
        return weasyprint.HTML(string=html, base_url=str(BASE_DIR)).write_pdf()

    def ours():
        return rendering.certificate_pdf(template, content)

    results = {}
    for name, render in (("plain", plain), ("platform", ours)):
        render()  # warm: fonts found, stylesheets parsed
        durations = []
        for _ in range(BASELINE_RENDERS):
            started = time.perf_counter()
            pdf = render()
            durations.append(time.perf_counter() - started)
        results[name] = {"ms": statistics.median(durations) * 1000, "bytes": len(pdf)}
    return results


def job(argv: list[str]) -> None:
    _django_setup()
    if argv[0] == "seed":
        result = job_seed()
    elif argv[0] == "issue":
        result = job_issue(int(argv[1]))
    elif argv[0] == "check":
        result = job_check()
    else:
        result = job_baseline()
    print("JOB_RESULT " + json.dumps(result), flush=True)


JOB = [str(VENV_PYTHON), str(Path(__file__).resolve()), "--job"]


# The driver ------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            todo.append(child)
    return found


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemoryWatch(threading.Thread):
    """Samples the worker processes' resident memory; keeps each one's peak (VmHWM) before it goes."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self.samples: list[tuple[float, int]] = []  # (time, largest worker RSS in kB)
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.wait(0.2):
            children = _descendants(self.pid)
            for pid in children:
                self.peaks[pid] = max(self.peaks.get(pid, 0), _status_kb(pid, "VmHWM"))
            rss = [_status_kb(pid, "VmRSS") for pid in children]
            if rss:
                self.samples.append((time.monotonic(), max(rss)))


def issued_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
        return connection.execute("SELECT count(*) FROM certificates_certificate WHERE status = 'issued'").fetchone()[0]


def measure(env: dict, workdir: Path) -> dict:
    from run import job_result, run_step

    seeded = job_result(run_step(f"course, cohort, {COHORT} students done", [*JOB, "seed"], env, 120))
    baseline = job_result(run_step("plain WeasyPrint against ours", [*JOB, "baseline"], env, 120))
    worker_log = open(workdir / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [
            str(VENV_PYTHON),
            "-m",
            "celery",
            "-A",
            "lms",
            "worker",
            "--pool=prefork",
            f"--concurrency={WORKER_PROCESSES}",
            f"--max-tasks-per-child={MAX_TASKS_PER_CHILD}",
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    watch = MemoryWatch(worker.pid)
    outcome = {"baseline": baseline}
    try:
        time.sleep(4)  # the worker connects and forks its processes (not part of the cohort's time)
        if worker.poll() is not None:
            raise BenchError(f"the worker stopped: {(workdir / 'worker.log').read_text()[-2000:]}")
        watch.start()
        started = time.monotonic()
        issued = job_result(run_step("issue for the whole cohort", [*JOB, "issue", str(seeded["cohort"])], env, 120))
        outcome["issue"] = issued
        progress = []
        deadline = started + 150
        count = 0
        while count < COHORT:
            if time.monotonic() > deadline:
                tail = (workdir / "worker.log").read_text()[-3000:]
                raise BenchError(f"only {count} of {COHORT} certificates issued in time; worker log:\n{tail}")
            time.sleep(0.25)
            count = issued_count(env["DATABASE_URL"])
            progress.append((time.monotonic() - started, count))
        outcome["seconds"] = time.monotonic() - started
        outcome["progress"] = progress
    finally:
        watch.stop_event.set()
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        worker_log.close()
    outcome["peaks_kb"] = sorted(watch.peaks.values(), reverse=True)
    outcome["rss"] = watch.samples
    outcome["check"] = job_result(run_step("each certificate once, signed", [*JOB, "check"], env, 120))
    return outcome


def report(outcome: dict) -> bool:
    check, seconds = outcome["check"], outcome["seconds"]
    sizes = check["sizes"]
    whole = (
        check["certificates"] == check["issued"] == check["codes"] == check["files"] == COHORT
        and check["issue_log_entries"] == COHORT
        and not check["hash_mismatches"]
        and not check["sample_unverified"]
    )
    per_second = COHORT / seconds
    plain, ours = outcome["baseline"]["plain"], outcome["baseline"]["platform"]
    rss = outcome["rss"]
    quarters = (
        [rss[min(len(rss) - 1, int(len(rss) * q))][1] // 1024 for q in (0.1, 0.35, 0.6, 0.85, 0.99)] if rss else []
    )
    log(f"\nCertificates: a cohort of {COHORT}, {WORKER_PROCESSES} worker processes (latency in s)")
    log(f"  issue for the cohort (rows, audit, tasks queued)  {outcome['issue']['seconds']:6.2f} s")
    log(f"  all {COHORT} issued (rendered, signed, stored)     {seconds:6.1f} s   {per_second:6.1f} certificates/s")
    log(
        f"  PDF size: min {min(sizes) / 1024:.1f} KB, mean {statistics.mean(sizes) / 1024:.1f} KB,"
        f" max {max(sizes) / 1024:.1f} KB"
    )
    log(f"  worker processes' peak memory (VmHWM): {', '.join(f'{kb // 1024} MB' for kb in outcome['peaks_kb'][:6])}")
    log(f"  largest worker RSS through the run (10%..99%): {' -> '.join(f'{mb} MB' for mb in quarters)}")
    log(
        f"  render only, warm, one process: plain weasyprint.HTML().write_pdf() {plain['ms']:.1f} ms"
        f" ({plain['bytes'] / 1024:.1f} KB), ours {ours['ms']:.1f} ms ({ours['bytes'] / 1024:.1f} KB)"
    )
    log(
        f"  checks: {check['issued']} issued, {check['codes']} codes, {check['files']} files,"
        f" {check['issue_log_entries']} audit entries, {check['sample_verified']} of a sample verified offline"
    )
    if check["render_errors"]:
        log(f"  rendering errors seen (retried): {check['render_errors']}")
    goals = [
        (seconds < SECONDS_GOAL, f"{COHORT} certificates in under {SECONDS_GOAL:.0f} s ({seconds:.1f} s)"),
        (
            ours["ms"] <= plain["ms"],
            f"our renderer at least as fast as plain ({ours['ms']:.1f} vs {plain['ms']:.1f} ms)",
        ),
        (max(sizes) < SIZE_GOAL, f"every PDF under 100 KB (largest {max(sizes) / 1024:.1f} KB)"),
        (not quarters or quarters[-1] <= quarters[0] * 1.5 + 20, "worker memory flat across the cohort"),
    ]
    log("\nGoals")
    for met, text in goals:
        log(f"  {'met ' if met else 'MISS'}  {text}")
    return whole


def main() -> int:
    if Path(sys.prefix).resolve() != VENV_PYTHON.parents[1].resolve() and VENV_PYTHON.exists():
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])  # noqa: S606
    if len(sys.argv) > 1 and sys.argv[1] == "--job":
        job(sys.argv[2:])
        return 0
    sys.path.insert(0, str(PERF_DIR))
    from run import BenchError as SetUpError
    from run import bench_environment, database_recreate, redis_flush, run_step

    def on_alarm(signum, frame):
        raise BenchError(f"the certificates bench ran over its budget of {BUDGET_SECONDS} s")

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-certificates-"))
    env = bench_environment(workdir / "media") | {
        "DATABASE_URL": BENCH_CERT_DATABASE_URL,
        "REDIS_URL": BENCH_CERT_REDIS_URL,
        "CELERY_BROKER_URL": BENCH_CERT_REDIS_URL,
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "CERTIFICATE_SIGNING_KEY_FILE": str(workdir / "key" / "certificate-key.pem"),
        "CERTIFICATE_SIGNING_KEY_CREATE_MISSING": "False",  # as in production: made once, before anything
    }
    name = urllib.parse.urlparse(BENCH_CERT_DATABASE_URL).path.lstrip("/")
    log(f"\nCertificates bench set-up (database {name}, Redis {BENCH_CERT_REDIS_URL}, lms.settings.production)")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(BUDGET_SECONDS)
    try:
        redis_flush(BENCH_CERT_REDIS_URL)
        database_recreate(BENCH_CERT_DATABASE_URL)
        manage = [str(VENV_PYTHON), "manage.py"]
        run_step("manage.py certificate_key create", [*manage, "certificate_key", "create"], env, timeout=60)
        run_step("manage.py migrate", [*manage, "migrate", "--noinput"], env, timeout=180)
        outcome = measure(env, workdir)
    except (BenchError, SetUpError) as exc:
        log(f"\nBENCHMARK BROKEN: {exc}")
        return 1
    finally:
        signal.alarm(0)
        shutil.rmtree(workdir, ignore_errors=True)
        try:
            redis_flush(BENCH_CERT_REDIS_URL)
        except Exception as exc:
            log(f"(could not flush {BENCH_CERT_REDIS_URL}: {exc})")
    whole = report(outcome)
    log(f"\nTotal time {time.monotonic() - started:.0f} s")
    if not whole:
        log("\nBENCHMARK BROKEN: not every certificate was issued exactly once as a signed PDF")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
