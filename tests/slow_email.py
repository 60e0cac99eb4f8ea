"""An email backend for the worker tests: it says when it starts, then takes its time.

It lets a test kill a Celery worker while a task is in the middle of sending.
"""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend


class SlowEmailBackend(EmailBackend):
    def send_messages(self, email_messages):
        Path(settings.EMAIL_FILE_PATH, "sending.started").write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("TEST_EMAIL_DELAY", "0")))
        return super().send_messages(email_messages)
