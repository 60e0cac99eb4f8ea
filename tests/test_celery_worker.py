"""Tasks run through a real Celery worker on Redis, as in production."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

import pytest

from lms import celery_app
from lms.accounts.factories import UserFactory
from lms.accounts.models import User
from lms.accounts.tasks import user_welcome_email_send_task

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker(tmp_path):
    """A worker process on its own queue, against the test database and the machine's Redis."""
    broker = os.environ.get("REDIS_URL") or settings.CELERY_BROKER_URL
    assert broker.startswith("redis://"), "the worker tests need REDIS_URL (make test sets it)"
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "TEST_EMAIL_FILE_PATH": str(tmp_path),
    }
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
        env=env,
        cwd=settings.BASE_DIR,
    )
    saved = dict(celery_app.conf)
    celery_app.conf.update(task_always_eager=False, broker_url=broker, result_backend=broker, task_default_queue=queue)
    try:
        yield tmp_path
    finally:
        process.terminate()
        process.wait(timeout=30)
        celery_app.conf.update(
            task_always_eager=saved["task_always_eager"],
            broker_url=saved["broker_url"],
            result_backend=saved["result_backend"],
            task_default_queue=saved["task_default_queue"],
        )


def test_welcome_email_task_runs_in_a_real_worker(worker):
    user = UserFactory(email="new.officer@example.org", first_name="Kwame")
    result = user_welcome_email_send_task.delay(user.pk)
    assert result.get(timeout=60) is True
    user = User.objects.get(pk=user.pk)
    assert user.welcome_email_sent_at is not None
    messages = list(Path(worker).glob("*.log"))
    assert len(messages) == 1
    assert "new.officer@example.org" in messages[0].read_text()

    # Sent again (a retry or a redelivery), it sends nothing more.
    assert user_welcome_email_send_task.delay(user.pk).get(timeout=60) is False
    assert len(list(Path(worker).glob("*.log"))) == 1
