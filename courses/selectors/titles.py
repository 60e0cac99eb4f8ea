"""The title a person knows a course (or module) by in their language, for words that leave the site (emails).

A page read on the site gets its translation's words from ``page_for_reader``,
which follows the active language. An email is written in its recipient's
language, named explicitly, whatever language is active where it is sent (a
worker, a manager's request in another language): this names the page in that
language by the same rule, that of a lendable translation (live, not an alias,
and no more restricted than its source: ``translations_lendable`` in
courses.selectors.translation), and by the source's own title otherwise.
"""

from .translation import content_language, default_language, page_translations_lendable


def page_title_in_language(page, language: str | None, *, original: str | None = None) -> str:
    """The title of a source ``page`` in ``language``: its lendable translation's, else ``original``.

    ``original`` defaults to the page's own title (a certificate passes the
    title it printed). An empty, unknown or unsupported ``language`` gives the
    original (never the active language's: the caller names the reader). One
    query for the title alone, none in the source's language.
    """
    original = page.title if original is None else original
    language = content_language(language.lower()) if language else None
    if not language or language == default_language():
        return original
    title = page_translations_lendable(page, language).values_list("title", flat=True).first()
    return title or original
