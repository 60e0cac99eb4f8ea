"""Tests: PostgreSQL and Redis from the environment (`.ci/run` sets them), fast hashing."""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

# Tests always run against PostgreSQL: the machine's own unless DATABASE_URL says otherwise.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms")


def _redis_url_of_this_process(url: str, xdist_worker: str) -> str:
    """Under pytest-xdist (`make pytest`), each test process (gw0, gw1…) gets a Redis database of its own.

    The worker tests' Celery queues are named per test already, but Redis keeps unacknowledged
    messages in one list per database, and any Celery worker restores those past their visibility
    timeout: another process's worker would take back a task still running. gwN uses the database
    REDIS_URL names plus N (of Redis's 16). Decided here, before anything reads the setting, so
    the test process, its Celery app and the workers it starts (which inherit the result) agree.
    """
    if not url or not xdist_worker.startswith("gw"):
        return url
    parsed = urlsplit(url)
    base = int(parsed.path.strip("/") or 0)
    return urlunsplit(parsed._replace(path=f"/{(base + int(xdist_worker[2:])) % 16}"))


if os.environ.get("REDIS_URL"):
    # The URL given, kept aside so that a process started by a test works the same one out again.
    os.environ.setdefault("TEST_REDIS_URL_GIVEN", os.environ["REDIS_URL"])
    os.environ["REDIS_URL"] = _redis_url_of_this_process(
        os.environ["TEST_REDIS_URL_GIVEN"], os.environ.get("PYTEST_XDIST_WORKER", "")
    )

from .base import *  # noqa: E402, F403 (after the environment is settled above)
from .base import env  # noqa: E402

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
