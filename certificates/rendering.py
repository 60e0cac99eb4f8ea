"""Certificates and transcripts as PDF (WeasyPrint), in any script, fast and small.

What is the same on every certificate is done once per process, not once per
certificate: the stylesheets are parsed once (``weasyprint.CSS`` objects, one per
page set-up), the ``FontConfiguration`` is shared, template images are read from
storage once and decoded once (WeasyPrint's image ``cache``), and fonts are
subset by HarfBuzz (``libharfbuzz-subset``; without it WeasyPrint falls back to
fontTools, about ten times slower, and says so in a warning the tests turn into
a failure; its per-size C array types are made once, ``fonts.weasyprint_subsetting_patch``).
CID-keyed CFF fonts (Noto CJK) are embedded as bare CFF of the glyphs drawn
(``fonts.pdf_fonts_compact``, WeasyPrint's finisher). The QR code is a PNG of one
pixel per module drawn without interpolation, with a fixed mask pattern, so it stays
sharp at any zoom and costs a few hundred bytes.

Nothing here knows about Celery, the database or the request: callers pass a
template (or None for the built-in look) and a ``CertificateContent``. Images
come from Wagtail renditions; no URL is ever fetched from the network (the URL
fetcher refuses every scheme but our own).

The output is PDF/A-3b (archival; PDF/A-3 allows the attached credential),
tagged, with the document language set; its /Subject is the certificate code,
which ``verify_certificate`` reads back.
"""

import base64
import dataclasses
import datetime
import functools
import hashlib
import logging
import os
import string
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .content import CertificateContent
from .fonts import (
    cid_fonts_compact,
    font_stack_css,
    guess_language,
    pdf_fonts_compact,
    pillow_strict_again,
    weasyprint_subsetting_patch,
)

logger = logging.getLogger(__name__)
# WeasyPrint logs each step of each render at INFO: thousands of lines per cohort, and time.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_VARIANT = "pdf/a-3b"
_STYLES = Path(__file__).parent / "templates" / "certificates" / "pdf"
_IMAGE_SCHEME = "lms-certificate-image:"
# Rendition specs: big enough to print sharp at their size on the page, small enough to keep
# a certificate light. The background is a photo at most; JPEG keeps it in tens of kilobytes.
RENDITION_LOGO = "max-600x300"
RENDITION_SIGNATURE = "max-500x200"
RENDITION_BACKGROUND = "max-2000x2000|format-jpeg|jpegquality-60"
PAGE_SIZES_MM = {"A4": (210, 297), "letter": (215.9, 279.4)}
# The QR code's mask pattern (0-7), fixed: see qr_png_data_url.
QR_MASK_PATTERN = 0
# Per-process caches are bounded so a worker rendering many templates does not grow without end.
_IMAGE_CACHE_MAX = 64


class CertificateRenderError(Exception):
    """A certificate could not be rendered (an image gone from storage, …): the message says what."""


# Process-wide state ---------------------------------------------------------------
# Created lazily, in the process that renders: a Celery prefork parent that imported this
# module must not hand fontconfig/Pango state across fork().


