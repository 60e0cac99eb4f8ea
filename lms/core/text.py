# ruff: noqa: RUF002, RUF003 - this module is about look-alike letters, apostrophes and dashes
"""Text compared and sorted the way readers of the platform's languages mean it.

Two apps use it: short-answer grading (``answer_normalise``, assessments.grading)
and the glossary (``fold_mapped`` and ``arabic_word_pattern`` to find terms in
module text, ``collation_key`` and ``index_letter`` to sort and group the list;
courses.selectors.glossary). Both set aside differences that come from the
keyboard, the font or the typesetting rather than from the words:

- Unicode compatibility forms (NFKC: ligatures, full-width letters, Arabic
  presentation forms) and case (``str.casefold``, unless asked to keep it);
- typographic apostrophes and quotes (’ ‘ ʼ ` ´ ′ → ', “ ” „ « » → "), hyphens,
  dashes and the minus sign (→ -), any kind of space (one space), and invisible
  format characters (soft hyphen, zero-width joiners, direction marks: removed);
- Arabic: the short-vowel and other marks (harakat, U+064B–U+0652, and the dagger
  alef U+0670) and the tatweel (U+0640) removed; أ إ آ ٱ → ا, ى → ي, ة → ه, and the
  Persian keyboard's ی ک → ي ك; Arabic-Indic and Persian digits → 0-9;
- Russian: ё is е (Russian is usually printed without the dots); й stays й, a
  letter of its own.

Latin accents are a choice of the caller (``keep_accents``). Short answers set
them aside (élite = elite, ç = c, ñ = n, œ = oe): students on a borrowed or
foreign keyboard often cannot type them, and no question on this platform turns
on an accent alone. The glossary keeps them when matching, because module text
is typed by authors with the right keyboard and côte is not cote.
"""

import functools
import re
import unicodedata

_APOSTROPHES = "\u2019\u2018\u02bc\u201b\u0060\u00b4\u2032\u02b9\u02bb"  # ’ ‘ ʼ ‛ ` ´ ′ ʹ ʻ
_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"  # “ ” „ ‟ « » ″
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u2043"  # ‐ ‑ ‒ – — ― − ﹘ ﹣ ⁃
ARABIC_MARKS = frozenset([*map(chr, range(0x064B, 0x0653)), "\u0670"])  # harakat, shadda, sukun; dagger alef
ARABIC_TATWEEL = "\u0640"
_ARABIC_LETTERS = {
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0622": "\u0627",  # آ -> ا
    "\u0671": "\u0627",  # ٱ (alef wasla) -> ا
    "\u0649": "\u064a",  # ى (alef maqsura) -> ي
    "\u0629": "\u0647",  # ة (taa marbuta) -> ه
    "\u06cc": "\u064a",  # ی (Persian yeh) -> ي
    "\u06a9": "\u0643",  # ک (Persian keheh) -> ك
}
_SINGLE = {
    **dict.fromkeys(_APOSTROPHES, "'"),
    **dict.fromkeys(_QUOTES, '"'),
    **dict.fromkeys(_DASHES, "-"),
    **_ARABIC_LETTERS,
    **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + n): str(n) for n in range(10)},  # Persian (Eastern Arabic-Indic) digits
    "\u0451": "\u0435",  # ё -> е
    "\u0401": "\u0415",  # Ё -> Е
}
_LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
_COMBINING_DIACRITICS = range(0x0300, 0x0370)  # the block Latin (and Cyrillic stress marks) use

ARABIC_ARTICLE = "\u0627\u0644"  # ال
_ARABIC = re.compile(r"[\u0600-\u06ff]")


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str, keep_case: bool, keep_accents: bool) -> str:
    if char in ARABIC_MARKS or char == ARABIC_TATWEEL or unicodedata.category(char) == "Cf":
        return ""
    if char.isspace():
        return " "
    text = _SINGLE.get(char, char)
    if not keep_case:
        text = text.casefold()
    if not keep_accents:
        text = "".join(_without_accent(one) for one in text)
    return text


def _without_accent(char: str) -> str:
    if char in _LIGATURES:
        return _LIGATURES[char]
    if ord(char) in _COMBINING_DIACRITICS:
        return ""  # a mark typed apart from its letter (é as e + ◌́, or a Russian stress mark)
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) > 1 and unicodedata.name(decomposed[0], "").startswith("LATIN"):
        # A Latin letter's diacritics go (é, ç, ñ, ã); й, ё and Arabic letters are not Latin.
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    return char


def fold(text: str, *, keep_case: bool = False, keep_accents: bool = True) -> str:
    """``text`` with the differences listed in the module's docstring set aside, character by character.

    No composition (NFKC) and no trimming: ``fold`` keeps every character's
    place, so that ``fold_mapped`` can say where each came from.
    """
    return "".join(_fold_char(char, keep_case, keep_accents) for char in text)


