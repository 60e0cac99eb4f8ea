"""Translations of restricted courses: lent to the readers the source admits, never beyond them.

Wagtail and wagtail-localize copy a restricted page's view restriction onto its
translation. The source's address checks the source's restrictions only, so a
translation lends its words when its own restrictions (and those above it in its
locale's tree) admit everyone the source's admit (courses.selectors.translation).
"""

from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, Page, PageViewRestriction

import pytest
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource

from courses.factories import CoursePageFactory, EnrolmentFactory, view_restriction_create
from courses.models import CoursePage
from courses.offline import offline_document_for
from courses.selectors.titles import page_title_in_language
from courses.selectors.translation import (
    courses_in_language,
    page_for_reader,
    titles_in_language,
    translations_lendable,
)
from courses.services import page_translation_save
from lms.accounts.services import user_profile_update

pytestmark = pytest.mark.django_db

LOGIN, GROUPS, PASSWORD, NONE = (
    PageViewRestriction.LOGIN,
    PageViewRestriction.GROUPS,
    PageViewRestriction.PASSWORD,
    PageViewRestriction.NONE,
)
FRENCH_BODY = [{"type": "paragraph", "value": "<p>Le contrôle civil des forces armées.</p>"}]


def _french(page, title):
    return page_translation_save(source=page, language="fr", fields={"title": title})


def _shown(page, language="fr"):
    return page_for_reader(page, original_language="en", language=language)


@pytest.fixture
def partners(db):
    return Group.objects.create(name="Partners")


@pytest.fixture
def observers(db):
    return Group.objects.create(name="Observers")


@pytest.fixture
def french_reader(client, student):
    user_profile_update(user=student, preferred_language="fr")  # signed in, the profile's language wins
    client.force_login(student)
    return client


# Restrictions copied by Wagtail and wagtail-localize ------------------------------------------


def test_a_course_for_signed_in_readers_reads_in_french_to_them_and_stays_closed_to_others(
    client, student, course, modules
):
    view_restriction_create(course, LOGIN)
    fr_course = _french(course, "Contrôle civil")
    fr_module = page_translation_save(
        source=modules[0], language="fr", fields={"title": "Première partie", "body": FRENCH_BODY}
    )
    # Wagtail copied the restriction onto the translation; the module inherits its course's.
    assert list(fr_course.view_restrictions.values_list("restriction_type", flat=True)) == [LOGIN]
    assert fr_module.get_view_restrictions().exists()

    anonymous = client.get(course.url, HTTP_COOKIE="lms_language=fr")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")

    EnrolmentFactory(user=student, course=course)
    user_profile_update(user=student, preferred_language="fr")
    client.force_login(student)
    page = client.get(course.url)
    assert "<h1>Contrôle civil</h1>" in page.text and "translation-notice" not in page.text
    assert "Première partie" in page.text  # the outline
    module_page = client.get(modules[0].url)
    assert "<h1>Première partie</h1>" in module_page.text
    assert "Le contrôle civil des forces armées." in module_page.text
    assert "Contrôle civil" in client.get("/dashboard/").text


def test_a_course_for_some_groups_reads_in_french_to_their_members_only(
    client, student, other_student, course, modules, partners
):
    view_restriction_create(course, GROUPS, groups=[partners])
    locale, _created = Locale.objects.get_or_create(language_code="fr")
    copied = course.copy_for_translation(locale, copy_parents=True)  # as "Translate this page" does
    assert list(copied.view_restrictions.values_list("groups__name", flat=True)) == ["Partners"]
    _french(course, "Contrôle civil")
    page_translation_save(source=modules[0], language="fr", fields={"title": "Première partie", "body": FRENCH_BODY})

    student.groups.add(partners)
    EnrolmentFactory(user=student, course=course)
    for user in (student, other_student):
        user_profile_update(user=user, preferred_language="fr")
    client.force_login(student)
    assert "<h1>Contrôle civil</h1>" in client.get(course.url).text
    assert "Le contrôle civil des forces armées." in client.get(modules[0].url).text

    client.force_login(other_student)  # not a partner: the source's restriction still refuses them
    refused = client.get(course.url)
    assert refused.status_code != 200 and "Contrôle civil" not in refused.content.decode()
    refused = client.get(modules[0].url)
    assert refused.status_code != 200 and "Le contrôle civil" not in refused.content.decode()


