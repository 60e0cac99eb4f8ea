"""`make run` without services: SQLite, in-process Celery, the demo loaded with its certificates and its history."""

import os
import sqlite3
import subprocess
import sys

from django.conf import settings


def test_the_demo_loads_on_sqlite_with_in_process_celery(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")
    }
    database = tmp_path / "db.sqlite3"
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        CERTIFICATE_SIGNING_KEY_FILE=str(tmp_path / "key" / "certificate-key.pem"),
    )
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--history"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "student@example.org" in done.stdout
    assert "Demo history ready" in done.stdout
    demo_statuses = (
        "SELECT status, count(*) FROM certificates_certificate WHERE holder_id IN "
        "(SELECT id FROM accounts_user WHERE email NOT LIKE '%@history.example.org') GROUP BY status"
    )
    with sqlite3.connect(database) as db:
        statuses = dict(db.execute(demo_statuses).fetchall())
        rendered = db.execute("SELECT count(*) FROM certificates_certificate WHERE pdf != ''").fetchone()[0]
        attempts = db.execute("SELECT count(*) FROM assessments_attempt WHERE status = 'graded'").fetchone()[0]
        students = db.execute("SELECT count(*) FROM accounts_user WHERE email LIKE '%@history.example.org'").fetchone()
        places = dict(db.execute("SELECT status, count(*) FROM courses_enrolment GROUP BY status").fetchall())
    assert statuses == {"issued": 2, "revoked": 1}
    assert rendered == 3  # the demo's own three; the history's thousands of certificates have no file
    assert students == (3000,)
    assert attempts > 3000
    assert set(places) == {"pending", "active", "completed", "withdrawn", "rejected"}