def fold_mapped(text: str, *, keep_case: bool = False, keep_accents: bool = True) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the index in ``text`` of the character it came from.

    A match found in the folded text from ``start`` to ``end`` is
    ``text[where[start]:where[end]]`` (``len(text)`` for an end at the end),
    so marks removed inside or right after a word stay with it.
    """
    out, where = [], []
    for index, char in enumerate(text):
        folded = _fold_char(char, keep_case, keep_accents)
        out.append(folded)
        where.extend([index] * len(folded))
    where.append(len(text))
    return "".join(out), where


def answer_normalise(text: str, *, case_sensitive: bool = False) -> str:
    """The form two short answers are compared in: equal forms are the same answer.

    NFKC, then ``fold`` without Latin accents (and without case unless
    ``case_sensitive``), spaces collapsed, and punctuation around the answer
    stripped ("Parliament." and «Parliament» are Parliament). Empty when
    nothing but spaces and punctuation was given: such an answer matches nothing.
    """
    folded = fold(unicodedata.normalize("NFKC", text), keep_case=case_sensitive, keep_accents=False)
    words = " ".join(folded.split())
    start, end = 0, len(words)
    while start < end and _is_edge(words[start]):
        start += 1
    while end > start and _is_edge(words[end - 1]):
        end -= 1
    return words[start:end]


# Punctuation that is part of an answer, not around it: a sign (-5 is not 5), C#, 5%, R&D, 24/7.
_KEPT_AT_EDGES = frozenset("-#%&*@/\\‰‱°")


def _is_edge(char: str) -> bool:
    """Spaces and sentence punctuation (full stops, commas, quotes, brackets), never a sign or a symbol."""
    return char == " " or (unicodedata.category(char).startswith("P") and char not in _KEPT_AT_EDGES)


def is_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


# What Arabic writes joined before a word: و (and) or ف (so), then ب (with), ك (like) or ل (for), then
# the article ال (ل with the article is written لل): و، ب، ال، وال، بال، وبال، لل، ولل...
ARABIC_PROCLITICS = "(?:[وف](?:[بك]?ال|لل|[بكل])?|[بك]?ال|لل|[بكل])"  # never empty


def arabic_word_pattern(word: str, *, first: bool, as_written: bool = False) -> str:
    """A regular expression for an Arabic word of a term, in folded text.

    Arabic writes the article ال and the one-letter proclitics و (and), ف (so),
    ب (with), ك (like), ل (for) joined to the word: "رقابة" is also read in
    "والرقابة", "بالرقابة", "للرقابة". Every word may take or drop the article
    (a term written "الرقابة المدنية" names the same thing as "رقابة مدنية"), so
    the pattern is the word without it, and a following word's allows it in
    front. The first word's is its stem alone, a literal: the caller puts
    ``ARABIC_PROCLITICS`` (optional) before the whole set of terms, once, so the
    regular expression engine can still skip a term by its first letter. The
    article is recognised in the word as written (آلية is not ال + يه).
    Suffixes (ها، ات) are not handled: add such forms to the term's "also matches".

    A word that begins with the letters ا ل may not carry the article at all
    (التزام, commitment: the ل is the root's), and then takes one of its own
    (الالتزام): ``as_written`` gives the pattern of the word as written, whole,
    which the caller adds beside the stem's for such a first word.
    """
    stem_pattern = re.escape(fold(word) if as_written else _arabic_stem(word))
    return stem_pattern if first else f"(?:ال)?{stem_pattern}"


def arabic_word_forms(word: str, *, first: bool, as_written: bool = False) -> tuple[str, ...]:
    """What ``arabic_word_pattern`` matches, spelled out (folded): the stem, and after the first word also with ال."""
    stem = fold(word) if as_written else _arabic_stem(word)
    return (stem,) if first else (stem, ARABIC_ARTICLE + stem)


def arabic_may_hold_article(word: str) -> bool:
    """Whether an Arabic word's first letters read as the article, which may also be the word's own (التزام)."""
    return is_arabic(word) and fold(word).startswith(ARABIC_ARTICLE) and _arabic_stem(word) != fold(word)


def _arabic_stem(word: str) -> str:
    if word.startswith(ARABIC_ARTICLE) and len(fold(word[2:])) >= 2:
        word = word[2:]
    return fold(word)


@functools.cache
def _collator():
    import pyuca  # loads the Unicode Collation Algorithm's table (DUCET) once per process

    return pyuca.Collator()


_AFTER_EVERY_LETTER = "\uffff"  # a primary weight above every letter's


def _sorting_form(text: str) -> str:
    """The text as an index reads it: the Arabic article aside, Arabic letters folded."""
    text = unicodedata.normalize("NFC", text.strip())
    if text.startswith(ARABIC_ARTICLE) and len(text) > 3:
        text = text[2:]  # Arabic dictionaries file a word under its first letter after the article
    if is_arabic(text):
        # Arabic's own order treats the alef forms as one letter and ignores the marks (as CLDR's Arabic
        # tailoring does); the DUCET alone files أ apart from ا. ة sorts with ت, as in CLDR.
        text = fold(text.replace("\u0629", "\u062a"), keep_case=True)
    return text


def _spanish(language: str) -> bool:
    return language.split("-")[0].lower() == "es"


def collation_key(text: str, language: str) -> tuple:
    """A sort key that puts words in the order of the language's dictionaries.

    The Unicode Collation Algorithm (pyuca, with its default table, the
    DUCET): accents and case come second to the letters (French côte among the
    c's, Russian ё with е), each script in its alphabet's order. On top of it,
    the rules of the platform's languages the DUCET lacks: Arabic sets its
    article ال aside and reads أ إ آ ٱ as ا; Spanish files ñ as a letter after
    n. Ties are broken by the text as written, so the order is stable.
    """
    form = _sorting_form(text)
    if _spanish(language):
        form = form.replace("ñ", "n" + _AFTER_EVERY_LETTER).replace("Ñ", "N" + _AFTER_EVERY_LETTER)
    collator = _collator()
    return (collator.sort_key(form), collator.sort_key(text), text)


def index_letter(text: str, language: str) -> str:
    """The letter a word is listed under: É under E, Ё under Е, أ under ا, the Arabic article aside.

    Й stays Й (a letter of its own in Russian), and in Spanish Ñ stays Ñ.
    """
    for char in _sorting_form(text):
        if char.isalnum():
            if _spanish(language) and char in "ñÑ":
                return "Ñ"
            return fold(unicodedata.normalize("NFKC", char), keep_accents=False)[:1].upper()
    return text.strip()[:1]
