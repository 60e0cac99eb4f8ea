"""Tasks run through a real Celery worker on Redis, as in production."""

import signal
import time
from pathlib import Path

import pytest

from lms.accounts.factories import UserFactory
from lms.accounts.models import User
from lms.accounts.tasks import user_welcome_email_send_task
from tests.conftest import VISIBILITY_TIMEOUT

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
