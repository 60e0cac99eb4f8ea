"""The Celery application. Every setting lives in Django settings (CELERY_*).

https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["lms.accounts", "courses", "assessments", "certificates", "lms.reports"])
