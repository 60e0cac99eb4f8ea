"""Marking glossary terms in rendered module text.

The first time each term of the glossary appears in a module's text it
becomes a link to its definition in the "Terms in this module" list that
follows the text; the link is described by the definition
(``aria-describedby``), so a screen reader reads it on reaching the term,
and the list links each term to the glossary page. Nothing is marked inside
links, headings, code, buttons, labels, definition lists (key terms define
their own), or existing ``<dfn>``/``<abbr>``. The work is done on the HTML once
per module, language and glossary version: the result is cached with the
module text (courses.parts).

Terms are found as readers recognise them (courses.selectors.glossary.glossary_matcher):
any case, typographic apostrophes, and in Arabic with or without harakat and
tatweel, whatever the alef's hamza, and with the article and proclitics joined
to the word ("والرقابة المدنية" for the term "رقابة مدنية"); the link takes in the
whole written word, prefixes included, so Arabic letters stay joined.
"""

import re
import unicodedata

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .selectors.glossary import GlossaryEntry, glossary_find, glossary_for_language, glossary_matcher

_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)\s*>", re.DOTALL)
SKIPPED_ELEMENTS = frozenset(
    {
        "a",
        "abbr",
        "button",
        "code",
        "dfn",
        "dl",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "kbd",
        "label",
        "math",
        "pre",
        "samp",
        "script",
        "select",
        "style",
        "svg",
        "textarea",
        "title",
    }
)


def _term_link(entry: GlossaryEntry, text: str) -> str:
    words = text
    if entry.abbreviation and text.casefold() == str(escape(entry.abbreviation)).casefold():
        words = f'<abbr title="{escape(entry.term)}">{text}</abbr>'
    return (
        f'<a class="glossary-term" href="#glossary-{entry.anchor}" '
        f'aria-describedby="glossary-{entry.anchor}-definition">{words}</a>'
    )


def glossary_mark(html: str, language: str) -> tuple[str, list[GlossaryEntry]]:
    """``html`` with the first occurrence of each of the language's terms marked, and the terms found, in order."""
    glossary = glossary_for_language(language)
    matcher = glossary_matcher(glossary)
    if matcher.pattern is None:
        return html, []
    used: dict[str, GlossaryEntry] = {}

    def mark(text: str) -> str:
        # Composed (NFC) so that an Arabic letter with its hamza is one character whatever the editor sent.
        text = unicodedata.normalize("NFC", text)
        parts, done = [], 0
        for start, end, entry in glossary_find(matcher, text):
            if entry.anchor in used:
                continue
            used[entry.anchor] = entry
            parts += [text[done:start], _term_link(entry, text[start:end])]
            done = end
        return "".join(parts) + text[done:]

    out, skipping = [], []
    for token in _TOKENS.split(html):
        if not token:
            continue
        if token.startswith("<"):
            tag = _TAG.match(token)
            if tag is not None:
                closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
                if name in SKIPPED_ELEMENTS and not self_closing:
                    if closing:
                        if name in skipping:
                            # Close the innermost open one of that name (and anything left open inside it).
                            del skipping[len(skipping) - 1 - skipping[::-1].index(name) :]
                    else:
                        skipping.append(name)
            out.append(token)
        elif skipping:
            out.append(token)
        else:
            out.append(mark(token))
    return "".join(out), list(used.values())


def glossary_apply(html: str, language: str, interface_language: str) -> str:
    """Module text with its terms marked, followed by the list of the terms it uses (nothing when none)."""
    marked, used = glossary_mark(str(html), language)
    if not used:
        return mark_safe(marked)  # noqa: S308 - rendered template output, changed only by escaped insertions
    terms = render_to_string(
        "courses/parts/glossary_terms.html", {"terms": used, "interface_language": interface_language}
    )
    return mark_safe(marked + terms)  # noqa: S308 - as above
