"""Themes are translatable snippets: readers see a theme's name in their language, courses keep the source theme."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Locale

import pytest

from courses.factories import CoursePageFactory, ThemeFactory, theme_translation_create
from courses.models import CoursePage, Theme
from courses.selectors import catalogue_search, course_list_featured, theme_list, themes_in_language
from courses.services import page_translation_save

pytestmark = pytest.mark.django_db

FRENCH_NAME = "Relations civilo-militaires"


def _reader(client, language):
    client.cookies["lms_language"] = language
    return client


def _theme_options(html) -> dict:
    """The catalogue's theme filter: {value: label}."""
    select = re.search(r'<select name="theme".*?</select>', html, re.S).group(0)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


@pytest.fixture
def french_theme(theme):
    return theme_translation_create(theme, "fr", FRENCH_NAME, "Le contrôle civil démocratique.")


def test_french_reader_sees_the_themes_name_in_french_on_cards_filters_and_the_course_page(
    client, course, french_theme
):
    catalogue = _reader(client, "fr").get("/catalogue/")
    assert f"<li>{FRENCH_NAME}</li>" in catalogue.text  # the card's tag, in the page's own language
    assert "Civil-military relations" not in catalogue.text
    # The filter offers the theme once, under its French name, by the source's slug.
    options = _theme_options(catalogue.text)
    assert options["civil-military-relations"] == FRENCH_NAME
    assert len(options) == 2  # "any theme" and the one source theme: the translation is not a theme of its own
    page = client.get(course.url)
    assert re.search(rf'<a href="/catalogue/\?theme=civil-military-relations"[^>]*>{FRENCH_NAME}</a>', page.text)
    home = client.get("/")
    assert f"<li>{FRENCH_NAME}</li>" in home.text  # the featured courses' cards


def test_english_reader_still_sees_the_source_name(client, course, french_theme):
    catalogue = _reader(client, "en").get("/catalogue/")
    assert "<li>Civil-military relations</li>" in catalogue.text and FRENCH_NAME not in catalogue.text
    assert "Civil-military relations</a>" in client.get(course.url).text


def test_a_theme_without_translation_shows_the_source_name_marked_english(client, course, french_theme):
    other = ThemeFactory(name="Export controls", slug="export-controls")
    course.themes.add(other)
    course.save()  # a parental relation is written with its page
    page = _reader(client, "ar").get("/catalogue/")
    assert '<li lang="en" dir="ltr">Export controls</li>' in page.text
    assert '<li lang="en" dir="ltr">Civil-military relations</li>' in page.text  # no Arabic translation either
    theme_translation_create(other, "ar", "ضوابط التصدير")
    page = client.get("/catalogue/")
    assert "<li>ضوابط التصدير</li>" in page.text


def test_the_theme_filter_marks_the_language_of_names_left_untranslated(client, course, french_theme):
    other = ThemeFactory(name="Export controls", slug="export-controls")
    french = _reader(client, "fr").get("/catalogue/").text
    assert f'<option value="civil-military-relations">{FRENCH_NAME}</option>' in french
    assert '<option value="export-controls" lang="en" dir="ltr">Export controls</option>' in french
    filtered = client.get("/catalogue/?theme=export-controls").text
    assert '<option value="export-controls" selected lang="en" dir="ltr">Export controls</option>' in filtered
    theme_translation_create(other, "ar", "ضوابط التصدير")
    arabic = _reader(client, "ar").get("/catalogue/").text
    assert '<option value="export-controls">ضوابط التصدير</option>' in arabic
    assert '<option value="civil-military-relations" lang="en" dir="ltr">Civil-military relations</option>' in arabic
    english = _reader(client, "en").get("/catalogue/").text
    assert '<option value="export-controls">Export controls</option>' in english  # the page's own language
    assert len(_theme_options(english)) == 3  # "any theme" and the two source themes


