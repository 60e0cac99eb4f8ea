"""Offline reading: a module, or a whole course, as a tagged PDF in the reader's language.

A reader asks for the PDF of what they may read online; it is made once by a Celery
task (``offline_pdf_generate``) and kept in private storage until the content changes.
What "the content" is, is the document's key (``OfflineDocument.key``): the interface
language, the latest published revision of the course and of every live module in the
document, those of their lendable translations in that language (live, not aliases, public:
``translations_lendable``), and ``TEMPLATE_VERSION``.
Publishing a new revision of any of them gives a new key, so a new file; the next file
made for that page and language removes the older ones.

Nothing here checks who asks: the views (``courses.offline_views``) do, with the rule of
module text (``module_reader_enrolment``), before anything is looked up or queued.
"""

import contextlib
import datetime
import hashlib
import logging
import os
import threading
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from wagtail.models import Page

from lms.core.fonts import FAMILIES_CJK, FAMILIES_FALLBACK, FAMILIES_SERIF

from .models import CoursePage, ModulePage
from .selectors.translation import content_language, default_language, language_direction, translations_lendable

logger = logging.getLogger(__name__)

# Raise it whenever the templates or the stylesheet change what a PDF looks like: every
# document gets a new key, so nobody is served a file made by the old layout.
TEMPLATE_VERSION = 1
FOLDER = "offline"
KINDS = ("module", "course")
# Images at print resolution: 1600 px across a 16 cm column is about 250 dpi.
RENDITION = "max-1600x1600"
# A request that queued a PDF holds this lock so a second request queues nothing; it is
# released when the task ends and runs out after the task's hard time limit anyway.
LOCK_SECONDS = getattr(settings, "CELERY_TASK_TIME_LIMIT", 360) + 60
# A document that could not be made is not tried again for this long: readers get a "could not
# be prepared" page instead of queueing the same failing task every few seconds.
FAILURE_SECONDS = 10 * 60
# Unfinished files (a worker killed mid-write) older than this are removed by the next generation.
PARTIAL_MAX_AGE = datetime.timedelta(hours=1)
_IMAGE_SCHEME = "lms-offline-image:"

# The platform's PDF families (lms.core.fonts), Han text in the default CJK family.
_FONT_FAMILIES = (*FAMILIES_SERIF, FAMILIES_CJK["zh"], *FAMILIES_FALLBACK)


def _quoted(families) -> str:
    return ", ".join(f'"{family}"' for family in families) + ", serif"


FONT_CSS = (
    f"html {{ font-family: {_quoted(_FONT_FAMILIES)}; }}\n"
    f":lang(ar), :lang(fa), :lang(ur) {{ font-family: {_quoted(('Noto Naskh Arabic', *_FONT_FAMILIES))}; }}"
)


def private_storage():
    """Offline PDFs are served by a view that checks who asks, never from MEDIA_URL (as certificates)."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


# What a document is, and its key -----------------------------------------------------------


@dataclass
class OfflineDocument:
    """A module or a course, for readers of one interface language, as it is published now."""

    kind: str
    course: CoursePage  # the source course
    module: ModulePage | None  # the source module (kind "module")
    language: str  # the interface language (labels, dates)
    content_language: str  # the content language matching it, or the original's
    modules: list = field(default_factory=list)  # (pk, translation_key, live_revision_id) in order
    translations: dict = field(default_factory=dict)  # translation_key → (pk, live_revision_id)

    @property
    def page(self):
        return self.module if self.kind == "module" else self.course

    @property
    def key(self) -> str:
        course_translation = self.translations.get(self.course.translation_key, (None, None))[1]
        parts = [
            f"v{TEMPLATE_VERSION}",
            self.kind,
            self.language,
            self.content_language,
            f"c{self.course.pk}:{self.course.live_revision_id}:{course_translation}",
        ]
        for pk, key, revision in self.modules:
            parts.append(f"m{pk}:{revision}:{self.translations.get(key, (None, None))[1]}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]

    @property
    def folder(self) -> str:
        return f"{FOLDER}/{self.kind}-{self.page.pk}"

    @property
    def name(self) -> str:
        """Where the file is (or will be) in private storage."""
        return f"{self.folder}/{self.language}-{self.key}.pdf"

    @property
    def filename(self) -> str:
        """The name the reader's browser saves it under."""
        slugs = [self.course.slug] + ([self.module.slug] if self.module is not None else [])
        return "-".join([*slugs, self.language]) + ".pdf"

    @property
    def lock_key(self) -> str:
        return f"offline:lock:{self.name}"

    @property
    def failure_key(self) -> str:
        return f"offline:failed:{self.name}"


