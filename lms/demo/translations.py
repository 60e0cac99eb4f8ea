"""Published translations of the demo courses.

A translated course is a file ``lms/demo/curriculum/<language>/<name>.txt``
with the same name and format as its source ``lms/demo/curriculum/<name>.txt``:
``language:`` set to the folder's language, the same course slug, and the same
modules (slugs) in the same order. Each becomes a published translation of
the source course and of its modules (courses.services.page_translation_save),
as a translator would publish it from wagtail-localize; a page that already
has a translation in that language is left as it is, so loading twice adds
nothing. Languages without files are skipped.

Module figures and the course brief are the source's (images and documents
are shared between languages); their captions and titles are translated.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from courses.api import CatalogueIndexPage, CoursePage, ModulePage, page_translation_save, source_only

from . import curriculum

QUESTIONS_FOLDER = "questions"


@dataclass
class TranslatedCourse:
    language: str
    spec: curriculum.Course
    path: Path


def translated_files(directory: Path = curriculum.CURRICULUM_DIR) -> list[TranslatedCourse]:
    """Every translated course file with a source beside it, checked against that source.

    Raises CurriculumError naming the file when a translation does not match
    its source (language, slug, modules, each module's callout kinds in order),
    before anything is written.
    """
    found = []
    folders = sorted(p for p in directory.iterdir() if p.is_dir() and p.name != QUESTIONS_FOLDER)
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            source_path = directory / path.name
            where = f"{folder.name}/{path.name}"
            if not source_path.exists():
                raise curriculum.CurriculumError(f"{where}: no source file {path.name} beside it")
            spec, source = curriculum.parse(path), curriculum.parse(source_path)
            if spec.language != folder.name:
                raise curriculum.CurriculumError(f"{where}: 'language: {spec.language}' in the {folder.name} folder")
            if spec.slug != source.slug:
                raise curriculum.CurriculumError(f"{where}: slug {spec.slug!r}, the source's is {source.slug!r}")
            slugs, source_slugs = [m.slug for m in spec.modules], [m.slug for m in source.modules]
            if slugs != source_slugs:
                raise curriculum.CurriculumError(
                    f"{where}: modules {slugs} do not match the source's {source_slugs} (same slugs, same order)"
                )
            for module, source_module in zip(spec.modules, source.modules, strict=True):
                kinds, source_kinds = _callout_kinds(module), _callout_kinds(source_module)
                if kinds != source_kinds:
                    raise curriculum.CurriculumError(
                        f"{where}: module {module.slug!r} has callouts {kinds}, the source's are {source_kinds}"
                        " (the same kinds, in the same order)"
                    )
            found.append(TranslatedCourse(language=folder.name, spec=spec, path=path))
    return found


def _callout_kinds(module) -> list[str]:
    return [block["value"]["kind"] for block in module.blocks if block["type"] == "callout"]


def _translated_body(source_module, module_spec, number: int, course_spec) -> list:
    """The translation's blocks, with the source's figure and reading (captions translated)."""
    blocks = [dict(block) for block in module_spec.blocks]
    for block in source_module.body.raw_data:
        if block["type"] == "image":
            value = {**block["value"], "caption": f"{number}. {module_spec.title}"}
            blocks.insert(min(2, len(blocks)), {"type": "image", "value": value})
        elif block["type"] == "reading":
            value = {**block["value"], "title": course_spec.title, "note": course_spec.summary}
            blocks.append({"type": "reading", "value": value})
    return blocks


@transaction.atomic
def translations_load(directory: Path = curriculum.CURRICULUM_DIR) -> int:
    """Publish the translations found under ``directory``; returns how many pages were new."""
    created = 0
    catalogue = source_only(CatalogueIndexPage.objects.all()).order_by("path").first()
    for item in translated_files(directory):
        course = source_only(CoursePage.objects.child_of(catalogue)).filter(slug=item.spec.slug).first()
        if course is None:
            continue  # the source course is not loaded here
        if not CoursePage.objects.filter(
            translation_key=course.translation_key, locale__language_code=item.language, alias_of__isnull=True
        ).exists():
            page_translation_save(
                source=course,
                language=item.language,
                fields={
                    "title": item.spec.title,
                    "summary": item.spec.summary,
                    "audience": item.spec.audience,
                    "learning_outcomes": [{"type": "outcome", "value": text} for text in item.spec.outcomes],
                },
            )
            created += 1
        modules = {module.slug: module for module in ModulePage.objects.child_of(course)}
        for number, module_spec in enumerate(item.spec.modules, start=1):
            module = modules.get(module_spec.slug)
            if (
                module is None
                or ModulePage.objects.filter(
                    translation_key=module.translation_key, locale__language_code=item.language, alias_of__isnull=True
                ).exists()
            ):
                continue
            page_translation_save(
                source=module,
                language=item.language,
                fields={
                    "title": module_spec.title,
                    "body": _translated_body(module, module_spec, number, item.spec),
                },
            )
            created += 1
    return created
