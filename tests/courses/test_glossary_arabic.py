# ruff: noqa: RUF001 - Arabic, Cyrillic letters and typographic apostrophes are what is tested here
"""The glossary in Arabic (and the other scripts): terms found as Arabic writes them, lists in each alphabet's order."""

import re

from wagtail.models import Locale

import pytest

from courses.glossary import glossary_mark
from courses.models import GlossaryTerm

pytestmark = pytest.mark.django_db


def _locale(code):
    return Locale.objects.get_or_create(language_code=code)[0]


def _term(term, language="ar", definition="تعريف.", **fields):
    return GlossaryTerm.objects.create(term=term, definition=definition, locale=_locale(language), **fields)


def _marked_words(html):
    """The words each glossary link wraps, in order."""
    return re.findall(r'<a class="glossary-term"[^>]*>(.*?)</a>', html, re.DOTALL)


@pytest.mark.parametrize(
    "text,marked",
    [
        ("<p>تعزيز الرقابة المدنية على القوات.</p>", "الرقابة المدنية"),
        ("<p>ندعو إلى رقابة مدنية فعالة.</p>", "رقابة مدنية"),
        ("<p>الأمن والرقابة المدنية متلازمان.</p>", "والرقابة المدنية"),
        ("<p>يلتزم بالرقابة المدنية.</p>", "بالرقابة المدنية"),
        ("<p>دعم للرقابة المدنية.</p>", "للرقابة المدنية"),
        ("<p>وللرقابة المدنية دور.</p>", "وللرقابة المدنية"),
        ("<p>فالرقابة المدنية أساس.</p>", "فالرقابة المدنية"),
        ("<p>تعزيز الرَّقَابَةُ المَدَنِيَّةُ هنا.</p>", "الرَّقَابَةُ المَدَنِيَّةُ"),  # vowelled: the marks stay
        ("<p>تعزيز الرقـــابة المدنيـة هنا.</p>", "الرقـــابة المدنيـة"),  # tatweel
        ("<p>تعزيز الرقابه المدنيه هنا.</p>", "الرقابه المدنيه"),  # heh written for taa marbuta
        ("<p>الرقابة\n  المدنية</p>", "الرقابة\n  المدنية"),  # any run of spaces between the words
    ],
)
def test_an_arabic_term_is_found_with_its_article_prefixes_and_marks(text, marked):
    _term("رقابة مدنية")
    html, used = glossary_mark(text, "ar")
    assert _marked_words(html) == [marked]
    assert [entry.term for entry in used] == ["رقابة مدنية"]
    # Nothing of the text is lost or changed around the link.
    assert re.sub(r"<a [^>]*>|</a>", "", html) == text


def test_an_arabic_term_is_found_whatever_hamza_the_alef_is_written_with():
    _term("أمن")
    _term("إصلاح قطاع الأمن")
    html, used = glossary_mark("<p>اصلاح قطاع الامن يعزز الأمن.</p>", "ar")
    # The longest term first; the shorter one is found where it stands alone.
    assert _marked_words(html) == ["اصلاح قطاع الامن", "الأمن"]
    assert [entry.term for entry in used] == ["إصلاح قطاع الأمن", "أمن"]


def test_arabic_matching_stays_on_whole_words():
    _term("رقابة")
    for text in ("<p>مرقابة</p>", "<p>رقابات</p>", "<p>ووالرقابة</p>", "<p>الرقابةالمدنية</p>"):
        html, used = glossary_mark(text, "ar")
        assert used == [], text
        assert html == text


def test_a_word_beginning_like_the_article_is_not_cut_short():
    _term("آلية")  # "mechanism": its letters, folded, begin like the article ال
    html, _ = glossary_mark("<p>فيه آليات و آلية الرقابة.</p>", "ar")
    assert _marked_words(html) == ["آلية"]  # not فيه (ف + يه), nor the plural آليات


def test_a_word_whose_own_letters_begin_like_the_article_is_found_with_the_article_added():
    _term("التزام")  # "commitment": its alef-lam are the word's own, and it takes the article too
    for written in ("التزام", "والتزام", "الالتزام", "بالالتزام"):
        html, _ = glossary_mark(f"<p>نص عن {written} الدول.</p>", "ar")
        assert _marked_words(html) == [written]


