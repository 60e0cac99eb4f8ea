"""The demo glossary, from the curriculum's key terms.

Every ``!terms:`` block of ``lms/demo/curriculum/*.txt`` (``term | definition``
lines) gives English glossary terms, linked to the course's theme. A
translated course file (``lms/demo/curriculum/<language>/``) has the same
blocks in the same order: its terms, taken by position, are the approved
translations of the English ones. A term already in the glossary (in that
language, or already translated) is kept as it is, so loading twice adds
nothing; the first of two English terms with the same words wins.
"""

from django.db import transaction

from wagtail.models import Locale

from courses.models import GlossaryTerm, Theme

from . import curriculum, translations


def _terms(spec: curriculum.Course) -> list[tuple[str, str]]:
    return [
        (item["term"].strip(), item["definition"].strip())
        for module in spec.modules
        for block in module.blocks
        if block["type"] == "key_terms"
        for item in block["value"]["terms"]
    ]


@transaction.atomic
def glossary_load(directory=curriculum.CURRICULUM_DIR) -> int:
    """Load the glossary and its translations; returns how many terms were new.

    Raises CurriculumError, before writing anything, when a translated file's
    key terms are not as many as its source's.
    """
    sources = {path.name: curriculum.parse(path) for path in sorted(directory.glob("*.txt"))}
    translated = translations.translated_files(directory)
    for item in translated:
        expected, found = len(_terms(sources[item.path.name])), len(_terms(item.spec))
        if expected != found:
            raise curriculum.CurriculumError(
                f"{item.language}/{item.path.name}: {found} key terms, the source has {expected} "
                "(same blocks, same order)"
            )
    source_locale = Locale.get_default()
    themes = {theme.slug: theme for theme in Theme.objects.filter(locale=source_locale)}  # the source themes
    created = 0
    by_file: dict[str, list[GlossaryTerm]] = {}
    for name, spec in sources.items():
        terms = by_file[name] = []
        for term, definition in _terms(spec):
            entry = GlossaryTerm.objects.filter(locale=source_locale, term__iexact=term).first()
            if entry is None:
                entry = GlossaryTerm.objects.create(
                    locale=source_locale, term=term, definition=definition, theme=themes.get(spec.theme)
                )
                created += 1
            terms.append(entry)
    for item in translated:
        locale = Locale.objects.get_or_create(language_code=item.language)[0]
        for source, (term, definition) in zip(by_file[item.path.name], _terms(item.spec), strict=True):
            if GlossaryTerm.objects.filter(locale=locale, translation_key=source.translation_key).exists():
                continue
            if GlossaryTerm.objects.filter(locale=locale, term__iexact=term).exists():
                continue  # the same words already translate another term
            translation = source.copy_for_translation(locale)
            translation.term, translation.definition, translation.approved = term, definition, True
            translation.save()
            created += 1
    return created
