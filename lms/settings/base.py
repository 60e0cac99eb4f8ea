"""Settings shared by every environment.

Configuration comes from the environment through one ``env`` (django-environ);
see ``.env.example`` for every variable. Docs:
https://docs.djangoproject.com/en/5.2/ref/settings/ and
https://docs.wagtail.org/en/stable/reference/settings.html
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "lms"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "lms.core",
    "lms.accounts",
    "courses",
    "assessments",
    "certificates",
    "lms.reports",
    "lms.demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail_localize",
    "wagtail_localize.locales",  # in place of wagtail.locales
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lms.core.middleware.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in person's profile language wins over the cookie and the browser (before the signed-in page cache).
    "lms.accounts.middleware.ProfileLanguageMiddleware",
    "lms.accounts.middleware.AdminAccessMiddleware",
    "lms.core.middleware.SignedInPageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms.core.context_processors.site",
            ],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL, a SQLite file when it is unset.
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query its planner thinks costly: the reports' aggregates over
    # hundreds of thousands of rows then spend more time compiling than running (measured in
    # tests/perf/bench_reports.py). https://www.postgresql.org/docs/current/jit-decision.html
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(filter(None, [_options.get("options", ""), "-c jit=off"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Some report indexes carry extra columns (INCLUDE) so PostgreSQL answers from the index alone;
# SQLite (make run) builds them without those columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Cache: Redis when REDIS_URL is set, process memory otherwise. Sessions, page
# cache and image renditions all live here.
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.core.cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="lms"),
            "TIMEOUT": 60 * 60 * 24,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lms",
            "TIMEOUT": 60 * 60 * 24,
        }
    }
# Wagtail looks renditions up in the "renditions" cache before the database.
# https://docs.wagtail.org/en/stable/advanced_topics/images/renditions.html#caching-image-renditions
CACHES["renditions"] = dict(CACHES["default"], KEY_PREFIX=CACHES["default"].get("KEY_PREFIX", "") + "r")
CACHES["renditions"]["LOCATION"] = CACHES["default"]["LOCATION"] + ("" if REDIS_URL else "-renditions")

# Sessions read from the cache and survive its loss through the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out account or address is refused before
    # any password is checked. https://django-axes.readthedocs.io/en/latest/3_usage.html
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with the signed-in user kept in the cache between requests.
    "lms.accounts.backends.CachedModelBackend",
]
# Argon2id with OWASP's recommended parameters first; the others only verify
# (and upgrade) hashes made elsewhere.
# https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
PASSWORD_HASHERS = [
    "lms.accounts.hashers.OwaspArgon2idHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Lock-out after repeated failed sign-ins, per account and, separately, per
# address. https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "lms.accounts.lockout.lockout_username"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0) or None
AXES_VERBOSE = False

# Staff (instructors, program managers, administrators) must pass a TOTP
# second factor before using the admin when this is on.
LMS_STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "PME Learning"

# Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("ar", "العربية"),
]
LANGUAGES_BIDI = ["ar"]
# The interface's own catalogues, then those catalogues_compile makes for a language a package
# translates only in a regional form (Wagtail's admin has pt_BR and pt_PT, no pt).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "var" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "lms_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
# https://docs.wagtail.org/en/stable/advanced_topics/i18n.html
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A new translation starts as a draft, even of a live page: readers see it only once a translator publishes it.
# https://wagtail-localize.org/stable/reference/settings/
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Files that only a permission-checking view serves (certificates): never under MEDIA_URL.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Wagtail ----------------------------------------------------------------
WAGTAIL_SITE_NAME = "PME Learning"
WAGTAILADMIN_BASE_URL = env("BASE_URL", default="http://127.0.0.1:8000")

# Certificates -----------------------------------------------------------
# docs/certificates.md: the issuer printed and signed, and the platform's Ed25519 signing key.
CERTIFICATE_ISSUER_NAME = env("CERTIFICATE_ISSUER_NAME", default="PME Learning")
# A PEM file (PKCS#8, unencrypted) holding the Ed25519 private key; made by
# `manage.py certificate_key create`. Outside production a missing key is created on first use.
CERTIFICATE_SIGNING_KEY_FILE = env.path(
    "CERTIFICATE_SIGNING_KEY_FILE", default=BASE_DIR / "var" / "certificate-key.pem"
)
# Production never makes a missing key on the fly (each process would make its own): a system check stops it.
CERTIFICATE_SIGNING_KEY_CREATE_MISSING = env.bool("CERTIFICATE_SIGNING_KEY_CREATE_MISSING", default=False)
WAGTAILADMIN_LOGIN_URL = "accounts:login"
WAGTAIL_FRONTEND_LOGIN_URL = "accounts:login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
# No calls from the admin to outside sites: no avatars from Gravatar (it would
# learn staff emails' hashes), no update check. Both are blocked by the CSP anyway.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAILSEARCH_BACKENDS = {
    # The database backend uses PostgreSQL full-text search on PostgreSQL and
    # SQLite FTS on SQLite. https://docs.wagtail.org/en/stable/topics/search/backends.html
    "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": True},
}
# Uploads: raster formats only (no SVG), bounded in bytes and in pixels so that
# decompression bombs are refused before Pillow decodes them.
# https://docs.wagtail.org/en/stable/reference/settings.html#images
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Background work --------------------------------------------------------
# Celery: Redis broker from the environment; eager (in-process) only when no
# broker is configured. https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
# Late acknowledgement: a task whose worker dies mid-way goes back to the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Above the longest task (the hard time limit), so Redis never redelivers a
# task that is still running. https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic work, run by one `celery beat` process beside the workers.
# https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html
CELERY_BEAT_SCHEDULE = {
    # Attempts left open past their deadline are submitted with what was saved.
    "attempts-overdue-submit": {"task": "assessments.tasks.attempts_overdue_submit_task", "schedule": 60.0},
    # Emails whose queueing failed at commit (broker down) are queued again.
    "decisions-unsent-notify": {"task": "courses.tasks.enrolment_decisions_unsent_notify_task", "schedule": 600.0},
    "results-unsent-notify": {"task": "assessments.tasks.attempt_results_unsent_notify_task", "schedule": 600.0},
    # Completions without a certificate, renderings lost with a worker or the broker, unsent emails.
    "certificates-sweep": {"task": "certificates.tasks.certificates_sweep_task", "schedule": 300.0},
    # Reports program managers asked to receive weekly or monthly (lms.reports).
    "scheduled-reports-send": {"task": "lms.reports.tasks.scheduled_reports_send_due_task", "schedule": 900.0},
    # Offline PDFs of pages deleted, unpublished or restricted since, and of older revisions.
    "offline-pdfs-sweep": {"task": "courses.tasks.offline_pdfs_sweep_task", "schedule": 86400.0},
}

# Wagtail's own background tasks (search index, references) run through
# django-tasks; in process is right for them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Email: console in development, SMTP through EMAIL_URL in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PME Learning <no-reply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security ---------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Public pages carry no inline script; a nonce is available to the few that
# need one (request.csp_nonce). https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail admin still relies on inline styles and a few inline scripts.
LMS_ADMIN_CSP_UPDATE = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}
# Its preview panel shows the page or snippet being edited in a frame of the same origin.
LMS_ADMIN_CSP_REPLACE = {
    "frame-src": [SELF, "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "frame-ancestors": [SELF],
}

# Pages rendered for anonymous visitors are cached until content changes.
LMS_PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=60 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # WeasyPrint logs every step of every PDF at INFO; its warnings (a missing font, an image) still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

LMS_CATALOGUE_PAGE_SIZE = 12
