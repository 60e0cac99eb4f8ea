"""Development: `make run`. SQLite and in-process Celery unless the environment names services."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
LMS_DEMO_USERS = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# A missing certificate signing key is made on first use (production refuses: see certificates.checks).
CERTIFICATE_SIGNING_KEY_CREATE_MISSING = True
