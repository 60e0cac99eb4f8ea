"""Shared fixtures. Tests run against PostgreSQL (lms.settings.test refuses anything else)."""

import os
import subprocess
import sys
import uuid

from django.conf import settings
from django.db import connection

import pytest

from courses.factories import CoursePageFactory, EnrolmentFactory, ModulePageFactory, ThemeFactory, catalogue_get
from lms import celery_app
from lms.accounts.factories import UserFactory
from lms.accounts.roles import Role

VISIBILITY_TIMEOUT = 3  # seconds before Redis hands an unacknowledged task to another worker


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """Empty tables with DELETE rather than TRUNCATE after each transactional test.

    PostgreSQL's TRUNCATE makes new files for every table and index: one to two seconds for this
    schema, paid after every transactional test (the browser tests, the worker and concurrency
    tests). DELETE of the few rows such a test writes takes milliseconds, and all the schema's
    foreign keys are deferred, so the order does not matter. Sequences are left alone either way
    (Django flushes without resetting them); a flush that asks for more gets Django's TRUNCATE.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True, scope="session")
def _temporary_media_removed():
    """lms.settings.test puts uploads, private files and the signing key in temporary folders; removed at the end."""
    import shutil
    import tempfile

    from django.conf import settings

    yield
    folders = (
        (str(settings.MEDIA_ROOT), "lms-test-media-"),
        (str(settings.PRIVATE_MEDIA_ROOT), "lms-test-private-"),
        (os.path.dirname(str(settings.CERTIFICATE_SIGNING_KEY_FILE)), "lms-test-key-"),
    )
    for folder, prefix in folders:
        if folder.startswith(tempfile.gettempdir()) and prefix in folder:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _migrated_snapshot(django_db_setup, django_db_blocker):
    """The migrated rows pytest-django serialized at set-up; put back when the session ends.

    Django empties the database after each transactional test and, with serialized
    rollback, reloads these rows only at the start of the next such test. With
    ``--reuse-db`` the next pytest session would otherwise find an empty database,
    and every test expecting the migrated site tree would fail.
    """
    from django.db import connections

    snapshot = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }
    yield snapshot
    with django_db_blocker.unblock():
        for alias, contents in snapshot.items():
            connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _english_to_start():
    """Each test starts in the default language.

    A request through the test client activates its reader's language (the profile's, the cookie's)
    in this thread and leaves it active, as Django does between requests; a later test calling a
    service directly would otherwise get its messages in, say, French.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    for alias in ("default", "renditions"):
        caches[alias].clear()
    yield


@pytest.fixture
def catalogue(db):
    return catalogue_get()


@pytest.fixture
def theme(db):
    return ThemeFactory(name="Civil-military relations", slug="civil-military-relations")


@pytest.fixture
def student(db):
    return UserFactory(email="student@example.org", roles=[Role.STUDENT])


@pytest.fixture
def other_student(db):
    return UserFactory(email="other.student@example.org", roles=[Role.STUDENT])


@pytest.fixture
def instructor(db):
    return UserFactory(email="instructor@example.org", roles=[Role.INSTRUCTOR])


@pytest.fixture
def other_instructor(db):
    return UserFactory(email="other.instructor@example.org", roles=[Role.INSTRUCTOR])


@pytest.fixture
def manager(db):
    return UserFactory(email="manager@example.org", roles=[Role.PROGRAM_MANAGER])


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True, roles=[])


@pytest.fixture
def people(student, other_student, instructor, other_instructor, manager, admin_user):
    """Everyone the role-by-URL checks go through, by role name (anonymous is None)."""
    return {
        "anonymous": None,
        "student": student,
        "other_student": other_student,
        "instructor": instructor,
        "other_instructor": other_instructor,
        "manager": manager,
        "admin": admin_user,
    }


@pytest.fixture
def course(catalogue, theme, instructor):
    return CoursePageFactory(
        parent=catalogue, title="Civilian Control", slug="civilian-control", themes=[theme], instructors=[instructor]
    )


@pytest.fixture
def other_course(catalogue, other_instructor):
    return CoursePageFactory(
        parent=catalogue,
        title="Export Controls",
        slug="export-controls",
        level="advanced",
        instructors=[other_instructor],
    )


@pytest.fixture
def modules(course):
    return [ModulePageFactory(parent=course, title=f"Part {n}", slug=f"part-{n}") for n in (1, 2, 3)]


@pytest.fixture
def enrolment(student, course):
    """The student holds an active place on the course."""
    return EnrolmentFactory(user=student, course=course)


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


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
        # The worker reads and writes the same files as this process.
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "CERTIFICATE_SIGNING_KEY_FILE": str(settings.CERTIFICATE_SIGNING_KEY_FILE),
    }
    started = []

    def start(pool: str = "solo", **extra_env):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                f"--pool={pool}",
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