def offline_document_for(*, course, module=None, language: str) -> OfflineDocument:
    """The document of ``module`` (or of the whole ``course`` when None) for readers of ``language``.

    ``course`` and ``module`` are source pages, live and public. At most two queries for
    a module, four for a course (each ``.public()`` reads the view restrictions), whatever
    its number of modules.
    """
    kind = "module" if module is not None else "course"
    wanted = content_language(language)
    if module is not None:
        modules = [(module.pk, module.translation_key, module.live_revision_id)]
    else:
        modules = list(
            ModulePage.objects.child_of(course)
            .live()
            .public()
            .order_by("path")
            .values_list("pk", "translation_key", "live_revision_id")
        )
    translations = {}
    if wanted and wanted != default_language():
        keys = {course.translation_key, *(key for _pk, key, _revision in modules)}
        translations = {
            key: (pk, revision)
            for key, pk, revision in translations_lendable(Page.objects.all())
            .filter(translation_key__in=keys, locale__language_code=wanted)
            .values_list("translation_key", "pk", "live_revision_id")
        }
    # The document's language: the translation's when the page itself has one, else the original's.
    page_key = (module or course).translation_key
    document_language = wanted if page_key in translations else course.language
    return OfflineDocument(
        kind=kind,
        course=course,
        module=module,
        language=language,
        content_language=document_language,
        modules=modules,
        translations=translations,
    )


def offline_document_get(*, kind: str, page_id: int, language: str) -> OfflineDocument | None:
    """The document of a source page by id (the task's view of it), or None when it is no longer readable."""
    if kind == "module":
        module = ModulePage.objects.live().public().filter(pk=page_id).first()
        if module is None:
            return None
        course = CoursePage.objects.live().public().filter(path=module.path[: -ModulePage.steplen]).first()
        return None if course is None else offline_document_for(course=course, module=module, language=language)
    course = CoursePage.objects.live().public().filter(pk=page_id).first()
    return None if course is None else offline_document_for(course=course, language=language)


def offline_pdf_size(name: str) -> int | None:
    """The size in bytes of the file stored under ``name`` (an ``OfflineDocument.name``) when it is made, else None."""
    try:
        return private_storage().size(name)
    except OSError:
        return None


# Asking for it -------------------------------------------------------------------------------


def offline_pdf_request(*, document: OfflineDocument) -> str:
    """``ready`` when the file exists; else queue its making once: ``queued``, or ``preparing`` if already queued.

    Only the request that takes the lock (a cache ``add``, atomic in Redis) queues the
    task, so readers refreshing the "being prepared" page never queue a second job.
    ``failed`` (nothing queued) while the last attempt's failure is remembered
    (``FAILURE_SECONDS``; a new revision is a new document, tried at once).
    """
    if offline_pdf_size(document.name) is not None:
        return "ready"
    if cache.get(document.failure_key) is not None:
        return "failed"
    if not cache.add(document.lock_key, timezone.now().isoformat(), timeout=LOCK_SECONDS):
        return "preparing"
    from django.db import transaction

    from .tasks import offline_pdf_generate_task

    page_id, kind, language, lock_key = document.page.pk, document.kind, document.language, document.lock_key

    def queue():
        try:
            offline_pdf_generate_task.delay(kind, page_id, language)
        except Exception:
            # The broker is down (or, without one, the render failed in-process): give the lock
            # back, so the "being prepared" page's next look queues it again.
            cache.delete(lock_key)
            logger.exception("Offline PDF of %s %s (%s) could not be queued", kind, page_id, language)

    transaction.on_commit(queue)
    return "queued"


# Making it -----------------------------------------------------------------------------------


