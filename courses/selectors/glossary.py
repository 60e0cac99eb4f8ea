"""Reads of the glossary: which entry a reader of a language sees for each term.

A language's glossary is every term of the default (source) language, each
shown in its approved translation in that language when there is one, else
as the source (marked with the source's language), plus any term written
directly in that language. It is worked out in one query and kept in the
cache under the glossary version, which every save or delete of a term
bumps; the regular expression that finds the terms in module text is built
once per process and version.
"""

import itertools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.html import escape

from lms.core import pagecache
from lms.core.text import (
    ARABIC_PROCLITICS,
    arabic_may_hold_article,
    arabic_word_forms,
    arabic_word_pattern,
    collation_key,
    fold,
    fold_mapped,
    is_arabic,
)

from ..models.glossary import GLOSSARY_VERSION_KEY, GlossaryTerm, glossary_variants
from .translation import default_language, language_direction


@dataclass(frozen=True)
class GlossaryEntry:
    """A term as a reader of one language sees it."""

    anchor: str  # the same in every language (from the translation key)
    term: str
    abbreviation: str
    definition: str
    language: str  # of the term and definition shown: the source's when the translation is not approved
    direction: str
    words: tuple[str, ...] = field(default=())  # what is matched in text, the term first


@dataclass(frozen=True)
class Glossary:
    language: str
    entries: tuple[GlossaryEntry, ...]
    stamp: str  # new every time the glossary is worked out: names its compiled matcher


def glossary_anchor(translation_key) -> str:
    return f"term-{uuid.UUID(str(translation_key)).hex[:12]}"


