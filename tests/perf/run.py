"""`make bench`: throughput and latency of the LMS under production settings on this machine.

What it does, end to end (about 2-3 minutes, never more than BUDGET_SECONDS):

1. Recreates the PostgreSQL database ``lms_bench`` and flushes Redis db 5 (never
   the databases the tests use: DATABASE_URL/REDIS_URL from the Makefile are
   ignored; BENCH_DATABASE_URL/BENCH_REDIS_URL override the bench ones).
2. Runs ``migrate``, ``collectstatic`` and ``seed_demo`` with
   ``lms.settings.production``, then adds a bench student, sign-in users and
   extra courses so that the catalogue holds ~60 courses and paginates.
3. Starts gunicorn on a free loopback port (worker model: see SERVER_PRESETS).
4. Measures five pages with wrk (16 connections, 2 threads, a short warm-up,
   then ~8 s each, twice round: each page's better round counts, as bursts of
   other work on the machine can halve any one measurement), anonymous and
   signed in with a real session cookie; the
   signed-in pages again with 2 connections (latency with little queueing).
5. Measures full sign-ins per second (GET the form, POST the credentials) from
   several client threads, and times one password hash for reference.
6. Counts the SQL queries and in-process time of one request to each page.

How to read the output:

* ``req/s`` is throughput over the measured window; ``p50/p95/p99`` are latency
  percentiles in milliseconds as wrk saw them; ``vs minimal`` is the page's
  req/s divided by that of ``/health/live/``, the yardstick that runs the whole
  middleware stack and nothing else (measured first and last; the mean counts). wrk runs on the same two cores as the
  server, so absolute numbers are modest; the ratios are what the goals use.
  Other work on the machine skews everything: the load average is printed.
* wrk keeps 16 requests in flight, so mean latency = 16 / req/s (Little's law):
  a page's p95 can only be under 50 ms when it serves more than 320 req/s.
  The light-load lines show the latency of a page when little is queued.
* ``queries`` and ``in-proc ms`` come from one process calling the page through
  Django's test client (no HTTP): the cost of the page itself.
* Each goal gets a ``PASS`` or ``MISS`` line. A MISS is a finding, not a
  failure: the script exits 0 unless something broke (a page not answering 200,
  a signed-in page not signed in, a failed sign-in, HTTP errors under load).

Options: ``--server`` chooses a gunicorn preset, ``--duration`` the seconds per
target, ``--skip-setup`` reuses the bench database from a previous run.
"""

import argparse
import dataclasses
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import string
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
VENV_BIN = VENV_PYTHON.parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA_SCRIPT = PERF_DIR / "report.lua"
JOBS = PERF_DIR / "django_jobs.py"

sys.path.insert(0, str(PERF_DIR))
from browser import Browser, SignInError  # noqa: E402

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_bench")
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
HOST = "127.0.0.1"
BUDGET_SECONDS = 295  # the whole run, set-up included, stays under five minutes

# Gunicorn worker models tried on this 2-core machine, interleaved, 6 s per page
# (req/s; the machine was shared, load average 2-7, so only large gaps count):
#
#   preset       runs   minimal   catalogue (anonymous)   module (signed in)
#   gthread2x4   4      197-467   324-513                 10-14
#   gthread4x2   2      367-459   378-420                  8-12
#   gthread3x4   1          347       684                     10
#   sync4        4      184-313   272-370                  5-22
#   sync5        2      303-525   259-355                  6-12
#
# Sync workers close the connection after every response (no keep-alive), so
# each of wrk's requests pays a new TCP connection and waits in the backlog;
# gthread keeps connections alive and lets a worker's other threads run while
# one waits on Redis or PostgreSQL. sync4 was the slowest on the cheap pages
# in every round; the gthread presets were within the noise of each other on
# those early pages. Once pages were cached, two full runs each (best of two
# rounds, signed-in course/module): gthread2x4 gave 12-49% / 11-27% of minimal
# with p95 70-135 ms, gthread4x2 28-31% / 29-33% with p95 69-84 ms, steadier:
# four processes with two threads each is the default.
SERVER_PRESETS = {
    "sync4": {"worker_class": "sync", "workers": 4, "threads": 1},
    "sync5": {"worker_class": "sync", "workers": 5, "threads": 1},
    "gthread2x4": {"worker_class": "gthread", "workers": 2, "threads": 4},
    "gthread3x4": {"worker_class": "gthread", "workers": 3, "threads": 4},
    "gthread4x2": {"worker_class": "gthread", "workers": 4, "threads": 2},
}
DEFAULT_SERVER = "gthread4x2"

