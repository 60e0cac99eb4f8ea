# ruff: noqa: RUF001 - look-alike letters, apostrophes and dashes are what is tested here
"""lms.core.text: how answers are compared and glossaries sorted in the platform's languages."""

import re

import pytest

from lms.core.text import (
    ARABIC_PROCLITICS,
    answer_normalise,
    arabic_word_forms,
    arabic_word_pattern,
    collation_key,
    fold,
    fold_mapped,
    index_letter,
)


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("élite", "elite"),
        ("ÉLITE", "elite"),
        ("l’armée", "l'armee"),
        ("l‘armée", "l'armee"),
        ("lʼarmée", "l'armee"),
        ("l`armée", "l'armee"),
        ("cœur", "coeur"),
        ("ﬁn", "fin"),  # a ligature from a PDF copy
        ("ＳＳＲ", "ssr"),  # full-width letters from an East Asian keyboard
        ("post–conflict", "post-conflict"),
        ("post—conflict", "post-conflict"),
        ("  civilian\u00a0\u00a0 control\t", "civilian control"),
        ("«Parliament».", "parliament"),
        ("(Parliament)?", "parliament"),
        ("“Parliament”!", "parliament"),
        ("e\u0301lite", "elite"),  # the accent typed apart from its letter
        ("re\u00adform", "reform"),  # a soft hyphen pasted from a web page
        ("الرَّقَابَةُ المَدَنِيَّةُ", "الرقابه المدنيه"),
        ("الرقـــابة", "الرقابه"),
        ("أمن", "امن"),
        ("إصلاح", "اصلاح"),
        ("آمن", "امن"),
        ("مستشفى", "مستشفي"),
        ("ﻻ", "لا"),  # an Arabic presentation form
        ("٣٤٥", "345"),
        ("۳۴۵", "345"),
        ("ی", "ي"),  # a Persian keyboard's yeh
        ("؟السيطرة المدنية،", "السيطره المدنيه"),  # Arabic punctuation around the answer
        ("Ёлка", "елка"),
        ("вода́", "вода"),  # a stress mark
    ],
)
def test_answer_normalise_sets_aside_what_keyboards_and_typography_change(typed, expected):
    assert answer_normalise(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "...", " ?! ", "«»", "…", "\u200f", "؟،"])
def test_answer_normalise_of_nothing_but_spaces_and_punctuation_is_empty(typed):
    assert answer_normalise(typed) == ""


def test_answer_normalise_keeps_what_spells_a_different_word():
    assert answer_normalise("мой") != answer_normalise("мои")  # й is a letter of its own
    assert answer_normalise("ؤ") != answer_normalise("و")  # hamza on waw is not set aside, only the alef's
    assert answer_normalise("l'armée") != answer_normalise("larmee")
    assert answer_normalise("post-conflict") != answer_normalise("postconflict")


def test_answer_normalise_keeps_case_when_asked_but_not_accents():
    assert answer_normalise("  Élite. ", case_sensitive=True) == "Elite"
    assert answer_normalise("NATO", case_sensitive=True) != answer_normalise("Nato", case_sensitive=True)
    assert answer_normalise("Ёлка", case_sensitive=True) == "Елка"


def test_fold_keeps_latin_accents_unless_told_and_maps_every_character_back():
    assert fold("Côte") == "côte"
    assert fold("Côte", keep_accents=False) == "cote"
    text = "والرَّقابةُ هنا"
    folded, where = fold_mapped(text)
    assert folded == "والرقابه هنا"
    start = folded.index("الرقابه")
    end = start + len("الرقابه")
    assert text[where[start] : where[end]] == "الرَّقابةُ"  # the marks after the last letter stay with the word
    assert len(where) == len(folded) + 1 and where[-1] == len(text)


