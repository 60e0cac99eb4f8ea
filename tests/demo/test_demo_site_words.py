"""The demo's home and catalogue pages and its themes, in the five languages besides English."""

from django.core.management import call_command
from django.utils.html import escape

from courses.models import CatalogueIndexPage, CoursePage, HomePage, Theme
from lms.demo import site_words
from lms.demo.management.commands.seed_demo import THEMES

LANGUAGES = ("fr", "es", "pt", "ru", "ar")


def test_seed_demo_translates_the_home_and_catalogue_pages_and_every_theme(client, seeded):
    for language in LANGUAGES:
        client.cookies["lms_language"] = language
        home_title, home_intro = site_words.SITE_PAGES[language]["home"]
        home = client.get("/")
        assert f"<h1>{home_title}</h1>" in home.text and home_intro in home.text, language
        catalogue_title, _intro = site_words.SITE_PAGES[language]["catalogue"]
        page = client.get("/catalogue/")
        assert f"<h1>{catalogue_title}</h1>" in page.text, language
        assert "<h1>Course catalogue</h1>" not in page.text
        for slug, _name, _text in THEMES:
            name = site_words.THEMES[slug][language][0]
            assert f'<option value="{slug}">{escape(name)}</option>' in page.text, (language, slug)
    # Real translations, published; courses keep pointing at the English themes.
    for model in (HomePage, CatalogueIndexPage):
        translated = model.objects.filter(alias_of__isnull=True, live=True).exclude(locale__language_code="en")
        assert set(translated.values_list("locale__language_code", flat=True)) == set(LANGUAGES)
    assert Theme.objects.count() == len(THEMES) * (1 + len(LANGUAGES))
    used = Theme.objects.filter(courses__isnull=False).values_list("locale__language_code", flat=True)
    assert set(used) == {"en"}
    assert CoursePage.objects.filter(locale__language_code="en").count() >= 5


def test_seed_demo_twice_adds_no_theme_or_page_translation(seeded):
    counts = (Theme.objects.count(), HomePage.objects.count(), CatalogueIndexPage.objects.count())
    assert site_words.site_pages_load() == 0 and site_words.themes_load() == 0
    call_command("seed_demo", verbosity=0)
    assert (Theme.objects.count(), HomePage.objects.count(), CatalogueIndexPage.objects.count()) == counts


def test_every_demo_theme_and_page_is_worded_in_every_language():  # no database
    slugs = {slug for slug, _name, _text in THEMES}
    assert set(site_words.THEMES) == slugs
    for slug, languages in site_words.THEMES.items():
        assert set(languages) == set(LANGUAGES), slug
        names = [name for name, _description in languages.values()]
        assert all(name.strip() and description.strip() for name, description in languages.values())
        assert len(set(names)) == len(names)
    for language, pages in site_words.SITE_PAGES.items():
        assert set(pages) == {"home", "catalogue"}, language
        assert all(title and intro.startswith("<p>") for title, intro in pages.values())
    # Names are unique within each language (the database refuses two themes of one name in a language).
    for language in LANGUAGES:
        names = [site_words.THEMES[slug][language][0] for slug in slugs]
        assert len(set(names)) == len(names), language