WRK_CONNECTIONS = 16
WRK_THREADS = 2
# Signed-in pages are measured again with two connections: their latency with
# little queueing, close to the time one request takes to serve.
LIGHT_CONNECTIONS = 2
LIGHT_SECONDS = 5
MODULE_PATH = "/catalogue/civilian-control/why-civilian-control-matters/"
COURSE_PATH = "/catalogue/civilian-control/"
CATALOGUE_COURSES = 60
SIGN_IN_USERS = 20

ANONYMOUS_GOAL = 0.50  # share of minimal's req/s
SIGNED_IN_GOAL = 0.20  # share of minimal's req/s
SIGNED_IN_P95_MS = 50.0
SIGN_INS_PER_SECOND_GOAL = 20.0


class BenchError(Exception):
    """Something broke: the figures would be meaningless."""


class BudgetExceeded(BenchError):
    pass


@dataclasses.dataclass(frozen=True)
class Target:
    name: str
    path: str
    signed_in: bool
    kind: str  # "yardstick", "anonymous" or "signed in"


MINIMAL_AGAIN = "minimal, again"
TARGETS = [
    Target("minimal /health/live/", "/health/live/", False, "yardstick"),
    Target("catalogue, anonymous", "/catalogue/", False, "anonymous"),
    Target("module, anonymous", MODULE_PATH, False, "anonymous"),
    Target("course, signed in", COURSE_PATH, True, "signed in"),
    Target("module, signed in", MODULE_PATH, True, "signed in"),
]


@dataclasses.dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: dict

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# Environment and services -------------------------------------------------


def log(message: str) -> None:
    print(message, flush=True)


def busy_note() -> str:
    """The 1-minute load average, with a warning when other work competes for the cores."""
    load = os.getloadavg()[0]
    note = f"load average {load:.1f} on {os.cpu_count()} CPUs"
    if load > 0.5:
        note += " - other processes are busy: expect lower, noisier figures"
    return note


def secret_key() -> str:
    # No "$": django-environ would read a leading one as a reference to another variable.
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def bench_environment(media_root: Path) -> dict:
    """The environment for every Django process: production settings on plain-http loopback."""
    env = dict(os.environ)
    for name in ("DJANGO_SETTINGS_MODULE", "CELERY_RESULT_BACKEND", "CSRF_TRUSTED_ORIGINS", "DEBUG"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS=f"{HOST},localhost",
        DATABASE_URL=BENCH_DATABASE_URL,
        REDIS_URL=BENCH_REDIS_URL,
        CELERY_BROKER_URL=BENCH_REDIS_URL,  # no worker runs: tasks published during seeding just wait
        # Plain http on loopback: no redirect to https. Cookies stay Secure and
        # __Host- named; tests/perf/browser.py sends them back explicitly.
        SECURE_SSL_REDIRECT="False",
        SECURE_HSTS_SECONDS="0",
        STAFF_REQUIRE_2FA="False",
        MEDIA_ROOT=str(media_root),
        PRIVATE_MEDIA_ROOT=str(media_root.parent / "private-media"),
        # One throw-away signing key for every process of the bench, made by the first that needs it.
        CERTIFICATE_SIGNING_KEY_FILE=str(media_root.parent / "certificate-key.pem"),
        CERTIFICATE_SIGNING_KEY_CREATE_MISSING="True",
        BASE_URL=f"http://{HOST}",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def server_connect(url: str):
    """An autocommit connection to the server of ``url`` (its maintenance database), to create or drop one."""
    import psycopg

    parsed = urllib.parse.urlparse(url)
    return psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
    )


def database_recreate(url: str) -> None:
    from psycopg import sql

    name = urllib.parse.urlparse(url).path.lstrip("/")
    if not name.endswith("_bench"):
        raise BenchError(f"refusing to drop {name!r}: the bench database's name must end in _bench")
    with server_connect(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=5).flushdb()


