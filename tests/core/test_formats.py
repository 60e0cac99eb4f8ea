"""Numbers, percentages and country names as the reader's language writes and sorts them."""

from pathlib import Path

from django.template import Context, Template
from django.utils import translation

from django_countries import countries

from lms.core.templatetags.lms_formats import percent, percent_score
from lms.reports.filters import name_sort_key


def test_percent_writes_the_decimal_separator_of_the_language():
    with translation.override("en"):
        assert percent(0.125, 0) == "12%"
        assert percent(12.5, 1) == "12.5%"
        assert percent(None) == "\u2013"
    for language in ("fr", "es", "pt", "ru"):
        with translation.override(language):
            assert percent(12.5, 1).startswith("12,5"), language


def test_a_score_has_two_decimals_only_when_it_is_not_whole():
    with translation.override("en"):
        assert (percent_score(87.5), percent_score(50), percent_score(66.666)) == ("87.50%", "50%", "66.67%")
    with translation.override("fr"):
        assert percent_score(87.5).startswith("87,50")


def test_the_percent_msgid_has_no_escape_so_its_translation_can_match():
    """The msgid the code asks for is the plain one; an escaped no-break space never matched the catalogue."""
    source = Path(percent.__code__.co_filename).read_text(encoding="utf-8")
    assert 'gettext("%(number)s%%")' in source
    assert "\\u00a0%%" not in source


def test_the_filters_load_in_templates_of_any_app():
    rendered = Template("{% load lms_formats %}{{ share|percent }} {{ score|percent_score }}").render(
        Context({"share": 0.5, "score": 75.25})
    )
    with translation.override("en"):
        assert rendered == "50% 75.25%"


def test_names_sort_as_a_reader_expects_accents_and_case_aside():
    names = ["Espagne", "Émirats arabes unis", "Zambie", "Égypte", "estonie"]
    assert sorted(names, key=name_sort_key) == ["Égypte", "Émirats arabes unis", "Espagne", "estonie", "Zambie"]
    russian = ["Япония", "Египет", "Австрия", "Ёлка"]
    assert sorted(russian, key=name_sort_key) == ["Австрия", "Египет", "Ёлка", "Япония"]


def test_country_names_follow_the_interface_language_and_sort_in_it():
    with translation.override("fr"):
        assert countries.name("DE") == "Allemagne"
    for language in ("ru", "ar", "fr"):
        with translation.override(language):
            names = [country.name for country in countries]
        # Russian and Arabic names too (django-countries sorts with pyuca; without it they come out unsorted).
        assert names[:20] == sorted(names[:20], key=name_sort_key), language