def test_a_translated_course_page_marks_a_theme_whose_words_differ_from_its_own(client, course, french_theme):
    # The course is not translated into French: its words are English, the theme's French.
    page = _reader(client, "fr").get(course.url)
    assert f'lang="fr" dir="ltr">{FRENCH_NAME}</a>' in page.text
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    page = client.get(course.url)
    assert f'<a href="/catalogue/?theme=civil-military-relations">{FRENCH_NAME}</a>' in page.text


def test_theme_filter_keeps_working_by_the_source_slug_in_every_language(client, course, other_course, french_theme):
    for language in ("en", "fr", "ar"):
        page = _reader(client, language).get("/catalogue/", {"theme": "civil-military-relations"})
        assert page.text.count('class="card"') == 1, language
        assert "civilian-control" in page.text


def test_a_theme_filter_by_translated_name_is_not_understood_and_ignored(client, course, other_course, french_theme):
    page = _reader(client, "fr").get("/catalogue/", {"theme": FRENCH_NAME})
    assert page.status_code == 200
    assert 'class="message message--warning"' in page.text
    assert page.text.count('class="card"') == 2  # the filter is ignored, both courses listed


def test_catalogue_search_finds_courses_by_a_themes_name_in_any_language(client, course, other_course, french_theme):
    page = _reader(client, "fr").get("/catalogue/", {"q": "civilo-militaires"})
    assert page.text.count('class="card"') == 1 and "civilian-control" in page.text
    assert client.get("/catalogue/", {"q": "zzz-no-such-theme"}).text.count('class="card"') == 0


def test_filters_list_themes_in_the_readers_alphabetical_order(client, catalogue, theme):
    ThemeFactory(name="Doctrine and interoperability", slug="doctrine")
    ThemeFactory(name="Military ethics", slug="ethics")
    theme_translation_create(theme, "fr", "Relations civilo-militaires")
    theme_translation_create(Theme.objects.get(slug="doctrine", locale__language_code="en"), "fr", "Doctrine")
    theme_translation_create(Theme.objects.get(slug="ethics", locale__language_code="en"), "fr", "Éthique militaire")
    options = list(_theme_options(_reader(client, "fr").get("/catalogue/").text).values())
    # É among the e's, as a French dictionary files it, not after z.
    assert options[1:] == ["Doctrine", "Éthique militaire", "Relations civilo-militaires"]
    options = list(_theme_options(_reader(client, "en").get("/catalogue/").text).values())
    assert options[1:] == ["Civil-military relations", "Doctrine and interoperability", "Military ethics"]


def test_a_translation_keeps_the_source_slug_and_names_are_unique_per_language(theme, french_theme):
    assert french_theme.slug == theme.slug and french_theme.translation_key == theme.translation_key
    assert french_theme.locale.language_code == "fr"
    # The same words may name themes in two languages...
    theme_translation_create(ThemeFactory(name="Doctrine", slug="doctrine"), "fr", "Doctrine")
    # ...but not two themes of one language.
    duplicate = Theme(name=FRENCH_NAME, slug="another", locale=Locale.objects.get(language_code="fr"))
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert "name" in str(refused.value) or "Name" in str(refused.value)
    same_slug = Theme(name="Another theme", slug=theme.slug, locale=theme.locale)
    with pytest.raises(ValidationError):
        same_slug.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(name="Autre", slug=theme.slug, locale=french_theme.locale)


def test_a_theme_has_one_translation_per_language(theme, french_theme):
    with pytest.raises(ValidationError):
        theme_translation_create(theme, "fr", "Un autre nom")


def test_courses_choose_among_source_themes_only(course, theme, french_theme):
    form_class = CoursePage.get_edit_handler().get_form_class()
    choices = form_class(instance=course, for_user=None).fields["themes"].queryset
    assert theme in choices and french_theme not in choices
    assert list(theme_list()) == [theme]