def test_a_suffixed_form_is_found_through_also_matches():
    _term("رقابة", also_matches="رقابتها\nرقابات")
    html, _ = glossary_mark("<p>تعزيز رقابتها.</p>", "ar")
    assert _marked_words(html) == ["رقابتها"]


def test_a_translated_arabic_term_is_found_in_the_arabic_text():
    source = _term("Civilian control", language="en", definition="Elected civilians decide.")
    translation = source.copy_for_translation(_locale("ar"))
    translation.term, translation.definition, translation.approved = "السيطرة المدنية", "يقرر المدنيون.", True
    translation.save()
    html, used = glossary_mark("<p>تقوم السيطرةُ المدنيةُ على القانون.</p>", "ar")
    assert _marked_words(html) == ["السيطرةُ المدنيةُ"]
    assert used[0].definition == "يقرر المدنيون."


def test_typographic_apostrophes_and_case_do_not_hide_a_term():
    _term("l'armée", language="fr", definition="Les forces terrestres.")
    _term("État de droit", language="fr", definition="Le droit s'impose à tous.")
    html, used = glossary_mark("<p>L’armée et l’état de droit ; l&#x27;armée encore.</p>", "fr")
    assert _marked_words(html) == ["L’armée", "état de droit"]
    # Latin accents still count in module text: etat is not État.
    _, used = glossary_mark("<p>etat de droit</p>", "fr")
    assert used == []


def test_latin_terms_are_matched_as_before():
    _term("Security sector reform", language="en", definition="Reform.", abbreviation="SSR")
    html, _ = glossary_mark("<p>SECURITY SECTOR REFORM and SSR.</p>", "en")
    assert _marked_words(html) == ["SECURITY SECTOR REFORM"]


def _letters_and_terms(client, language):
    client.cookies["lms_language"] = language
    text = client.get("/glossary/").text
    section = text[text.index('class="glossary-letter"') :]
    letters = re.findall(r'<h2 id="letter-\d+" lang="[^"]+">([^<]+)</h2>', section)
    terms = re.findall(r"<dt[^>]*>\s*(?:<[^>]+>\s*)*([^<]+?)\s*<", section)
    return letters, terms


def test_the_arabic_glossary_sorts_by_letter_with_the_article_and_hamza_aside(client):
    for word in ("الرقابة", "بناء", "أمن", "إصلاح", "ادارة", "تدريب", "الأمن الإنساني"):
        _term(word)
    letters, terms = _letters_and_terms(client, "ar")
    assert letters == ["ا", "ب", "ت", "ر"]
    assert terms == ["ادارة", "إصلاح", "أمن", "الأمن الإنساني", "بناء", "تدريب", "الرقابة"]


def test_the_russian_glossary_files_yo_under_ye_and_short_i_apart(client):
    for word in ("Йемен", "Ёмкость", "Единство", "Игра", "Жёсткость", "Ешь"):
        _term(word, language="ru", definition="Определение.")
    letters, terms = _letters_and_terms(client, "ru")
    assert letters == ["Е", "Ж", "И", "Й"]
    assert terms == ["Единство", "Ёмкость", "Ешь", "Жёсткость", "Игра", "Йемен"]


def test_the_french_and_spanish_glossaries_follow_their_alphabets(client):
    for word in ("Zèbre", "École", "Élite", "Contrôle", "Œuvre", "Côte", "Cote"):
        _term(word, language="fr", definition="Définition.")
    letters, terms = _letters_and_terms(client, "fr")
    assert letters == ["C", "E", "O", "Z"]
    assert terms == ["Contrôle", "Cote", "Côte", "École", "Élite", "Œuvre", "Zèbre"]
    for word in ("Ñandú", "Nube", "Oso", "Nzz"):
        _term(word, language="es", definition="Definición.")
    letters, terms = _letters_and_terms(client, "es")
    assert letters == ["N", "Ñ", "O"]
    assert terms == ["Nube", "Nzz", "Ñandú", "Oso"]