def run_step(title: str, command: list[str], env: dict, timeout: float) -> str:
    """Run one set-up command; on failure show the end of its output and stop."""
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{title}: still running after {timeout:.0f} s") from exc
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise BenchError(f"{title} failed (exit {completed.returncode}):\n{output[-3000:]}")
    log(f"  {title:<42} {time.perf_counter() - started:6.1f} s")
    return completed.stdout


def job_result(stdout: str) -> dict:
    for line in reversed(stdout.splitlines()):
        if line.startswith("JOB_RESULT "):
            return json.loads(line.removeprefix("JOB_RESULT "))
    raise BenchError(f"no JOB_RESULT line in:\n{stdout[-2000:]}")


def set_up_data(env: dict, skip_setup: bool) -> dict:
    manage = [str(VENV_PYTHON), "manage.py"]
    if not skip_setup:
        database_recreate(BENCH_DATABASE_URL)
        log(f"  {'recreated database':<42} {urllib.parse.urlparse(BENCH_DATABASE_URL).path.lstrip('/')}")
        run_step("manage.py migrate", [*manage, "migrate", "--noinput"], env, timeout=120)
        run_step("manage.py collectstatic", [*manage, "collectstatic", "--noinput", "-v0"], env, timeout=120)
        run_step("manage.py seed_demo", [*manage, "seed_demo"], env, timeout=90)
    seeded = job_result(
        run_step(
            "bench users and extra courses",
            [str(VENV_PYTHON), str(JOBS), "seed", "--courses", str(CATALOGUE_COURSES), "--users", str(SIGN_IN_USERS)],
            env,
            timeout=90,
        )
    )
    log(f"  catalogue: {seeded['courses']} live courses, {seeded['modules']} modules")
    return seeded


# Gunicorn -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """Gunicorn serving lms.wsgi:application on a free loopback port."""

    def __init__(self, preset: dict, env: dict, log_path: Path):
        self.preset = preset
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def command(self) -> list[str]:
        return [
            str(VENV_BIN / "gunicorn"),
            "lms.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--worker-class",
            self.preset["worker_class"],
            "--workers",
            str(self.preset["workers"]),
            "--threads",
            str(self.preset["threads"]),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
            "--no-control-socket",
            # No --access-logfile: access logging stays off.
        ]

    def start(self, timeout: float = 45) -> None:
        self._log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command(),
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C reaches us, and we stop it cleanly
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                browser = Browser(HOST, self.port, timeout=2)
                if browser.get("/health/live/").status == 200:
                    browser.close()
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError(f"gunicorn did not answer /health/live/ within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        # No budget alarm or SIGTERM may interrupt the shutdown half-way; they are delivered after it.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM})
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=5)
            self._log_file.close()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def log_tail(self, size: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-size:]
        except OSError:
            return ""


# Measuring ----------------------------------------------------------------


def parse_wrk(output: str) -> WrkResult:
    for line in output.splitlines():
        if line.startswith("WRK_RESULT "):
            fields = dict(item.split("=", 1) for item in line.split()[1:])
            values = {name: int(value) for name, value in fields.items()}
            return WrkResult(
                requests=values["requests"],
                seconds=values["duration_us"] / 1e6,
                p50_ms=values["p50_us"] / 1000,
                p95_ms=values["p95_us"] / 1000,
                p99_ms=values["p99_us"] / 1000,
                max_ms=values["max_us"] / 1000,
                errors={name[4:]: value for name, value in values.items() if name.startswith("err_")},
            )
    raise BenchError(f"no WRK_RESULT line in wrk's output:\n{output[-2000:]}")


def wrk(
    url: str, seconds: float, cookie: str | None, connections: int = WRK_CONNECTIONS, threads: int = WRK_THREADS
) -> WrkResult:
    command = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA_SCRIPT),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=False)
    if completed.returncode != 0:
        raise BenchError(f"wrk failed (exit {completed.returncode}): {completed.stderr[-1000:]}")
    return parse_wrk(completed.stdout)


