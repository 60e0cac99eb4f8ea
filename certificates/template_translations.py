"""Certificate templates in other languages: their state per language, and saving a translation.

A translation gives the template's title and wording in one language (``CertificateTemplateTranslation``)
and remembers the digest of the template's own title and wording it was made from. It is *out of date*
when the template's wording changed since; certificates then print the template's own language until a
translator saves the translation again (``rendering.template_translation_for``).
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CertificateTemplate
from .models.templates import CertificateTemplateTranslation, placeholders_unknown, template_wording_digest

MISSING, OUT_OF_DATE, UP_TO_DATE = "missing", "out_of_date", "up_to_date"
STATE_LABELS = {
    MISSING: gettext_lazy("Not translated"),
    OUT_OF_DATE: gettext_lazy("Out of date"),
    UP_TO_DATE: gettext_lazy("Translated"),
}


class TemplateTranslationRefused(ValueError):
    """A translation that cannot be saved: ``errors`` maps a field (or None) to its message. Nothing was written."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = errors


def translation_languages(template: CertificateTemplate) -> list[str]:
    """The content languages a template can be translated into: all but those it prints itself."""
    own = {template.language, template.second_language}
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES if code not in own]


def template_translation_states(template: CertificateTemplate) -> dict[str, str]:
    """Per translatable language: missing, out of date or up to date (reads ``template.translations.all()``)."""
    digest = template_wording_digest(template.title, template.wording)
    by_language = {translation.language: translation for translation in template.translations.all()}
    states = {}
    for language in translation_languages(template):
        translation = by_language.get(language)
        if translation is None:
            states[language] = MISSING
        else:
            states[language] = UP_TO_DATE if translation.source_digest == digest else OUT_OF_DATE
    return states


@transaction.atomic
def template_translation_save(
    *, template: CertificateTemplate, language: str, title: str, wording: str, by=None
) -> CertificateTemplateTranslation:
    """Save the template's title and wording in ``language``, made from the template's wording as it is now.

    Refused (nothing written) for a language the template already prints, an empty title or
    wording, a placeholder the template does not know, or a character no installed font prints.
    """
    from .rendering_checks import text_problem

    errors = {}
    if language not in translation_languages(template):
        errors["language"] = _(
            "The template cannot be translated into this language: it prints it already, "
            "or it is not a content language."
        )
    for field, text in (("title", title), ("wording", wording)):
        unknown = placeholders_unknown(text)
        problem = text_problem(text)
        if not text.strip():
            errors[field] = _("This field is required.")
        elif unknown:
            names = ", ".join("{" + name + "}" for name in unknown)
            errors[field] = _("Unknown placeholder: %(names)s.") % {"names": names}
        elif problem:
            errors[field] = problem
    if errors:
        raise TemplateTranslationRefused(errors)
    translation, _created = CertificateTemplateTranslation.objects.update_or_create(
        template=template,
        language=language,
        defaults={
            "title": title.strip(),
            "wording": wording.strip(),
            "source_digest": template_wording_digest(template.title, template.wording),
            "translated_by": by,
        },
    )
    return translation