def test_a_course_translated_with_wagtail_localize_keeps_its_restriction_and_reads_in_french(
    french_reader, student, course, partners, django_capture_on_commit_callbacks
):
    view_restriction_create(course, GROUPS, groups=[partners])
    student.groups.add(partners)
    locale, _created = Locale.objects.get_or_create(language_code="fr")
    source, _created = TranslationSource.get_or_create_from_instance(course)
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        StringTranslation.objects.create(
            translation_of=segment.string, locale=locale, context=segment.context, data=f"FR {segment.string.data}"
        )
    with django_capture_on_commit_callbacks(execute=True):
        source.create_or_update_translation(locale, publish=True, copy_parent_pages=True)
    fr_course = CoursePage.objects.get(translation_key=course.translation_key, locale=locale)
    assert fr_course.live and fr_course.title == "FR Civilian Control"
    assert list(fr_course.view_restrictions.values_list("groups__name", flat=True)) == ["Partners"]

    assert "<h1>FR Civilian Control</h1>" in french_reader.get(course.url).text


def test_the_email_title_of_a_restricted_course_is_the_translations(course, partners):
    view_restriction_create(course, GROUPS, groups=[partners])
    _french(course, "Contrôle civil")
    assert page_title_in_language(course, "fr") == "Contrôle civil"
    assert page_title_in_language(course, "es") == "Civilian Control"


# What a translation's restrictions may be ----------------------------------------------------


@pytest.mark.parametrize(
    ("source", "translation", "lent"),
    [
        # The translator's copy matches the source's.
        ([(LOGIN, ())], [(LOGIN, ())], True),
        ([(GROUPS, ("partners",))], [(GROUPS, ("partners",))], True),
        ([(PASSWORD, "s3cret")], [(PASSWORD, "s3cret")], True),
        # Looser than the source's: every reader of the source may read it.
        ([(GROUPS, ("partners",))], [(LOGIN, ())], True),
        ([(GROUPS, ("partners",))], [(GROUPS, ("partners", "observers"))], True),
        ([(GROUPS, ())], [(GROUPS, ("partners",))], True),  # the source is for superusers only
        ([(LOGIN, ()), (GROUPS, ("partners",))], [(LOGIN, ()), (GROUPS, ("partners", "observers"))], True),
        ([], [(NONE, ())], True),  # "public" admits everyone
        # Stricter than the source's: some readers of the source may not read it.
        ([], [(LOGIN, ())], False),
        ([(LOGIN, ())], [(GROUPS, ("partners",))], False),
        ([(LOGIN, ())], [(PASSWORD, "s3cret")], False),
        ([(PASSWORD, "s3cret")], [(LOGIN, ())], False),  # anyone with the password reads the source
        ([(PASSWORD, "s3cret")], [(PASSWORD, "other")], False),
        ([(GROUPS, ("partners",))], [(GROUPS, ("observers",))], False),
        ([(GROUPS, ("partners", "observers"))], [(GROUPS, ("partners",))], False),  # observers read the source
        ([(GROUPS, ("partners",))], [(GROUPS, ())], False),  # superusers only
        ([(GROUPS, ("partners",))], [(PASSWORD, "s3cret")], False),
        ([(LOGIN, ())], [(LOGIN, ()), (PASSWORD, "s3cret")], False),  # one stricter restriction is enough
    ],
)
def test_a_translation_is_lent_when_its_restrictions_admit_every_reader_of_the_source(
    course, partners, observers, source, translation, lent
):
    groups = {"partners": partners, "observers": observers}
    fr_course = _french(course, "Contrôle civil")

    def restrict(page, restrictions):
        # Several restrictions on one path: the page and the catalogue above it.
        for page_or_parent, (kind, value) in zip((page, page.get_parent()), restrictions, strict=False):
            if kind == PASSWORD:
                view_restriction_create(page_or_parent, kind, password=value)
            else:
                view_restriction_create(page_or_parent, kind, groups=[groups[name] for name in value])

    restrict(course, source)
    restrict(fr_course, translation)

    assert _shown(course).title == ("Contrôle civil" if lent else "Civilian Control")
    assert _shown(course).translation_missing is not lent
    titled = CoursePage.objects.get(pk=course.pk)
    titles_in_language([titled], "fr")
    assert titled.title == ("Contrôle civil" if lent else "Civilian Control")
    carded = CoursePage.objects.get(pk=course.pk)
    courses_in_language([carded], "fr")
    assert carded.title == ("Contrôle civil" if lent else "Civilian Control")
    assert [code for code, _name in carded.available_languages] == (["en", "fr"] if lent else ["en"])


def test_a_restriction_above_the_french_tree_counts_as_the_translations_own(catalogue, course, modules, partners):
    fr_module = page_translation_save(source=modules[0], language="fr", fields={"title": "Première partie"})
    _french(course, "Contrôle civil")
    french_catalogue = fr_module.get_parent().get_parent()
    view_restriction_create(french_catalogue, GROUPS, groups=[partners])
    assert _shown(modules[0]).title == "Part 1"  # the source is public
    view_restriction_create(catalogue, GROUPS, groups=[partners])
    assert _shown(modules[0]).title == "Première partie"  # now the source's readers are partners too
    assert _shown(course).title == "Contrôle civil"