def verify(server: Server, target: Target, cookies: dict[str, str]) -> str:
    """Fail unless the page answers 200 and is (or is not) signed in; return the page cache state."""
    browser = Browser(HOST, server.port)
    try:
        for _ in range(2):  # the second answer shows whether the anonymous page cache serves it
            browser.cookies = dict(cookies) if target.signed_in else {}
            response = browser.get(target.path)
    finally:
        browser.close()
    if response.status != 200:
        raise BenchError(f"{target.name}: GET {target.path} answered {response.status}")
    signed_in = "Sign out" in response.text
    if target.kind == "yardstick":
        if response.body != b"ok":
            raise BenchError(f"{target.name}: unexpected body {response.body[:80]!r}")
    elif signed_in != target.signed_in:
        state = "signed in" if signed_in else "anonymous"
        raise BenchError(f"{target.name}: the page was rendered {state}")
    # The bench student is enrolled (django_jobs.seed): signed in, the module text must be there.
    locked = "This module is for enrolled students" in response.text
    if target.path == MODULE_PATH and locked == target.signed_in:
        raise BenchError(f"{target.name}: module text {'missing' if locked else 'shown to an anonymous visitor'}")
    if target.path == "/catalogue/" and "page=2" not in response.text:
        raise BenchError("the catalogue does not paginate: fewer courses than expected?")
    return response.headers.get("X-Page-Cache", "-")


def measure_pages(
    server: Server, cookies: dict[str, str], seconds: float, warmup: float, rounds: int
) -> dict[str, WrkResult]:
    """Each target in turn, ``rounds`` times over; the best round of each target counts.

    Other work on this shared machine comes and goes in bursts that halve any
    one measurement; going round the targets more than once and keeping each
    one's best round measures the pages rather than the bursts.
    """
    results = {}
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    for round_number in range(1, rounds + 1):
        log(f"  round {round_number} of {rounds}")
        for target in TARGETS:
            target_cookie = cookie if target.signed_in else None
            cache_state = verify(server, target, cookies)
            wrk(server.url + target.path, warmup, target_cookie)
            result = wrk(server.url + target.path, seconds, target_cookie)
            log(
                f"  {target.name:<24} {result.rps:8.1f} req/s  p95 {result.p95_ms:6.1f} ms"
                f"  (page cache: {cache_state}, {result.requests} requests)"
            )
            if result.errors["status"]:
                raise BenchError(f"{target.name}: {result.errors['status']} responses were not 2xx/3xx under load")
            if target.name not in results or result.rps > results[target.name].rps:
                results[target.name] = result
    # The yardstick again at the end: the pages are compared with the mean of
    # its best round and this last measurement.
    results[MINIMAL_AGAIN] = wrk(server.url + TARGETS[0].path, seconds, None)
    log(f"  {MINIMAL_AGAIN:<24} {results[MINIMAL_AGAIN].rps:8.1f} req/s  p95 {results[MINIMAL_AGAIN].p95_ms:6.1f} ms")
    return results


def yardstick(results: dict[str, WrkResult]) -> float:
    """Minimal's req/s: the mean of its first and last measurement."""
    return (results[TARGETS[0].name].rps + results[MINIMAL_AGAIN].rps) / 2


def measure_light_load(server: Server, cookies: dict[str, str]) -> dict[str, WrkResult]:
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    results = {}
    for target in TARGETS:
        if target.signed_in:
            results[target.name] = wrk(server.url + target.path, LIGHT_SECONDS, cookie, LIGHT_CONNECTIONS, 1)
    return results


def measure_sign_ins(server: Server, emails: list[str], password: str, seconds: float, threads: int) -> dict:
    """Full sign-ins (GET the form, POST the credentials) from ``threads`` clients for ``seconds``."""
    durations: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        browser = Browser(HOST, server.port)
        number = index
        try:
            while time.monotonic() < deadline:
                email = emails[number % len(emails)]
                number += threads
                browser.cookies.clear()  # each sign-in is a new visitor
                started = time.perf_counter()
                try:
                    browser.sign_in(email, password)
                except (SignInError, OSError) as exc:
                    with lock:
                        failures.append(str(exc))
                    continue
                with lock:
                    durations.append(time.perf_counter() - started)
        finally:
            browser.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - started
    durations.sort()
    return {
        "sign_ins": len(durations),
        "failures": failures,
        "seconds": elapsed,
        "per_second": len(durations) / elapsed,
        "p50_ms": 1000 * statistics.median(durations) if durations else 0.0,
        "p95_ms": 1000 * durations[int(0.95 * (len(durations) - 1))] if durations else 0.0,
        "threads": threads,
        "users": len(emails),
    }


# Report -------------------------------------------------------------------


