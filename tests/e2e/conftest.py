"""Browser tests: a real Chromium, driven by Playwright, against pytest-django's live server.

The live server runs in a thread of this process and reads the database through its own
connection, so these tests are transactional: what a test builds is committed, and the
database is emptied afterwards. Serialized rollback puts back the migrated rows first (root
page, home and catalogue pages, default site, locale, root collection, role groups), so each
test starts from a freshly migrated site and adds what it needs with the app factories.
"""

from django.db import transaction

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.support import MODULE_TITLES, image_create, module_body, root_collection_ensure

# Generous waits: CI machines are shared and slow, and an expectation that passes returns at once.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser(_migrated_snapshot):
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API drives the browser from an asyncio event loop that it runs in
        # the test's own thread. Django sees the loop and refuses ORM calls from that thread
        # (SynchronousOnlyOperation), though the tests and factories are plain synchronous
        # code that never touches a connection from inside the loop.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Starting Playwright's sync API switches this thread into another context, and
        # Django keeps its connection objects per context: the ones the tests now get are
        # new, without the snapshot that serialized rollback reads. Hand it over.
        from django.db import connections

        for alias, contents in _migrated_snapshot.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _migrated_site(browser, django_db_serialized_rollback):
    """Every browser test starts from the migrated site tree (see the module docstring).

    The tables are emptied with DELETE after each test, not TRUNCATE (tests/conftest.py).
    """


@pytest.fixture
def page(browser, live_server):
    """A fresh browser profile (no cookies) in English whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site_tree(transactional_db):
    """The home and catalogue pages; they come back with the migrated rows, or are made here."""
    from courses.factories import catalogue_get

    root_collection_ensure()
    return catalogue_get()


@pytest.fixture
def curriculum(transactional_db):
    """Three courses across two themes and two levels; the first has three modules in order."""

    # One transaction: autocommitting every query of every publish is several times slower.
    with transaction.atomic():
        return _curriculum_create()


def _curriculum_create():
    from courses.factories import CoursePageFactory, ModulePageFactory, ThemeFactory, catalogue_get

    root_collection_ensure()
    catalogue = catalogue_get()
    civil = ThemeFactory(name="Civil-military relations", slug="civil-military-relations")
    doctrine = ThemeFactory(name="Doctrine and interoperability", slug="doctrine-interoperability")
    course = CoursePageFactory(
        parent=catalogue,
        title="Civilian Control of the Armed Forces",
        slug="civilian-control",
        level="foundation",
        themes=[civil],
        cover_image=image_create("Civilian control cover"),
    )
    oversight = CoursePageFactory(
        parent=catalogue,
        title="Parliamentary Oversight",
        slug="parliamentary-oversight",
        level="advanced",
        themes=[civil],
    )
    coalitions = CoursePageFactory(
        parent=catalogue,
        title="Doctrine for Coalitions",
        slug="doctrine-coalitions",
        level="foundation",
        themes=[doctrine],
    )
    figure = image_create("Who decides figure", colour=(214, 170, 80))
    modules = [ModulePageFactory(parent=course, title=MODULE_TITLES[0], slug="part-1", body=module_body(figure))]
    modules += [
        ModulePageFactory(parent=course, title=title, slug=f"part-{number}")
        for number, title in enumerate(MODULE_TITLES[1:], start=2)
    ]
    return {
        "catalogue": catalogue,
        "course": course,
        "modules": modules,
        "oversight": oversight,
        "coalitions": coalitions,
        "themes": {"civil": civil, "doctrine": doctrine},
    }


@pytest.fixture
def student(transactional_db):
    from lms.accounts.factories import UserFactory
    from lms.accounts.roles import Role

    # UserFactory gives every user the password "pme-demo".
    return UserFactory(email="amina.diallo@example.org", first_name="Amina", last_name="Diallo", roles=[Role.STUDENT])