def offline_pdf_generate(*, kind: str, page_id: int, language: str) -> str | None:
    """Make the PDF of a module or course for readers of ``language``, unless it exists; its storage name.

    The page is read as it is published when the task runs (a revision published since
    the request gives the newer document). Running twice stores one file. Older files of
    the same page and language are removed, and the request's lock released. None when
    the page is no longer live and public, or when the document could not be rendered:
    that is logged and remembered for ``FAILURE_SECONDS`` (another try would fail the
    same way). Storage errors (``OSError``) are raised, for the task to try again.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of offline document: {kind!r}")
    with translation.override(language):
        document = offline_document_get(kind=kind, page_id=page_id, language=language)
        if document is None:
            return None
        try:
            storage = private_storage()
            if not storage.exists(document.name):
                try:
                    pdf = offline_pdf_render(document)
                except Exception:
                    logger.exception("Offline PDF of %s %s (%s) could not be rendered", kind, page_id, language)
                    offline_pdf_failure_remember(document)
                    return None
                _store(storage, document, pdf)
            _stale_remove(storage, document.folder, document.language, os.path.basename(document.name))
            return document.name
        finally:
            cache.delete(document.lock_key)


def offline_pdf_failure_remember(document: OfflineDocument) -> None:
    """Readers of this document get "could not be prepared" for a while, and nothing is queued meanwhile."""
    cache.set(document.failure_key, timezone.now().isoformat(), timeout=FAILURE_SECONDS)


def offline_pdf_give_up(*, kind: str, page_id: int, language: str) -> None:
    """The task's last try failed too (storage unreachable): remember the failure as a render's is."""
    with translation.override(language):
        document = offline_document_get(kind=kind, page_id=page_id, language=language)
    if document is not None:
        offline_pdf_failure_remember(document)


def _store(storage, document: OfflineDocument, pdf: bytes) -> None:
    """Written under a temporary name, then renamed: a reader never gets half a file."""
    partial = storage.save(f"{document.folder}/.{document.language}-{uuid.uuid4().hex}.part", ContentFile(pdf))
    os.replace(storage.path(partial), storage.path(document.name))


def _stale_remove(storage, folder: str, language: str | None, current: str | None) -> int:
    """Remove from ``folder`` the files of ``language`` but ``current`` (all of them when it is None),
    and temporary files left there for over ``PARTIAL_MAX_AGE`` (a killed worker's); how many went."""
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    old_enough = timezone.now() - PARTIAL_MAX_AGE
    removed = 0
    for name in files:
        path = f"{folder}/{name}"
        older_version = name.endswith(".pdf") and name.rsplit("-", 1)[0] == language and name != current
        abandoned = name.endswith(".part") and storage.get_modified_time(path) < old_enough
        if older_version or abandoned:
            storage.delete(path)
            removed += 1
    return removed


def offline_pdfs_sweep() -> int:
    """Remove the offline PDFs no reader can be given any more; how many files went.

    A new file removes the older ones of its page and language (``_stale_remove``), but
    nothing is made again for a page deleted, unpublished or put behind a view restriction
    since, nor for a language nobody asks for any more: their files stayed. Periodic
    (Celery beat, daily). For each page and language found in storage, the file of the
    document as it is published now stays, and so does a temporary file under an hour old
    (a generation under way); everything else goes, and a page's folder with its last file.
    A generation finishing meanwhile is safe: a file written after the folder was listed is
    not touched. A few queries per page and language found.
    """
    storage = private_storage()
    try:
        folders, _files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    known = {code for code, _name in settings.LANGUAGES}
    removed = 0
    for folder in folders:
        kind, _dash, page_id = folder.partition("-")
        path = f"{FOLDER}/{folder}"
        _subfolders, files = storage.listdir(path)
        languages = {name.rsplit("-", 1)[0] for name in files if name.endswith(".pdf")}
        for language in sorted(languages) or [None]:
            document = None
            if kind in KINDS and page_id.isdigit() and language in known:
                with translation.override(language):
                    document = offline_document_get(kind=kind, page_id=int(page_id), language=language)
            current = None if document is None else os.path.basename(document.name)
            removed += _stale_remove(storage, path, language, current)
        with contextlib.suppress(OSError):
            os.rmdir(storage.path(path))  # only when nothing is left in it
    return removed


# Rendering -----------------------------------------------------------------------------------


class _Renderer:
    """What every offline PDF shares in a process: fonts and the stylesheet (made lazily, after any fork)."""

    def __init__(self):
        import weasyprint.images  # noqa: F401 - the import sets Pillow's LOAD_TRUNCATED_IMAGES
        from PIL import ImageFile
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        # Importing WeasyPrint lets Pillow accept cut-off images process-wide; uploads must not.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.font_config = FontConfiguration()
        sheet = render_to_string("courses/offline/document.css")
        self.stylesheets = [
            CSS(string=FONT_CSS, font_config=self.font_config),
            CSS(string=sheet, font_config=self.font_config),
        ]


_renderer: _Renderer | None = None


def _state() -> _Renderer:
    global _renderer
    if _renderer is None or _renderer.pid != os.getpid():
        _renderer = _Renderer()
    return _renderer


class _Images:
    """The document's images, read from storage as print renditions and served to WeasyPrint by URL."""

    def __init__(self):
        self.files: dict[str, tuple[bytes, str]] = {}

    def add(self, image) -> str | None:
        try:
            rendition = image.get_rendition(RENDITION)
            with rendition.file.open("rb") as handle:
                data = handle.read()
        except (OSError, ValueError):
            logger.warning("Offline PDF: image %s could not be read; left out", image.pk)
            return None
        url = f"{_IMAGE_SCHEME}{rendition.pk}"
        extension = os.path.splitext(rendition.file.name)[1].lower().lstrip(".")
        mime = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}.get(
            extension, f"image/{extension}"
        )
        self.files[url] = (data, mime)
        return url

    def fetch(self, url: str):
        """Our images only: rendering never reaches the network or the file system."""
        from weasyprint.urls import URLFetcherResponse

        if url in self.files:
            data, mime = self.files[url]
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})
        raise ValueError(f"Offline PDFs load no outside resource: {url[:80]}")


