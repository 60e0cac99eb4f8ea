"""Tasks run through a real Celery worker on Redis, as in production."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

import pytest

from lms import celery_app
from lms.accounts.factories import UserFactory
from lms.accounts.models import User
from lms.accounts.tasks import user_welcome_email_send_task

VISIBILITY_TIMEOUT = 3  # seconds before Redis hands an unacknowledged task to another worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def workers(tmp_path):
    """Start workers on a queue of this test's own, against the test database and the machine's Redis."""
    broker = os.environ.get("REDIS_URL") or settings.CELERY_BROKER_URL
    assert broker.startswith("redis://"), "the worker tests need REDIS_URL (make test sets it)"
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "TEST_EMAIL_FILE_PATH": str(tmp_path),
    }
    started = []

    def start(**extra_env):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env={**base_env, **extra_env},
            cwd=settings.BASE_DIR,
        )
        started.append(process)
        return process

    saved = {
        name: celery_app.conf[name]
        for name in (
            "task_always_eager",
            "broker_url",
            "result_backend",
            "task_default_queue",
            "broker_transport_options",
        )
    }
    celery_app.conf.update(
        task_always_eager=False,
        broker_url=broker,
        result_backend=broker,
        task_default_queue=queue,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
    )
    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        celery_app.conf.update(saved)


def _mails(folder):
    return list(Path(folder).glob("*.log"))


def test_welcome_email_task_runs_in_a_real_worker(workers, tmp_path):
    workers()
    user = UserFactory(email="new.officer@example.org", first_name="Kwame")
    result = user_welcome_email_send_task.delay(user.pk)
    assert result.get(timeout=60) is True
    user = User.objects.get(pk=user.pk)
    assert user.welcome_email_sent_at is not None
    assert len(_mails(tmp_path)) == 1
    assert "new.officer@example.org" in _mails(tmp_path)[0].read_text()

    # Sent again (a retry or a redelivery), it sends nothing more.
    assert user_welcome_email_send_task.delay(user.pk).get(timeout=60) is False
    assert len(_mails(tmp_path)) == 1


def test_a_task_whose_worker_is_killed_mid_way_is_done_by_another_exactly_once(workers, tmp_path):
    doomed = workers(TEST_EMAIL_BACKEND="tests.slow_email.SlowEmailBackend", TEST_EMAIL_DELAY="30")
    user = UserFactory(email="late.arrival@example.org", first_name="Amina")
    result = user_welcome_email_send_task.delay(user.pk)

    marker = tmp_path / "sending.started"
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline, "the first worker never started the task"
        time.sleep(0.1)
    doomed.send_signal(signal.SIGKILL)  # no chance to acknowledge or requeue anything
    doomed.wait(timeout=30)
    assert _mails(tmp_path) == []
    assert User.objects.get(pk=user.pk).welcome_email_sent_at is None

    # Late acknowledgement: the next worker takes the task back from Redis at
    # start-up once its visibility timeout (3 s here) has run out since delivery.
    time.sleep(max(0.0, marker.stat().st_mtime + VISIBILITY_TIMEOUT + 1 - time.time()))
    workers()
    assert result.get(timeout=90) is True
    assert len(_mails(tmp_path)) == 1
    assert User.objects.get(pk=user.pk).welcome_email_sent_at is not None
