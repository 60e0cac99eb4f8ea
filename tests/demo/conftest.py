"""The demo, seeded once per test module rather than once per test.

``seed_demo`` takes seconds (five courses with their modules, question banks, assessments, people
and certificates); the tests reading what it made each paid for it. ``seeded`` now runs it once
for the module inside a transaction of its own, and each test runs in a savepoint of that
transaction (pytest-django's ``db``), rolled back after it: every test still starts from the
freshly seeded demo, whatever the test before it changed, and the database is empty again
once the module is done.

A test of the same module that does not ask for the demo must not find it there, so those run
first (see ``pytest_collection_modifyitems``).
"""

from django.core.management import call_command
from django.db import transaction
from django.utils import translation

import pytest


def pytest_collection_modifyitems(config, items):
    """In each module of this folder, run the tests that use ``seeded`` after those that do not.

    Stable otherwise: within each group the file's order is kept. pytest-xdist's workers each run
    the tests they are given in this order, so the rule holds with ``-n`` too.
    """
    here = config.rootpath / "tests" / "demo"
    start = 0
    while start < len(items):
        end = start
        while end < len(items) and items[end].path == items[start].path:
            end += 1
        if items[start].path.parent == here:
            group = items[start:end]
            items[start:end] = [item for item in group if "seeded" not in getattr(item, "fixturenames", ())] + [
                item for item in group if "seeded" in getattr(item, "fixturenames", ())
            ]
        start = end


@pytest.fixture(scope="module")
def _demo_seeded_for_module(django_db_setup, django_db_blocker):
    from django.conf import settings

    from courses.factories import catalogue_get

    with django_db_blocker.unblock(), transaction.atomic():
        with translation.override(settings.LANGUAGE_CODE):
            catalogue_get()
            call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_demo_seeded_for_module, db):
    """The demo as ``seed_demo`` leaves it; what the test changes is rolled back after it."""