def _words(page, translation_pk, model):
    """The live translation (by id) whose words to print, else the page itself."""
    if translation_pk is None:
        return page
    return model.objects.filter(pk=translation_pk).first() or page


def _module_context(module, shown, *, number: int, total: int, original: str, images: _Images, shift: int) -> dict:
    language = shown.locale.language_code if shown.pk != module.pk else original
    blocks = []
    for block in shown.body:
        item = {"type": block.block_type, "value": block.value}
        # A course's module titles are h2, so the module's own headings go one level down.
        item["level"], item["sublevel"] = 2 + shift, 3 + shift
        if block.block_type == "heading" and block.value["level"] == "h3":
            item["level"] = 3 + shift
        elif block.block_type == "image":
            if block.value["image"] is None:
                continue  # the image was deleted from the library: left out, as on the site
            item["src"] = images.add(block.value["image"])
            item["alt"] = block.value["alt_text"] or block.value["image"].default_alt_text
        blocks.append(item)
    return {
        "pk": module.pk,
        "title": shown.title,
        "number": number,
        "total": total,
        "minutes": module.estimated_minutes,
        "lang": language,
        "dir": language_direction(language),
        "blocks": blocks,
    }


def offline_html(document: OfflineDocument, images: _Images | None = None) -> str:
    """The document's HTML for WeasyPrint: the words of the translations in its language, else the originals."""
    images = images or _Images()
    original = document.course.language
    translation_pks = {key: pk for key, (pk, _revision) in document.translations.items()}
    course = _words(document.course, translation_pks.get(document.course.translation_key), CoursePage)
    ids = [pk for pk, _key, _revision in document.modules]
    sources = {page.pk: page for page in ModulePage.objects.filter(pk__in=ids)}
    translated = {
        page.translation_key: page
        for page in ModulePage.objects.filter(
            pk__in=[translation_pks[k] for _p, k, _r in document.modules if k in translation_pks]
        ).select_related("locale")
    }
    if document.kind == "module":
        outline_total = ModulePage.objects.child_of(document.course).live().public().count()
        number = (
            ModulePage.objects.child_of(document.course).live().public().filter(path__lte=document.module.path).count()
        )
        numbers = {document.module.pk: number}
    else:
        outline_total = len(ids)
        numbers = {pk: n for n, pk in enumerate(ids, start=1)}
    modules = []
    shift = 1 if document.kind == "course" else 0
    for pk, key, _revision in document.modules:
        module = sources.get(pk)
        if module is None:
            continue
        shown = translated.get(key, module)
        modules.append(
            _module_context(
                module, shown, number=numbers[pk], total=outline_total, original=original, images=images, shift=shift
            )
        )
    course_language = course.locale.language_code if course.pk != document.course.pk else original
    lang = document.content_language
    ui_language = translation.get_language()
    context = {
        "kind": document.kind,
        "lang": lang,
        "dir": language_direction(lang),
        "ui_lang": ui_language,
        "ui_dir": "rtl" if translation.get_language_bidi() else "ltr",
        "course": {
            "title": course.title,
            "summary": course.summary,
            "outcomes": [block.value for block in course.learning_outcomes],
            "hours": document.course.estimated_hours,
            "lang": course_language,
            "dir": language_direction(course_language),
        },
        "modules": modules,
        "title": modules[0]["title"] if document.kind == "module" and modules else course.title,
        "platform_name": settings.WAGTAIL_SITE_NAME,
        "printed_on": timezone.localdate(),
        "source_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + document.page.url,
    }
    return render_to_string("courses/offline/document.html", context)


def offline_pdf_render(document: OfflineDocument) -> bytes:
    """The document as a tagged PDF (PDF/UA-1) with its language (/Lang) and title in the metadata."""
    from weasyprint import HTML

    state = _state()
    images = _Images()
    html = offline_html(document, images)
    with state.lock:
        return HTML(
            string=html, url_fetcher=images.fetch, base_url=settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/"
        ).write_pdf(
            stylesheets=state.stylesheets,
            font_config=state.font_config,
            pdf_variant="pdf/ua-1",
            pdf_tags=True,
        )
