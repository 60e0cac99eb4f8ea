"""Tests: PostgreSQL and Redis from the environment (`.ci/run` sets them), fast hashing."""

import os
import tempfile

# Tests always run against PostgreSQL: the machine's own unless DATABASE_URL says otherwise.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms")

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-key")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LMS_DEMO_USERS = True
# Hashing cost is measured in `make bench`; tests need not pay it on every user.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A Celery worker started by a test writes its mail where the test can read it.
if env("TEST_EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH")
# The worker tests shorten Redis's redelivery of unacknowledged tasks from an hour to seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Uploaded files of a test run go to a temporary folder, never into the checkout.
MEDIA_ROOT = env("MEDIA_ROOT", default="") or tempfile.mkdtemp(prefix="lms-test-media-")
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default="") or tempfile.mkdtemp(prefix="lms-test-private-")
CERTIFICATE_SIGNING_KEY_FILE = env("CERTIFICATE_SIGNING_KEY_FILE", default="") or os.path.join(
    tempfile.mkdtemp(prefix="lms-test-key-"), "certificate-key.pem"
)
# Connections are not kept between requests: the threads that read the reports side by side
# (lms/reports/selectors.py) close theirs after each read, so none is open when the test database
# is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Each test sees a fresh cache; the Celery worker tests set their own broker.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"},
    "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-r"},
}
# Eager unless a test starts a real worker (tests/test_celery_worker.py does).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
WAGTAILADMIN_BASE_URL = "http://testserver"
# A missing certificate signing key is made on first use (production refuses: see certificates.checks).
CERTIFICATE_SIGNING_KEY_CREATE_MISSING = True