def test_glossary_terms_choose_among_source_themes_only(theme, french_theme):
    from django.forms import modelform_factory

    from courses.models import GlossaryTerm

    choices = modelform_factory(GlossaryTerm, fields=["theme"])().fields["theme"].queryset
    assert theme in choices and french_theme not in choices


def test_deleting_a_source_theme_deletes_its_translations_and_deleting_a_translation_keeps_the_source(
    theme, french_theme
):
    spanish = theme_translation_create(theme, "es", "Relaciones cívico-militares")
    spanish.delete()
    assert set(Theme.objects.filter(translation_key=theme.translation_key)) == {theme, french_theme}
    theme.delete()
    assert not Theme.objects.filter(translation_key=theme.translation_key).exists()


def test_themes_in_language_costs_one_query_for_any_number_of_themes(django_assert_num_queries, catalogue):
    themes = [ThemeFactory() for _ in range(6)]
    for theme in themes[:4]:
        theme_translation_create(theme, "fr", f"{theme.name} (FR)")
    with django_assert_num_queries(1):
        themes_in_language(themes, "fr")
    assert [t.name.endswith("(FR)") for t in themes] == [True] * 4 + [False] * 2
    assert {t.content_language for t in themes} == {"fr", "en"}
    with django_assert_num_queries(0):
        themes_in_language(themes, "en")  # the source's words: nothing to fetch
        themes_in_language(themes, "xx")  # not a language of the site: the source's words
        themes_in_language([], "fr")


def test_featured_and_catalogue_cards_dress_their_themes_with_a_fixed_number_of_queries(catalogue):
    themes = [ThemeFactory() for _ in range(3)]
    home = catalogue.get_parent()

    def count(language):
        with CaptureQueriesContext(connection) as captured:
            courses = course_list_featured(home=home, language=language)
            result = catalogue_search(catalogue=catalogue, params={}, language=language)
            names = [t.name for c in [*courses, *result["courses"]] for t in c.themes.all()]
        return len(captured), names

    for _ in range(2):
        CoursePageFactory(parent=catalogue, themes=themes, publish="direct")
    theme_translation_create(themes[0], "fr", "Premier")
    small, names = count("fr")
    assert "Premier" in names
    more = [ThemeFactory() for _ in range(5)]
    for theme in more:
        theme_translation_create(theme, "fr", f"{theme.name} (FR)")
    for _ in range(6):
        CoursePageFactory(parent=catalogue, themes=[*themes, *more], publish="direct")
    large, names = count("fr")
    assert large == small
    assert any(name.endswith("(FR)") for name in names)


def test_saving_a_theme_translation_refreshes_the_cached_course_page(client, course, theme):
    assert "Civil-military relations</a>" in _reader(client, "fr").get(course.url).text
    theme_translation_create(theme, "fr", FRENCH_NAME)
    assert f"{FRENCH_NAME}</a>" in client.get(course.url).text


def test_only_administrators_translate_themes(client, instructor, manager, admin_user, theme):
    from courses.services import course_roles_permissions_ensure

    course_roles_permissions_ensure()
    url = reverse("wagtail_localize:submit_snippet_translation", args=["courses", "theme", theme.pk])
    french = Locale.objects.get_or_create(language_code="fr")[0]
    for person in (instructor, manager):
        client.force_login(person)
        refused = client.post(url, {"locales": [french.pk]})
        assert refused.status_code in (302, 403) and refused.get("Location", "/admin/") == "/admin/"
    assert not Theme.objects.filter(locale=french).exists()
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"locales": [french.pk]}).status_code == 302
    assert Theme.objects.get(locale=french).slug == theme.slug


def test_unknown_snippet_or_theme_to_translate_is_not_found(client, admin_user, theme):
    client.force_login(admin_user)
    missing = reverse("wagtail_localize:submit_snippet_translation", args=["courses", "theme", 999999])
    assert client.get(missing).status_code == 404
    unknown = reverse("wagtail_localize:submit_snippet_translation", args=["courses", "nothing", theme.pk])
    assert client.get(unknown).status_code == 404
