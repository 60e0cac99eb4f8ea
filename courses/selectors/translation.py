"""Which words a reader sees at a course's or module's address.

Courses and modules are written in the default locale: that tree is the
source, and every address, enrolment, progress row, attempt and certificate
points at a source page. Translations (made with wagtail-localize) live in a
tree per locale, linked to their source by ``translation_key``; they only ever
lend their words (title, summary, body…) to the source page at its address.

Only a *lendable* translation lends them (``translations_lendable``): live, a
real translation (not one of the aliases ``copy_for_translation(copy_parents=True)``
makes of untranslated parents, which repeat the source's words), and no more
restricted than its source.

That last rule is about view restrictions (login, password, groups). The source's
address checks only the source's restrictions (its own and its ancestors'), so
the translation's words must be fit for everyone those let through. Wagtail and
wagtail-localize copy a restricted page's restriction onto its translation, and a
translation under a restricted page of its locale's tree inherits that one: such
a copy is harmless. A translation lends its words when every restriction on its
path (its own and its ancestors' in its locale tree) admits every reader the
source's restrictions admit, that is when the source's path holds a restriction
that implies it:

- "logged-in users" is implied by a login restriction or a group restriction (a
  group restriction admits only signed-in members and superusers);
- "these groups" by a group restriction whose groups are all among them (several
  group restrictions on the source's path imply it together only when one of
  them does alone);
- "this password" only by a password restriction with the same password (a
  reader who gave the source's password knows it; any other reader could not
  open the translation on its own);
- "public" (a restriction of type none, which admits everyone) by anything.

Anything else (a password or group restriction the translator added, a login
restriction under a password-only source…) keeps the translation to itself:
readers get the original. Restrictions only the source has are no concern: its
address enforces them. A source page is always lendable to itself.
"""

import copy
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language, get_language_info

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, PageViewRestriction

RTL_LANGUAGES = {"ar", "fa", "he", "ur"}


def default_language() -> str:
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def content_language(language: str | None = None) -> str | None:
    """The content language matching ``language`` (the active one by default), or None when there is none."""
    try:
        return get_supported_content_language_variant(language or get_language())
    except LookupError:
        return None