class _Renderer:
    def __init__(self):
        from weasyprint.text.fonts import FontConfiguration

        weasyprint_subsetting_patch()
        self.pid = os.getpid()
        self.font_config = FontConfiguration()
        self.lock = threading.Lock()
        self.stylesheets: dict[tuple, list] = {}
        self.image_bytes: dict[str, tuple[bytes, str]] = {}  # url → (data, mime type)
        self.image_urls: dict[tuple, str] = {}  # (image id, file, spec) → url
        self.image_cache: dict = {}  # WeasyPrint's decoded images, keyed by URL

    def css(self, kind: str, page: tuple[str, str]) -> list:
        """The parsed stylesheets of ``kind`` (certificate, transcript) for a page set-up, parsed once."""
        key = (kind, page)
        sheets = self.stylesheets.get(key)
        if sheets is None:
            from weasyprint import CSS

            sheets = [
                CSS(string=text, font_config=self.font_config, url_fetcher=self.url_fetcher)
                for text in stylesheet_texts(kind, page)
            ]
            self.stylesheets[key] = sheets
        return sheets

    def url_fetcher(self, url: str):
        """Our images only; anything else (http, file, …) is refused, so rendering never leaves the process."""
        from weasyprint.urls import URLFetcherResponse

        if url.startswith(_IMAGE_SCHEME) and url in self.image_bytes:
            data, mime = self.image_bytes[url]
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})
        if url.startswith("data:"):
            from weasyprint.urls import URLFetcher

            return URLFetcher(allowed_protocols=("data",))(url)
        raise ValueError(f"Certificates load no outside resource: {url[:80]}")

    def image_cache_forget_since(self, before: set) -> None:
        """Keep template images decoded for the next certificate; drop the rest (the QR code is new every time).

        WeasyPrint keys its cache by URL and by the MD5 of the URL (image data); without
        this, every certificate's QR code would stay in memory for good.
        """
        keep = {hashlib.md5(url.encode(), usedforsecurity=False).hexdigest() for url in self.image_bytes}
        for key in set(self.image_cache) - before:
            if not (key.startswith(_IMAGE_SCHEME) or str(key).split("-", 1)[0] in keep):
                del self.image_cache[key]

    def trim(self):
        if len(self.image_bytes) > _IMAGE_CACHE_MAX:
            self.image_bytes.clear()
            self.image_urls.clear()
            self.image_cache.clear()


_renderer: _Renderer | None = None


def _state() -> _Renderer:
    global _renderer
    if _renderer is None or _renderer.pid != os.getpid():
        _renderer = _Renderer()
        pillow_strict_again()
    return _renderer


@functools.cache
def _stylesheet_file(name: str) -> str:
    return (_STYLES / name).read_text(encoding="utf-8")


def stylesheet_texts(kind: str, page: tuple[str, str]) -> list[str]:
    """The CSS of a document ``kind`` on a page (size, orientation): fonts, the page box, the layout."""
    size, orientation = page
    short, long = PAGE_SIZES_MM.get(size, PAGE_SIZES_MM["A4"])
    width, height = (long, short) if orientation == "landscape" else (short, long)
    page_css = (
        f"@page {{ size: {width}mm {height}mm; }}\n"
        f":root {{ --page-width: {width}mm; --page-height: {height}mm; }}\n"
        f"html {{ --orientation: {orientation}; }}"
    )
    return [font_stack_css(), page_css, _stylesheet_file(f"{kind}.css")]


# Filling the wording ----------------------------------------------------------------


def _language_info(code: str) -> dict:
    try:
        info = translation.get_language_info(code)
    except KeyError:
        info = {"bidi": False}
    return {"lang": code, "dir": "rtl" if info.get("bidi") else "ltr"}