@pytest.mark.parametrize(
    "term,text,found",
    [
        ("رقابة", "والرقابة", True),
        ("رقابة", "بالرقابة", True),
        ("رقابة", "للرقابة", True),
        ("رقابة", "فالرقابة", True),
        ("رقابة", "ورقابة", True),
        ("رقابة", "كرقابة", True),
        ("الرقابة", "رقابة", True),
        ("الرقابة", "وللرقابة", True),
        ("رقابة", "مرقابة", False),  # م is no proclitic
        ("رقابة", "ووالرقابة", False),
    ],
)
def test_arabic_word_pattern_takes_the_article_and_proclitics(term, text, found):
    pattern = re.compile(rf"(?<!\w)(?:{ARABIC_PROCLITICS})?{arabic_word_pattern(term, first=True)}(?!\w)")
    assert (pattern.fullmatch(fold(text)) is not None) is found


def test_arabic_word_pattern_takes_only_the_article_after_the_first_word():
    assert re.fullmatch(arabic_word_pattern("مدنية", first=False), fold("المدنية"))
    assert not re.fullmatch(arabic_word_pattern("مدنية", first=False), fold("والمدنية"))
    assert arabic_word_forms("المدنية", first=False) == ("مدنيه", "المدنيه")
    assert arabic_word_forms("الرقابة", first=True) == ("رقابه",)


def test_the_article_is_recognised_as_written_not_once_folded():
    # آلية (mechanism) folds to the letters of ال + يه: it must not become the two letters يه.
    assert arabic_word_forms("آلية", first=True) == ("اليه",)
    assert not re.fullmatch(rf"(?:{ARABIC_PROCLITICS})?{arabic_word_pattern('آلية', first=True)}", fold("فيه"))


def _sorted(words, language):
    return sorted(words, key=lambda word: collation_key(word, language))


def test_collation_follows_each_languages_dictionary_order():
    assert _sorted(["Zèbre", "école", "Élite", "cote", "côte", "Contrôle", "œuvre", "Oeuvre"], "fr") == [
        "Contrôle",
        "cote",
        "côte",
        "école",
        "Élite",
        "Oeuvre",
        "œuvre",
        "Zèbre",
    ]
    assert _sorted(["Жёсткость", "Ёмкость", "Ель", "Ешь", "Безопасность", "Йемен", "Игра"], "ru") == [
        "Безопасность",
        "Ель",
        "Ёмкость",
        "Ешь",
        "Жёсткость",
        "Игра",
        "Йемен",
    ]
    # The article aside, and the alef with or without hamza is one letter: أمن before بناء before الرقابة.
    assert _sorted(["الرقابة", "بناء", "أمن", "إصلاح", "تعريف", "ادارة"], "ar") == [
        "ادارة",
        "إصلاح",
        "أمن",
        "بناء",
        "تعريف",
        "الرقابة",
    ]
    assert _sorted(["oso", "ñandú", "nube", "nzz", "mano"], "es") == ["mano", "nube", "nzz", "ñandú", "oso"]
    assert _sorted(["oso", "ñandú", "nube", "nzz"], "pt") == ["ñandú", "nube", "nzz", "oso"]  # no ñ rule in pt


def test_index_letters_group_words_as_dictionaries_do():
    assert [index_letter(word, "fr") for word in ["Élite", "œuvre", "zèbre"]] == ["E", "O", "Z"]
    assert [index_letter(word, "ru") for word in ["Ёмкость", "Йемен", "игра"]] == ["Е", "Й", "И"]
    assert [index_letter(word, "ar") for word in ["الرقابة", "أمن", "إصلاح", "بناء"]] == ["ر", "ا", "ا", "ب"]
    assert index_letter("ñandú", "es") == "Ñ" and index_letter("ñandú", "pt") == "N"
    assert index_letter("  ", "fr") == ""


@pytest.mark.parametrize(
    "given,accepted",
    [("-5", "5"), ("C#", "C"), ("5%", "5"), ("R&D", "R"), ("24/7", "24"), ("−5", "5")],
)
def test_signs_and_symbols_at_the_edges_are_part_of_the_answer(given, accepted):
    assert answer_normalise(given) != answer_normalise(accepted)


def test_sentence_punctuation_around_the_answer_is_still_set_aside():
    assert answer_normalise("«Parliament.»") == answer_normalise("(parliament)") == "parliament"
    assert answer_normalise("-5.") == answer_normalise("−5") == "-5"