def print_table(results: dict[str, WrkResult], costs: dict[str, dict]) -> None:
    minimal = yardstick(results)
    log("")
    header = (
        f"{'target':<24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'vs minimal':>11}"
        f" {'queries':>8} {'in-proc ms':>11}"
    )
    log(header)
    log("-" * len(header))
    for name in [target.name for target in TARGETS] + [MINIMAL_AGAIN]:
        result = results[name]
        cost = costs.get(name, {})
        queries = cost.get("queries", "-")
        in_process = f"{cost['median_ms']:.1f}" if "median_ms" in cost else "-"
        log(
            f"{name:<24} {result.rps:8.1f} {result.p50_ms:8.1f} {result.p95_ms:8.1f} {result.p99_ms:8.1f}"
            f" {result.rps / minimal:10.0%} {queries:>8} {in_process:>11}"
        )
    socket_errors = {
        name: {kind: count for kind, count in result.errors.items() if count}
        for name, result in results.items()
        if any(result.errors.values())
    }
    if socket_errors:
        log(f"wrk socket errors (not failures): {socket_errors}")
    log(f"vs minimal: req/s over {minimal:.1f}, the mean of the two minimal runs.")
    log(
        "queries and in-proc ms: one request through the Django test client in one process, no HTTP"
        " (median of 15), after the caches are warm."
    )


def print_light_load(light: dict[str, WrkResult]) -> None:
    log(f"\nSigned-in pages at light load (wrk -t1 -c{LIGHT_CONNECTIONS}, {LIGHT_SECONDS} s):")
    for name, result in light.items():
        log(
            f"{name:<24} {result.rps:8.1f} req/s  p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms"
            f"  p99 {result.p99_ms:6.1f} ms"
        )
    log(
        f"(With {WRK_CONNECTIONS} connections in a closed loop, mean latency = {WRK_CONNECTIONS} / req/s: a p95 under"
        f" {SIGNED_IN_P95_MS:.0f} ms needs more than {WRK_CONNECTIONS / (SIGNED_IN_P95_MS / 1000):.0f} req/s.)"
    )


def goal_lines(results: dict[str, WrkResult], sign_ins: dict) -> list[tuple[bool, str]]:
    minimal = yardstick(results)
    lines = []
    for target in TARGETS[1:]:
        result = results[target.name]
        ratio = result.rps / minimal
        if target.kind == "anonymous":
            met = ratio >= ANONYMOUS_GOAL
            lines.append((met, f"{target.name}: {ratio:.0%} of minimal's req/s (goal >= {ANONYMOUS_GOAL:.0%})"))
        else:
            met = ratio >= SIGNED_IN_GOAL and result.p95_ms < SIGNED_IN_P95_MS
            lines.append(
                (
                    met,
                    f"{target.name}: {ratio:.0%} of minimal's req/s (goal >= {SIGNED_IN_GOAL:.0%}),"
                    f" p95 {result.p95_ms:.1f} ms (goal < {SIGNED_IN_P95_MS:.0f} ms)",
                )
            )
    rate = sign_ins["per_second"]
    lines.append(
        (rate >= SIGN_INS_PER_SECOND_GOAL, f"sign-ins: {rate:.1f}/s (goal >= {SIGN_INS_PER_SECOND_GOAL:.0f}/s)")
    )
    return lines


# Main ---------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", choices=sorted(SERVER_PRESETS), default=DEFAULT_SERVER, help="gunicorn preset")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds measured per target and round")
    parser.add_argument("--rounds", type=int, default=2, help="times round the targets; each one's best round counts")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per target")
    parser.add_argument("--sign-in-threads", type=int, default=6, help="concurrent clients signing in")
    parser.add_argument("--skip-setup", action="store_true", help="reuse lms_bench as a previous run left it")
    return parser.parse_args()


def on_alarm(signum, frame):
    raise BudgetExceeded(f"the benchmark ran over its budget of {BUDGET_SECONDS} s")


def on_terminate(signum, frame):
    raise BenchError("terminated (SIGTERM)")