def _words(*terms) -> list[str]:
    words = []
    for term in terms:
        if term is not None:
            words += [term.term, term.abbreviation, *glossary_variants(term.also_matches)]
    seen, unique = set(), []
    for word in words:
        word = " ".join(word.split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            unique.append(word)
    return unique


def _glossary_compute(language: str) -> Glossary:
    source_language = default_language()
    rows = (
        GlossaryTerm.objects.filter(locale__language_code__in={source_language, language})
        .select_related("locale")
        .order_by("pk")
    )
    by_key: dict = {}
    for row in rows:
        by_key.setdefault(row.translation_key, {})[row.locale.language_code] = row
    entries = []
    for key, versions in by_key.items():
        own, source = versions.get(language), versions.get(source_language)
        if own is not None and (own.approved or source is None or language == source_language):
            shown, shown_language = own, language
        else:
            shown, shown_language = source, source_language
        entries.append(
            GlossaryEntry(
                anchor=glossary_anchor(key),
                term=shown.term,
                abbreviation=shown.abbreviation,
                definition=shown.definition,
                language=shown_language,
                direction=language_direction(shown_language),
                # An unapproved translation's own words are still how the translated text names the term.
                words=tuple(_words(shown, own if own is not shown else None)),
            )
        )
    return Glossary(language=language, entries=tuple(entries), stamp=uuid.uuid4().hex)


def glossary_for_language(language: str) -> Glossary:
    """The glossary as a reader of ``language`` sees it: one cache round trip, one query when it changed."""
    return pagecache.cached_part(f"glossary:{language}", [GLOSSARY_VERSION_KEY], lambda: _glossary_compute(language))


def glossary_sorted(glossary: Glossary) -> list[GlossaryEntry]:
    return sorted(glossary.entries, key=lambda entry: collation_key(entry.term, glossary.language))


@dataclass(frozen=True)
class GlossaryMatcher:
    pattern: re.Pattern | None  # every word form, in folded text (lms.core.text.fold)
    entry_for_words: dict  # each way the pattern matches a term, folded, one space between words -> entry


_matchers: dict[tuple[str, str], GlossaryMatcher] = {}
_MOST_OPTIONAL_ARTICLES = 5  # a term's words beyond the fifth keep their article as written (2**5 spellings)


def _word_pattern(word: str, *, as_written: bool = False) -> str:
    """A word as it may appear in folded text: any run of spaces between its parts, Arabic with its article.

    It starts with a literal character and holds no group, so that the regular
    expression engine skips it at once where the text has another letter: with
    hundreds of terms, what keeps marking a module fast (a group in each term
    makes it ten times slower).
    """
    return r"\s+".join(
        arabic_word_pattern(part, first=index == 0, as_written=as_written and index == 0)
        if is_arabic(part)
        else re.escape(fold(part))
        for index, part in enumerate(word.split())
    )


def _word_spellings(word: str, *, as_written: bool = False) -> list[str]:
    """Every text ``_word_pattern(word)`` matches, folded, one space between words (Arabic: with and without ال)."""
    choices = [
        arabic_word_forms(part, first=index == 0, as_written=as_written and index == 0)
        if is_arabic(part) and index <= _MOST_OPTIONAL_ARTICLES
        else (fold(part),)
        for index, part in enumerate(word.split())
    ]
    return [" ".join(spelling) for spelling in itertools.product(*choices)]


def _word_forms(word: str) -> list[str]:
    """The word, and the word as rendered HTML writes it when that differs (an apostrophe escaped as &#x27;)."""
    escaped = str(escape(fold(word)))
    return [word] if escaped == fold(word) else [word, escaped]


def glossary_matcher(glossary: Glossary) -> GlossaryMatcher:
    """One regular expression for every word of the language's glossary, compiled once per process and version.

    It runs on module text folded as lms.core.text.fold folds it (case,
    typographic apostrophes and dashes, Arabic marks, tatweel and letter
    forms, Russian yo/ye set aside; Latin accents kept). Longest words first, so
    "security sector reform" wins over "security sector"; whole words only;
    words are matched as rendered HTML writes them (an apostrophe raw or
    escaped), with any run of spaces between words; an Arabic word also with
    the article, and a term's first word with the proclitics, written joined to
    it (lms.core.text.arabic_word_pattern, ARABIC_PROCLITICS).
    """
    cache_key = (glossary.language, glossary.stamp)
    matcher = _matchers.get(cache_key)
    if matcher is not None:
        return matcher
    alternatives: dict[str, int] = {}  # pattern -> length of the form
    entry_for_words: dict[str, GlossaryEntry] = {}
    for entry in glossary.entries:
        for word in entry.words:
            for form in _word_forms(word):
                # A first word beginning with alef-lam is also matched whole: its article may be its own letters.
                first = form.split()[0] if form.split() else ""
                for as_written in (False, True) if arabic_may_hold_article(first) else (False,):
                    alternatives.setdefault(_word_pattern(form, as_written=as_written), len(fold(form)))
                    for spelling in _word_spellings(form, as_written=as_written):
                        entry_for_words.setdefault(spelling, entry)
    pattern = None
    if alternatives:
        body = "|".join(sorted(alternatives, key=alternatives.__getitem__, reverse=True))
        pattern = re.compile(rf"(?<![\w&#])(?P<proclitics>{ARABIC_PROCLITICS})?(?:{body})(?!\w)")
    matcher = GlossaryMatcher(pattern=pattern, entry_for_words=entry_for_words)
    if len(_matchers) > 32:
        _matchers.clear()
    _matchers[cache_key] = matcher
    return matcher


def glossary_find(matcher: GlossaryMatcher, text: str) -> Iterator[tuple[int, int, GlossaryEntry]]:
    """Where the glossary's words are in ``text`` (HTML text between tags): start, end and entry of each, in order."""
    if matcher.pattern is None:
        return
    folded, where = fold_mapped(text)
    for match in matcher.pattern.finditer(folded):
        words = folded[match.end("proclitics") if match.group("proclitics") else match.start() : match.end()]
        if match.group("proclitics") and not is_arabic(words[0]):
            continue  # Arabic prefixes only join Arabic words
        entry = matcher.entry_for_words.get(" ".join(words.split()))
        if entry is not None:
            yield where[match.start()], where[match.end()], entry
