"""Writes for translated courses outside the translation editor (the demo, imports).

Translators normally work in wagtail-localize's editor ("Translate this page",
then "Sync translated pages" after the source changes). This service makes a
translation in one step from words already translated, for content that
arrives translated.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.models import Locale

from ..selectors.translation import content_language, default_language, page_is_source


class TranslationRefused(ValueError):
    """A translation that cannot be made; ``message`` says why, for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def page_translation_save(*, source, language: str, fields: dict, publish: bool = True):
    """Give a source page a translation in ``language`` holding these words, and publish it.

    The translation is created (its parents too, as aliases of the source's,
    as Wagtail does) when there is none, otherwise updated; an alias is
    turned into a translation (aliases are never shown to readers). Only the fields
    the page type translates may be given; settings (slug, order, required,
    minutes…) stay the source's. Returns the translated page.
    """
    code = content_language(language)
    if code is None or code != language:
        raise TranslationRefused(_("“%(language)s” is not one of the content languages.") % {"language": language})
    if code == default_language():
        raise TranslationRefused(_("The default language is the source's own: it has no translation."))
    if not page_is_source(source):
        raise TranslationRefused(
            _("“%(title)s” is itself a translation: translate its source.") % {"title": source.title}
        )
    allowed = {"title", "seo_title", "search_description", *source.reader_translated_fields}
    unknown = set(fields) - allowed
    if unknown:
        raise TranslationRefused(
            _("These fields are not translated: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    locale, _created = Locale.objects.get_or_create(language_code=code)
    translation = source.get_translation_or_none(locale)
    if translation is None:
        translation = source.copy_for_translation(locale, copy_parents=True)
    translation = translation.specific
    if translation.alias_of_id:
        # An alias made for an untranslated parent becomes a translation of its own (as
        # wagtail-localize does): it stops following the source and is shown to readers.
        translation.alias_of_id = None
        translation.save(update_fields=["alias_of_id"], clean=False)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.full_clean()
    revision = translation.save_revision()
    if publish:
        revision.publish()
        translation.refresh_from_db()
    return translation
