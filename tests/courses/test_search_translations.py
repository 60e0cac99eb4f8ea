"""Catalogue search looks through the translations that lend their words, and only those.

A translation that is more private than its source (a restriction its source's
path does not imply), a draft, or words kept from view in some other way must
not turn up its course: the reader would find the course by words it never
shows them (courses.selectors.translation.translations_lendable).
"""

from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, PageViewRestriction

import pytest

from courses.factories import CoursePageFactory, view_restriction_create
from courses.models import CatalogueIndexPage
from courses.services import page_translation_save
from lms.accounts.services import user_profile_update

pytestmark = pytest.mark.django_db


def _french(page, **fields):
    return page_translation_save(source=page, language="fr", fields=fields)


def _found(client, query, language="fr") -> list[str]:
    client.cookies["lms_language"] = language
    caches["default"].clear()  # the page rendered, not kept from an earlier request
    response = client.get("/catalogue/", {"q": query})
    assert response.status_code == 200
    return [course.title for course in response.context["courses"]]


def _indexed():
    call_command("update_index", verbosity=0)


def test_words_of_a_lendable_translation_find_the_course(client, course, other_course):
    _french(course, title="Contrôle civil", summary="Pourquoi les démocraties encadrent leurs armées.")
    _indexed()
    assert _found(client, "démocraties") == ["Contrôle civil"]


@pytest.mark.parametrize(
    "restriction",
    [
        {"kind": PageViewRestriction.LOGIN},
        {"kind": PageViewRestriction.PASSWORD, "password": "s3cret"},
        {"kind": PageViewRestriction.GROUPS, "groups": "Partners"},
    ],
    ids=["signed-in", "password", "groups"],
)
def test_words_only_a_more_private_translation_holds_do_not_find_the_course(client, student, course, restriction):
    fr_course = _french(course, title="Contrôle civil", summary="Pourquoi les démocraties encadrent leurs armées.")
    groups = [Group.objects.create(name=restriction["groups"])] if "groups" in restriction else []
    view_restriction_create(fr_course, restriction["kind"], groups=groups, password=restriction.get("password", ""))
    _indexed()
    assert _found(client, "démocraties") == []
    client.force_login(student)  # signed in or not: the source's address shows the original to both
    assert _found(client, "démocraties") == []
    # The source's own words still find it, in the original.
    assert _found(client, "Civilian") == ["Civilian Control"]


def test_words_of_a_translation_under_a_private_branch_of_its_language_do_not_find_the_course(client, course):
    _french(course, title="Contrôle civil", summary="Pourquoi les démocraties encadrent leurs armées.")
    french_catalogue = CatalogueIndexPage.objects.get(locale=Locale.objects.get(language_code="fr"))
    view_restriction_create(
        french_catalogue, PageViewRestriction.GROUPS, groups=[Group.objects.create(name="Partners")]
    )
    _indexed()
    assert _found(client, "démocraties") == []


def test_words_of_an_unpublished_translation_do_not_find_the_course(client, course):
    fr_course = _french(course, title="Contrôle civil", summary="Pourquoi les démocraties encadrent leurs armées.")
    fr_course.unpublish()
    _indexed()
    assert _found(client, "démocraties") == []


def test_a_translation_restricted_as_its_source_is_no_secret_from_the_sources_readers(client, catalogue):
    # A public course's translation under the same "public" restriction (type none) lends its words as before.
    course = CoursePageFactory(parent=catalogue, title="Security sector reform", slug="ssr")
    fr_course = _french(course, title="Réforme du secteur de la sécurité", summary="Gouvernance et redevabilité.")
    view_restriction_create(fr_course, PageViewRestriction.NONE)
    _indexed()
    assert _found(client, "redevabilité") == ["Réforme du secteur de la sécurité"]


def test_nonsense_and_empty_queries_are_answered_calmly(client, course):
    _french(course, title="Contrôle civil", summary="Démocraties.")
    view_restriction_create(course.get_translation(Locale.objects.get(language_code="fr")), PageViewRestriction.LOGIN)
    _indexed()
    for query in ("", "   ", "'; DROP TABLE --", "x" * 300, "démocraties AND OR"):
        assert _found(client, query) in ([], ["Civilian Control"])


def _search_queries(client, query) -> int:
    client.cookies["lms_language"] = "fr"
    client.get("/catalogue/", {"q": query})  # warm process-level caches (content types, templates)
    caches["default"].clear()  # the page and its parts rendered again
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/catalogue/", {"q": query}).status_code == 200
    return len(captured)


def test_search_costs_the_same_whatever_the_number_of_translations_and_restrictions(client, student, catalogue):
    user_profile_update(user=student, preferred_language="fr")  # signed in, the profile's language wins
    client.force_login(student)  # signed in: never answered by the anonymous page cache
    partners = Group.objects.create(name="Partners")
    first = CoursePageFactory(parent=catalogue, title="Oversight one", slug="oversight-0")
    _french(first, title="Contrôle un", summary="Contrôle parlementaire.")
    _indexed()
    small = _search_queries(client, "parlementaire")
    for n in range(1, 9):
        course = CoursePageFactory(parent=catalogue, title=f"Oversight {n}", slug=f"oversight-{n}")
        translation = _french(course, title=f"Contrôle {n}", summary="Contrôle parlementaire.")
        if n % 2:
            view_restriction_create(translation, PageViewRestriction.GROUPS, groups=[partners])
    _indexed()
    large = _search_queries(client, "parlementaire")
    assert small == large
    assert sorted(_found(client, "parlementaire")) == sorted(
        ["Contrôle un", *(f"Contrôle {n}" for n in range(2, 9, 2))]
    )