def test_a_restriction_on_a_shared_ancestor_restricts_source_and_translation_alike(course, partners):
    _french(course, "Contrôle civil")
    view_restriction_create(Page.objects.get(depth=1), GROUPS, groups=[partners])  # the root, above every locale's tree
    assert _shown(course).title == "Contrôle civil"


def test_the_same_password_on_another_course_does_not_cover_this_one(course, other_course):
    fr_course = _french(course, "Contrôle civil")
    view_restriction_create(other_course, PASSWORD, password="s3cret")
    view_restriction_create(fr_course, PASSWORD, password="s3cret")
    assert _shown(course).title == "Civilian Control"


def test_restrictions_only_the_source_has_are_the_sources_business(course, partners):
    _french(course, "Contrôle civil")
    view_restriction_create(course, GROUPS, groups=[partners])
    view_restriction_create(course, PASSWORD, password="s3cret")
    assert _shown(course).title == "Contrôle civil"


def test_drafts_and_aliases_of_a_restricted_course_are_still_never_lent(course, modules):
    view_restriction_create(course, LOGIN)
    page_translation_save(source=modules[0], language="fr", fields={"title": "Première partie"})
    alias = CoursePage.objects.get(translation_key=course.translation_key, locale__language_code="fr")
    assert alias.alias_of_id == course.pk
    assert _shown(course).title == "Civilian Control"
    page_translation_save(source=course, language="fr", fields={"title": "Brouillon"}, publish=False)
    assert _shown(course).title == "Civilian Control"


def test_a_source_page_is_lendable_to_itself_whatever_its_restrictions(course, partners):
    view_restriction_create(course, GROUPS, groups=[partners])
    assert list(translations_lendable(CoursePage.objects.filter(pk=course.pk))) == [course]


def test_an_offline_document_follows_the_same_rule(course, modules):
    fr_course = _french(course, "Contrôle civil")
    assert offline_document_for(course=course, language="fr").content_language == "fr"
    view_restriction_create(fr_course, LOGIN)  # the source is public: the French course is not for all its readers
    assert offline_document_for(course=course, language="fr").content_language == "en"


# Cost: the check adds no query per page ------------------------------------------------------


def _count(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_titles_and_cards_cost_the_same_whatever_the_number_of_restricted_translations(catalogue, partners, observers):
    def build(n):
        courses = []
        for i in range(n):
            course = CoursePageFactory(parent=catalogue)
            fr_course = _french(course, f"{course.title} (FR)")
            kind = (LOGIN, GROUPS, PASSWORD)[i % 3]
            view_restriction_create(
                course, kind, groups=[partners] if kind == GROUPS else [], password="pw" if kind == PASSWORD else ""
            )
            # Every other translation keeps the copy; the others are stricter than their source.
            if i % 2:
                view_restriction_create(fr_course, GROUPS, groups=[observers])
            courses.append(course)
        return courses

    small = build(2)
    costs = (_count(lambda: titles_in_language(small, "fr")), _count(lambda: courses_in_language(small, "fr")))
    large = small + build(10)
    fresh = list(CoursePage.objects.filter(pk__in=[c.pk for c in large]).order_by("path"))
    assert (_count(lambda: titles_in_language(fresh, "fr")), _count(lambda: courses_in_language(fresh, "fr"))) == costs
    assert costs == (2, 2)  # the restrictions, then the translations

    fresh = list(CoursePage.objects.filter(pk__in=[c.pk for c in large]).order_by("path"))
    titles_in_language(fresh, "fr")
    french = [course.title.endswith("(FR)") for course in fresh]
    assert french == [not i % 2 for i in range(2)] + [not i % 2 for i in range(10)]


def test_a_dashboard_of_restricted_french_courses_costs_the_same_whatever_their_number(
    french_reader, student, catalogue, partners
):
    student.groups.add(partners)

    courses = []

    def enrol(n):
        for _ in range(n):
            course = CoursePageFactory(parent=catalogue)
            view_restriction_create(course, GROUPS, groups=[partners])
            _french(course, f"{course.title} (FR)")  # the translation gets a copy of the restriction
            EnrolmentFactory(user=student, course=course)
            courses.append(course)

    def cost():
        french_reader.get("/dashboard/")  # warm process-level caches (content types, templates)
        caches["default"].clear()
        return _count(lambda: french_reader.get("/dashboard/"))

    enrol(2)
    small = cost()
    enrol(8)
    assert cost() == small
    dashboard = french_reader.get("/dashboard/").text
    assert all(f"{course.title} (FR)" in dashboard for course in courses) and len(courses) == 10
