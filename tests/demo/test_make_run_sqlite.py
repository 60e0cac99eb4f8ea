"""`make run` without services: SQLite, in-process Celery, the demo loaded with its certificates."""

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
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
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
    with sqlite3.connect(database) as db:
        statuses = dict(db.execute("SELECT status, count(*) FROM certificates_certificate GROUP BY status").fetchall())
        attempts = db.execute("SELECT count(*) FROM assessments_attempt WHERE status = 'graded'").fetchone()[0]
    assert statuses == {"issued": 2, "revoked": 1}
    assert attempts > 0