def measure(args: argparse.Namespace, env: dict, password: str, workdir: Path) -> dict:
    """Set up, serve, measure; gunicorn is stopped whatever happens."""
    redis_flush(BENCH_REDIS_URL)
    seeded = set_up_data(env, args.skip_setup)
    preset = SERVER_PRESETS[args.server]
    server = Server(preset, env, workdir / "gunicorn.log")
    log(
        f"\nServer: gunicorn {preset['worker_class']}, {preset['workers']} workers x {preset['threads']} threads"
        f" ({args.server}) on {server.url}; {busy_note()}"
    )
    try:
        server.start()
        browser = Browser(HOST, server.port)
        browser.sign_in(seeded["student"], password)
        browser.close()
        cookies = dict(browser.cookies)
        log(f"  signed in as {seeded['student']} (cookies: {', '.join(cookies)})")

        wrk_shape = f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS}"
        log(
            f"\nPages ({wrk_shape}): warm-up {args.warmup:.0f} s, then {args.duration:.0f} s each,"
            f" {args.rounds} rounds (best round counts)"
        )
        pages = measure_pages(server, cookies, args.duration, args.warmup, args.rounds)
        light = measure_light_load(server, cookies)

        users = seeded["sign_in_users"]
        log(f"\nSign-ins: {args.sign_in_threads} client threads, {len(users)} users, {args.duration:.0f} s")
        sign_ins = measure_sign_ins(server, users, password, args.duration, args.sign_in_threads)
    except (BenchError, SignInError) as exc:
        raise BenchError(f"{exc}\n--- gunicorn log (end) ---\n{server.log_tail()}") from exc
    finally:
        server.stop()

    log("\nIn one process, without HTTP")
    specs = [f"{t.name}|{int(t.signed_in)}|{t.path}" for t in TARGETS]
    command = [str(VENV_PYTHON), str(JOBS), "costs", *specs, "--hashes"]
    report = job_result(run_step("queries, in-process time, hash timing", command, env, 60))
    costs = {row["name"]: row for row in report["targets"]}
    return {"pages": pages, "light": light, "sign_ins": sign_ins, "costs": costs, "hashes": report["hashes"]}


def print_report(outcome: dict) -> None:
    print_table(outcome["pages"], outcome["costs"])
    print_light_load(outcome["light"])
    sign_ins, hashes = outcome["sign_ins"], outcome["hashes"]
    log(
        f"\nsign-ins: {sign_ins['sign_ins']} in {sign_ins['seconds']:.1f} s = {sign_ins['per_second']:.1f}/s"
        f" ({sign_ins['threads']} threads, {sign_ins['users']} users), p50 {sign_ins['p50_ms']:.0f} ms,"
        f" p95 {sign_ins['p95_ms']:.0f} ms, failures {len(sign_ins['failures'])}"
    )
    params = ", ".join(f"{name}={value}" for name, value in hashes["configured_params"].items())
    log(
        f"one password hash: {hashes['configured_ms']:.1f} ms with {hashes['configured'].rsplit('.', 1)[-1]}"
        f" ({params}; verify {hashes['configured_verify_ms']:.1f} ms)"
        f" vs {hashes['pbkdf2_ms']:.1f} ms with Django's default PBKDF2 ({hashes['pbkdf2_iterations']} iterations)"
    )
    log("\nGoals")
    for met, text in goal_lines(outcome["pages"], sign_ins):
        log(f"  {'PASS' if met else 'MISS'}  {text}")


def main() -> int:
    if not Path(WRK).exists():
        log("wrk is missing: apt-get install wrk")
        return 1
    if Path(sys.prefix).resolve() != VENV_PYTHON.parents[1].resolve() and VENV_PYTHON.exists():
        # psycopg and redis come from the project's venv: run again with its Python.
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])  # noqa: S606
    args = parse_args()
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    password = secrets.token_urlsafe(16)
    env = bench_environment(workdir / "media") | {"BENCH_PASSWORD": password}
    log(f"Set-up (database {BENCH_DATABASE_URL}, Redis {BENCH_REDIS_URL}, lms.settings.production)")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_terminate)  # so that gunicorn is stopped too
    signal.alarm(BUDGET_SECONDS)
    try:
        outcome = measure(args, env, password, workdir)
    except BenchError as exc:
        log(f"\nBENCHMARK BROKEN: {exc}")
        return 1
    finally:
        signal.alarm(0)
        shutil.rmtree(workdir, ignore_errors=True)
    print_report(outcome)
    log(f"\nTotal time {time.monotonic() - started:.0f} s")
    failures = outcome["sign_ins"]["failures"]
    if failures:
        log(f"\nBENCHMARK BROKEN: {len(failures)} sign-ins failed, e.g. {failures[0]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