def language_name(code: str) -> str:
    """The language's name in itself (Français, العربية), which a reader of any language recognises."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def language_direction(code: str) -> str:
    return "rtl" if code.split("-")[0] in RTL_LANGUAGES else "ltr"


def source_only(queryset):
    """Keep the source pages (the default locale) of a page queryset; translations are never listed on their own."""
    return queryset.filter(locale__language_code=default_language())


def page_is_source(page) -> bool:
    return page.locale.language_code == default_language()


def page_source(page):
    """The source (default-locale) version of a page, as the same specific type.

    Learner state is only ever recorded against this page. Returns None when a
    translation has lost its source (the source was deleted).
    """
    model = type(page)
    if page_is_source(page):
        return page
    return source_only(model.objects.filter(translation_key=page.translation_key)).first()


def translations_lendable(queryset):
    """The pages of ``queryset`` that may lend their words to their source (see the module's docstring).

    Drafts, aliases (which repeat the source's words) and translations more
    restricted than their source never do. Like Wagtail's ``.public()``, this
    reads the view restrictions once (one query, when it is called) and adds
    nothing per page: the comparison with each page's source is a subquery of
    the one query for the pages.
    """
    queryset = queryset.live().filter(alias_of__isnull=True)
    stricter = _stricter_than_source_q()
    return queryset.exclude(stricter) if stricter is not None else queryset


class _Restriction(NamedTuple):
    path: str
    kind: str
    password: str
    groups: frozenset


def view_restrictions_all() -> list[_Restriction]:
    """Every page view restriction with the path of its page and its groups: one query."""
    rows = {}
    for pk, path, kind, password, group in PageViewRestriction.objects.values_list(
        "pk", "page__path", "restriction_type", "password", "groups__id"
    ).order_by("pk"):
        row = rows.setdefault(pk, (path, kind, password, set()))
        if group is not None:
            row[3].add(group)
    return [_Restriction(path, kind, password, frozenset(groups)) for path, kind, password, groups in rows.values()]


def restriction_implies(source: _Restriction, restriction: _Restriction) -> bool:
    """Whether every reader ``source`` admits is admitted by ``restriction`` too (see the module's docstring)."""
    if restriction.kind == PageViewRestriction.LOGIN:
        return source.kind in (PageViewRestriction.LOGIN, PageViewRestriction.GROUPS)
    if restriction.kind == PageViewRestriction.GROUPS:
        return source.kind == PageViewRestriction.GROUPS and source.groups <= restriction.groups
    if restriction.kind == PageViewRestriction.PASSWORD:
        return source.kind == PageViewRestriction.PASSWORD and source.password == restriction.password
    return False


def _under(paths) -> Q:
    """The pages at or below any of ``paths``."""
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return q


def _stricter_than_source_q() -> Q | None:
    """Pages behind a restriction their source's path holds nothing as strict as, or None when there is none.

    A restriction ``r`` is covered at the pages whose source sits at or below a
    page holding a restriction that implies ``r`` (``r`` itself among them: a
    restriction on a shared ancestor, or on a source page, covers itself).
    Restrictions with the same cover share one clause, so the condition grows
    with the kinds of restriction in use, not with the number of pages.
    """
    restrictions = view_restrictions_all()
    by_cover = {}
    for restriction in restrictions:
        if restriction.kind == PageViewRestriction.NONE:
            continue  # admits everyone
        cover = frozenset(other.path for other in restrictions if restriction_implies(other, restriction))
        by_cover.setdefault(cover, set()).add(restriction.path)
    if not by_cover:
        return None
    stricter = Q()
    for cover, paths in by_cover.items():
        covered_source = Page.objects.filter(
            _under(sorted(cover)),
            translation_key=OuterRef("translation_key"),
            locale__language_code=default_language(),
        )
        stricter |= _under(sorted(paths)) & ~Exists(covered_source)
    return stricter


def page_translations_lendable(page, language: str):
    """The lendable translations of ``page`` in ``language`` (at most one), as a queryset to read from."""
    return (
        translations_lendable(type(page).objects.all())
        .filter(translation_key=page.translation_key, locale__language_code=language)
        .exclude(pk=page.pk)
    )


def page_translation_live(page, language: str | None):
    """The lendable translation of ``page`` in ``language``, or None (drafts, aliases, stricter ones: never)."""
    if not language or language == page.locale.language_code:
        return None
    return page_translations_lendable(page, language).first()


def page_in_language(page, translation):
    """The source page (its id, address, settings) carrying the translation's words."""
    shown = copy.copy(page)
    for name in getattr(page, "reader_cached", ()):
        shown.__dict__.pop(name, None)  # cached from the source's words
    for name in ("title", "seo_title", "search_description", *page.reader_translated_fields):
        setattr(shown, name, getattr(translation, name))
    return shown


def page_for_reader(page, *, original_language: str, language: str | None = None):
    """What a reader in ``language`` (the active one) sees at a source page's address.

    The page returned is the source (same id, address and settings) with the
    words of its live translation in that language when there is one. It
    carries ``content_language`` (the language of the words),
    ``content_direction`` and ``translation_missing`` (the reader's language
    differs from the original's and no translation is published).
    """
    language = content_language(language)
    translation = page_translation_live(page, language) if language != default_language() else None
    if translation is not None:
        shown = page_in_language(page, translation)
        shown.content_language = language
    else:
        shown = page
        shown.content_language = original_language
    shown.reader_language = language or original_language
    shown.translation_missing = translation is None and bool(language) and language != original_language
    shown.content_direction = language_direction(shown.content_language)
    return shown


def titles_in_language(pages, language: str | None = None) -> None:
    """Give source pages the titles of their lendable translations in ``language``: one query for all of them."""
    pages = [page for page in pages if page is not None]
    language = content_language(language)
    if not pages or not language or language == default_language():
        return
    titles = dict(
        translations_lendable(Page.objects.all())
        .filter(translation_key__in={page.translation_key for page in pages}, locale__language_code=language)
        .values_list("translation_key", "title")
    )
    for page in pages:
        if page.translation_key in titles:
            page.title = titles[page.translation_key]


def courses_in_language(courses, language: str | None = None) -> None:
    """Dress catalogue cards: the translation's title and summary in ``language``, and the languages a course reads in.

    Each course gets ``available_languages`` (``(code, name)`` pairs, its
    original language first) and ``content_language``. One query for any
    number of courses.
    """
    courses = list(courses)
    if not courses:
        return
    from ..models import CoursePage

    language = content_language(language)
    rows = (
        translations_lendable(CoursePage.objects.all())
        .filter(translation_key__in={course.translation_key for course in courses})
        .exclude(locale__language_code=default_language())
        .values_list("translation_key", "locale__language_code", "title", "summary")
        .order_by("locale__language_code")
    )
    by_key = {}
    for key, code, title, summary in rows:
        by_key.setdefault(key, {})[code] = (title, summary)
    for course in courses:
        translations = by_key.get(course.translation_key, {})
        codes = [course.language, *(code for code in translations if code != course.language)]
        course.available_languages = [(code, language_name(code)) for code in codes]
        course.content_language = course.language
        if language in translations:
            course.title, course.summary = translations[language]
            course.content_language = language
        course.content_direction = language_direction(course.content_language)


def translation_keys_in_language(model, language: str):
    """A subquery of the translation keys that have a lendable page of ``model`` in ``language``."""
    return translations_lendable(model.objects.all()).filter(locale__language_code=language).values("translation_key")


def translations_out_of_date(page) -> list:
    """The published translations of a source page that are older than the source's last publication.

    Translations made with wagtail-localize show their untranslated strings
    after a sync; this catches every translation, including those published
    from the ordinary editor (the demo's), by date.
    """
    if not page.last_published_at:
        return []
    return list(
        type(page)
        .objects.filter(translation_key=page.translation_key, live=True, last_published_at__lt=page.last_published_at)
        .filter(alias_of__isnull=True)  # an alias follows its source: it is never out of date
        .exclude(pk=page.pk)
        .select_related("locale")
        .order_by("locale__language_code")
    )