def _date(value: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT", use_l10n=True)


def _score(value: Decimal | None, language: str) -> str:
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.1"))
    decimals = 0 if value == value.to_integral_value() else 1
    with translation.override(language):
        return formats.number_format(value, decimal_pos=decimals, use_l10n=True) + "%"


def _name_html(name: str, css_class: str) -> SafeString:
    """A name inside running text, isolated for bidi (an Arabic name in English wording and back)."""
    lang = guess_language(name)
    lang_attr = f' lang="{lang}"' if lang else ""
    return mark_safe(f'<bdi class="{css_class}"{lang_attr}>{escape(name)}</bdi>')  # noqa: S308 - escaped above


def placeholder_values(content: CertificateContent, language: str) -> dict[str, SafeString]:
    """The HTML each placeholder becomes in ``language``; every value is escaped."""
    return {
        "holder": _name_html(content.holder_name, "holder-inline"),
        "holder_latin": _name_html(content.holder_name_latin or content.holder_name, "holder-inline"),
        "course": mark_safe(f'<span class="course-inline">{escape(content.course_title)}</span>'),  # noqa: S308
        "hours": conditional_escape(formats.number_format(content.hours, use_l10n=False)),
        "date": conditional_escape(_date(content.completed_on, language)),
        "score": conditional_escape(_score(content.score, language)),
        "cohort": conditional_escape(content.cohort_name),
        "program": conditional_escape(content.program_name),
    }


def placeholders_fill(text: str, values: dict[str, SafeString]) -> SafeString:
    """``text`` as HTML with its placeholders replaced: the author's text is escaped, then values go in.

    An unknown name or unbalanced brace (refused at save, but an old revision may have one)
    is printed as written rather than failing the certificate.
    """
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return conditional_escape(text)
    out = []
    for literal, field, _spec, _conversion in parts:
        out.append(escape(literal))
        if field is not None:
            out.append(values.get(field) or ("" if field in values else escape("{" + field + "}")))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def _paragraphs(text: str, values: dict[str, SafeString]) -> list[SafeString]:
    """Blank lines separate paragraphs; a single newline is a line break."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return [
        mark_safe("<br>".join(placeholders_fill(line, values) for line in paragraph.strip().split("\n")))  # noqa: S308
        for paragraph in paragraphs
    ]


# Images and the QR code --------------------------------------------------------------


def _image_url(image, spec: str, *, inline: bool = False) -> str | None:
    """The URL WeasyPrint loads ``image`` from: a rendition read from storage once per process.

    ``inline`` gives a data: URL instead, for a self-contained HTML document (the
    benchmark's baseline).
    """
    if image is None:
        return None
    state = _state()
    key = (image.pk, image.file.name, spec)
    url = state.image_urls.get(key)
    if url is None or inline:
        try:
            rendition = image.get_rendition(spec)
            with rendition.file.open("rb") as handle:
                data = handle.read()
        except Exception as error:
            raise CertificateRenderError(
                gettext("The image “%(title)s” could not be read: %(error)s") % {"title": image.title, "error": error}
            ) from error
        mime = "image/jpeg" if rendition.file.name.lower().endswith((".jpg", ".jpeg")) else "image/png"
        if rendition.file.name.lower().endswith(".webp"):
            mime = "image/webp"
        if inline:
            return f"data:{mime};base64,{base64.b64encode(data).decode()}"
        url = _IMAGE_SCHEME + rendition.file.name
        state.image_bytes[url] = (data, mime)
        state.image_urls[key] = url
    return url


def qr_png_data_url(url: str) -> str:
    """The QR code of ``url`` as a PNG of one pixel per module, in a data: URL.

    The stylesheet draws it with ``image-rendering: pixelated`` (PDF ``/Interpolate
    false``), so every viewer scales it up as sharp squares, like a vector. An inline
    SVG path was measured too: WeasyPrint's SVG path parser made it 30 ms a
    certificate, against under 5 ms for this 300-byte PNG. Error correction M (15%)
    survives a crease or a stamp; the quiet zone is the white frame around it.

    The mask pattern is fixed (``QR_MASK_PATTERN``): the qrcode package otherwise builds
    the symbol with each of the eight masks and scores them, about 8 ms a certificate, five
    times the rest. Any mask is valid (the symbol's format bits name it, and every reader
    reads them); scoring only avoids patterns that could be a little harder to scan.
    """
    import io

    import qrcode
    from PIL import Image

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK_PATTERN)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# Certificates ---------------------------------------------------------------------------


def _default_look() -> dict:
    """The built-in template's fields, for ``template=None``: English, no images, no signatory."""
    from .models.templates import CertificateTemplate

    fields = {f.name: f.get_default() for f in CertificateTemplate._meta.concrete_fields}
    return fields


def template_translation_for(template, language: str):
    """The template's translation to print for a holder preferring ``language``, or None for its own wording.

    None when the template is printed in that language already (its language or second language), has
    no translation in it, or the translation was made from other wording than the template's (the
    certificate's revision) title and wording: an out-of-date translation is never printed.
    """
    if template is None or not template.pk or not language:
        return None
    if language in (template.language, template.second_language):
        return None
    from .models.templates import CertificateTemplateTranslation

    translation = CertificateTemplateTranslation.objects.filter(template_id=template.pk, language=language).first()
    if translation is None or not translation.translates(template.title, template.wording):
        return None
    return translation


def certificate_context(template, content: CertificateContent, *, inline_images: bool = False) -> dict:
    """Everything the certificate's HTML shows, with the wording filled and escaped.

    In the holder's preferred language (``content.language``) when the template has a translation
    in it: its title and wording, and the labels, dates and numbers in that language; otherwise in
    the template's own language.
    """
    if template is None:
        fields = _default_look()
        get = fields.get
        signatories = []
        logo = background = None
    else:
        get = functools.partial(getattr, template)
        signatories = list(template.signatories.all())[:4]
        logo, background = template.logo, template.background
    language = get("language") or "en"
    title, wording = get("title") or "", get("wording") or ""
    chosen = template_translation_for(template, content.language)
    if chosen is not None:
        language, title, wording = chosen.language, chosen.title, chosen.wording
    second_language = get("second_language") or ""
    page = (get("page_size") or "A4", get("orientation") or "landscape")

    with translation.override(language):
        values = placeholder_values(content, language)
        primary = {
            **_language_info(language),
            "title": placeholders_fill(title, values),
            "paragraphs": _paragraphs(wording, values),
        }
        labels = {
            "code": gettext("Certificate code"),
            "verify": gettext("Verify this certificate at"),
            "issued": gettext("Issued by %(issuer)s on %(date)s")
            % {"issuer": content.issuer_name, "date": _date(content.issued_on, language)},
            "qr": gettext("QR code linking to the verification page of this certificate"),
            "signatures": gettext("Signatures"),
        }
    second = None
    if second_language:
        second_values = placeholder_values(content, second_language)
        second = {
            **_language_info(second_language),
            "title": placeholders_fill(get("second_title") or "", second_values),
            "paragraphs": _paragraphs(get("second_wording") or "", second_values),
        }
    latin = content.holder_name_latin.strip()
    return {
        "page": page,
        "primary": primary,
        "second": second,
        "labels": labels,
        "holder_name": content.holder_name,
        "holder_lang": guess_language(content.holder_name),
        "holder_latin": latin if latin and latin != content.holder_name.strip() else "",
        "content": content,
        "logo_url": _image_url(logo, RENDITION_LOGO, inline=inline_images),
        "background_url": _image_url(background, RENDITION_BACKGROUND, inline=inline_images),
        "signatories": [
            {
                "name": signatory.name,
                "title": signatory.title,
                "lang": guess_language(signatory.name),
                "signature_url": _image_url(signatory.signature, RENDITION_SIGNATURE, inline=inline_images),
            }
            for signatory in signatories
        ],
        "qr_url": qr_png_data_url(content.verify_url),
    }


def _with_holder_language(template, content: CertificateContent) -> CertificateContent:
    """``content`` with the holder's preferred language, read from their certificate when the caller gave none.

    ``services.certificate_content`` does not fill ``language``, so the certificate of this code
    tells it: one indexed read (the code is unique). A code with no certificate (a preview's
    sample) keeps the template's own language. The built-in look (no template) has no
    translations, so nothing is read for it.
    """
    if content.language or template is None or not template.pk:
        return content
    from .models import Certificate

    language = (
        Certificate.objects.filter(code=content.code).values_list("holder__preferred_language", flat=True).first()
    )
    return dataclasses.replace(content, language=language) if language else content


def certificate_html(template, content: CertificateContent, *, standalone: bool = False) -> str:
    """The certificate as HTML. ``standalone`` inlines the stylesheets and images (no fetcher needed)."""
    content = _with_holder_language(template, content)
    context = certificate_context(template, content, inline_images=standalone)
    if standalone:
        context["inline_css"] = mark_safe("\n".join(stylesheet_texts("certificate", context["page"])))  # noqa: S308
    return render_to_string("certificates/pdf/certificate.html", context)


def _attachments(attachments: Sequence[tuple[str, bytes, str]], url_fetcher) -> list:
    from weasyprint import Attachment

    return [
        Attachment(
            string=data,
            name=name,
            description=str(description),
            relationship="Data" if name.endswith(".json") else "Supplement",
            url_fetcher=url_fetcher,
        )
        for name, data, description in attachments
    ]


def _write_pdf(html: str, *, kind: str, page: tuple[str, str], attachments=(), identifier: str = "") -> bytes:
    from weasyprint import HTML

    state = _state()
    with state.lock:  # the shared caches are plain dicts; a threaded caller renders one at a time
        state.trim()
        before = set(state.image_cache)
        document = HTML(string=html, url_fetcher=state.url_fetcher, base_url=_IMAGE_SCHEME)
        try:
            with cid_fonts_compact():  # CJK fonts subset once, embedded by pdf_fonts_compact
                return document.write_pdf(
                    stylesheets=state.css(kind, page),
                    font_config=state.font_config,
                    pdf_variant=PDF_VARIANT,
                    pdf_tags=True,
                    pdf_identifier=identifier.encode() or None,
                    attachments=_attachments(attachments, state.url_fetcher),
                    cache=state.image_cache,
                    finisher=pdf_fonts_compact,
                )
        finally:
            state.image_cache_forget_since(before)


def certificate_pdf(
    template, content: CertificateContent, *, attachments: Sequence[tuple[str, bytes, str]] = ()
) -> bytes:
    """The certificate as a PDF/A-3b, tagged, with ``attachments`` (filename, data, description) embedded.

    ``template`` None prints the built-in look. Raises ``CertificateRenderError`` when a
    template image cannot be read. The wording is in the holder's preferred language when the
    template has a translation in it (``certificate_context``).
    """
    content = _with_holder_language(template, content)
    context = certificate_context(template, content)
    html = render_to_string("certificates/pdf/certificate.html", context)
    return _write_pdf(html, kind="certificate", page=context["page"], attachments=attachments, identifier=content.code)


# Transcripts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptRow:
    course_title: str
    hours: int
    completed_on: datetime.date
    score: Decimal | None
    certificate_code: str = ""
    verify_url: str = ""


def transcript_pdf(
    student_name: str,
    student_name_latin: str,
    rows: Sequence[TranscriptRow],
    issued_on: datetime.date,
    language: str,
) -> bytes:
    """Every completed course with hours, dates, scores and certificate codes, as a tagged PDF/A-3b."""
    from django.conf import settings

    issuer = getattr(settings, "CERTIFICATE_ISSUER_NAME", "")
    language = language or "en"
    with translation.override(language):
        context = {
            **_language_info(language),
            "issuer": issuer,
            "student_name": student_name,
            "student_lang": guess_language(student_name),
            "student_name_latin": student_name_latin
            if student_name_latin and student_name_latin.strip() != student_name.strip()
            else "",
            "issued_on": _date(issued_on, language),
            "rows": [
                {
                    "course_title": row.course_title,
                    "course_lang": guess_language(row.course_title),
                    "hours": row.hours,
                    "completed_on": _date(row.completed_on, language),
                    "score": _score(row.score, language),
                    "certificate_code": row.certificate_code,
                    "verify_url": row.verify_url,
                }
                for row in rows
            ],
            "total_hours": sum(row.hours or 0 for row in rows),
        }
        html = render_to_string("certificates/pdf/transcript.html", context)
    return _write_pdf(html, kind="transcript", page=("A4", "portrait"))
