"""The home and catalogue pages' own words in the reader's language, and a card naming the language it is written in."""

import re

from django.utils.translation import get_language_info

import pytest

from courses.models import CatalogueIndexPage, HomePage
from courses.services import TranslationRefused, page_translation_save

pytestmark = pytest.mark.django_db

HOME_FR = ("Formation militaire professionnelle en ligne", "<p>Des cours pour les officiers de tous les pays.</p>")
CATALOGUE_FR = ("Catalogue des cours", "<p>Choisissez un cours par thème, niveau ou langue.</p>")


def _reader(client, language):
    client.cookies["lms_language"] = language
    return client


def _card_language(html, slug) -> str:
    """The language a course's card says it is written in (the third part of its meta line)."""
    card = re.search(rf'<article class="card">(?:(?!</article>).)*?/catalogue/{slug}/.*?</article>', html, re.S)
    meta = re.search(r'<p class="card__meta">(.*?)</p>', card.group(0), re.S).group(1)
    return re.findall(r"<span[^>]*>([^<]*)</span>", meta)[-1]


@pytest.fixture
def french_site(catalogue):
    home = catalogue.get_parent().specific
    page_translation_save(source=home, language="fr", fields={"title": HOME_FR[0], "intro": HOME_FR[1]})
    page_translation_save(source=catalogue, language="fr", fields={"title": CATALOGUE_FR[0], "intro": CATALOGUE_FR[1]})
    return home, catalogue


def test_french_reader_reads_french_headings_on_the_home_and_catalogue_pages(client, course, french_site):
    home = _reader(client, "fr").get("/")
    assert f"<h1>{HOME_FR[0]}</h1>" in home.text and HOME_FR[1] in home.text
    assert "Professional military education online" not in home.text
    catalogue = client.get("/catalogue/")
    assert f"<h1>{CATALOGUE_FR[0]}</h1>" in catalogue.text and CATALOGUE_FR[1] in catalogue.text
    # Written in the reader's language: nothing to mark.
    assert '<div class="content-language">' in catalogue.text


def test_english_reader_keeps_the_original_headings(client, french_site):
    assert "<h1>Professional military education online</h1>" in _reader(client, "en").get("/").text
    assert "<h1>Course catalogue</h1>" in client.get("/catalogue/").text


def test_a_reader_without_translation_reads_the_original_marked_english(client, french_site):
    page = _reader(client, "ru").get("/")
    assert "<h1>Professional military education online</h1>" in page.text
    assert '<div class="content-language" lang="en" dir="ltr">' in page.text
    arabic = _reader(client, "ar").get("/catalogue/")
    assert '<div class="content-language" lang="en" dir="ltr">\n<h1>Course catalogue</h1>' in arabic.text


def test_the_alias_a_translated_course_makes_of_its_parents_lends_no_words(client, course):
    # Translating a course makes aliases of the home and catalogue pages, which repeat the English.
    page_translation_save(source=course, language="es", fields={"title": "Control civil"})
    assert HomePage.objects.filter(locale__language_code="es", alias_of__isnull=False).exists()
    page = _reader(client, "es").get("/catalogue/")
    assert '<div class="content-language" lang="en" dir="ltr">\n<h1>Course catalogue</h1>' in page.text
    # Translating the page itself turns its alias into a translation, which then lends its words.
    catalogue = CatalogueIndexPage.objects.get(locale__language_code="en")
    page_translation_save(source=catalogue, language="es", fields={"title": "Catálogo de cursos"})
    assert "<h1>Catálogo de cursos</h1>" in client.get("/catalogue/").text


def test_a_draft_translation_of_the_home_page_is_not_shown(client, catalogue):
    home = catalogue.get_parent().specific
    page_translation_save(source=home, language="fr", fields={"title": "Brouillon"}, publish=False)
    assert "Brouillon" not in _reader(client, "fr").get("/").text


def test_the_home_page_translates_only_its_title_intro_and_search_words(catalogue):
    home = catalogue.get_parent().specific
    with pytest.raises(TranslationRefused):
        page_translation_save(source=home, language="fr", fields={"slug": "accueil"})
    with pytest.raises(TranslationRefused):
        page_translation_save(source=home, language="xx", fields={"title": "?"})


def test_a_translated_courses_card_names_the_language_it_is_read_in(client, course, other_course):
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    page = _reader(client, "fr").get("/catalogue/")
    assert _card_language(page.text, "civilian-control") == "Français"
    assert '<span lang="fr">Français</span>' in page.text
    # It still says which languages the course reads in, its original first.
    assert re.search(r'<span lang="en">English</span>, <span lang="fr">français</span>', page.text)
    # A course not translated into French is read in English.
    assert _card_language(page.text, "export-controls") == "English"
    # An English reader reads the original.
    english = _reader(client, "en").get("/catalogue/")
    assert _card_language(english.text, "civilian-control") == "English"
    # So do the home page's featured courses.
    assert _card_language(_reader(client, "fr").get("/").text, "civilian-control") == "Français"


def test_an_arabic_courses_card_names_arabic_for_its_readers_and_english_for_others(client, course):
    page_translation_save(source=course, language="ar", fields={"title": "الرقابة المدنية"})
    arabic = get_language_info("ar")["name_local"]  # the language's name in itself, as "Available in" gives it
    assert _card_language(_reader(client, "ar").get("/catalogue/").text, "civilian-control") == arabic
    assert _card_language(_reader(client, "ru").get("/catalogue/").text, "civilian-control") == "English"
