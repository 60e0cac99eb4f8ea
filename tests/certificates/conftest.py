"""Certificate tests: PDF inspection helpers, and a guard against WeasyPrint's slow font fallback.

The helpers read a PDF the way a viewer does, from its content streams, fonts and
ToUnicode maps (parsed with pypdf), so a test checks the file itself, not the HTML
it came from:

- ``pdf_runs`` lists every text-showing operation: the font, and each glyph's
  code with the Unicode text the PDF maps it to;
- ``pdf_text`` joins those runs into logical text (see its docstring for exactly
  what is normalised);
- ``pdf_glyph_problems`` opens each embedded font subset with fontTools and names
  every drawn glyph that is .notdef (glyph 0), outside the font, or empty where
  the text is not blank: what a reader would see as a box or a hole.
"""

import io
import logging
import unicodedata
from dataclasses import dataclass, field

import pytest

FALLBACK_WARNING = "Using fontTools instead of HarfBuzz-Subset"


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def _no_fonttools_fallback():
    """Fail any certificate test during which WeasyPrint subset a font with fontTools (ten times slower)."""
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
    fallbacks = [message for message in collector.messages if FALLBACK_WARNING in message]
    if fallbacks:
        pytest.fail(f"WeasyPrint fell back to fontTools (install libharfbuzz-subset0): {fallbacks[0]}")


@pytest.fixture
def weasyprint_warnings(_no_fonttools_fallback):
    """Every warning WeasyPrint logged during the test (missing images, fonts, …)."""
    return _no_fonttools_fallback.messages


# Reading PDFs --------------------------------------------------------------------------------


@dataclass
class Glyph:
    code: int
    text: str  # what the ToUnicode map says this glyph stands for ("" for a glyph that is part of a cluster)


@dataclass
class TextRun:
    font: str  # BaseFont, e.g. "/ABCDEF+Noto-Naskh-Arabic"
    x: float = 0.0  # where the run starts (text matrix), in the page's user space
    y: float = 0.0
    size: float = 0.0
    page: int = 0
    glyphs: list[Glyph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(glyph.text for glyph in self.glyphs)


def _to_unicode(font) -> dict[int, str]:
    """The font's ToUnicode CMap (bfchar and bfrange entries) as code → text."""
    import re

    if "/ToUnicode" not in font:
        return {}
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping: dict[int, str] = {}

    def text(hexes: str) -> str:
        raw = bytes.fromhex(hexes)
        return raw.decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            mapping[int(code, 16)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            base = int(target, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = chr(base + offset)
    return mapping


def _raw(string_object) -> bytes:
    original = getattr(string_object, "original_bytes", None)
    if original is not None:
        return bytes(original)
    return bytes(string_object)


def _walk(reader, contents, resources, runs: list[TextRun], fonts: dict, page: int):
    from pypdf.generic import ContentStream

    font_resources = resources.get("/Font", {}) if resources else {}
    stream = ContentStream(contents, reader)
    current = None
    x = y = size = 0.0
    for operands, operator in stream.operations:
        if operator == b"Tm":
            x, y = float(operands[4]), float(operands[5])
        elif operator == b"Tf":
            font = font_resources[operands[0]].get_object()
            size = float(operands[1])
            key = id(font)
            if key not in fonts:
                fonts[key] = (font, _to_unicode(font))
            current = fonts[key]
        elif operator in (b"Tj", b"TJ", b"'", b'"') and current is not None:
            font, to_unicode = current
            parts = operands[0] if operator == b"TJ" else [operands[-1]]
            run = TextRun(font=str(font["/BaseFont"]), x=x, y=y, size=size, page=page)
            for part in parts:
                if isinstance(part, (int, float)) or not hasattr(part, "__len__"):
                    continue
                raw = _raw(part)
                for i in range(0, len(raw) - 1, 2):  # Identity-H: two bytes a glyph
                    code = int.from_bytes(raw[i : i + 2], "big")
                    run.glyphs.append(Glyph(code, to_unicode.get(code, "")))
            runs.append(run)
        elif operator == b"Do" and resources and "/XObject" in resources:
            xobject = resources["/XObject"][operands[0]].get_object()
            if xobject.get("/Subtype") == "/Form":
                _walk(reader, xobject, xobject.get("/Resources", resources), runs, fonts, page)


def pdf_reader(pdf: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf))


def pdf_runs(pdf: bytes) -> tuple[list[TextRun], list]:
    """Every text run of every page in content-stream order, and the fonts they use."""
    reader = pdf_reader(pdf)
    runs: list[TextRun] = []
    fonts: dict = {}
    for number, page in enumerate(reader.pages):
        _walk(reader, page.get_contents(), page["/Resources"], runs, fonts, number)
    return runs, [font for font, _map in fonts.values()]


def _is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def pdf_lines(pdf: bytes) -> list[list[TextRun]]:
    """Text runs grouped into lines: consecutive runs on one baseline (within a third of the font
    size, so a combining mark that WeasyPrint draws as a run of its own stays on its line),
    ordered left to right."""
    runs, _fonts = pdf_runs(pdf)
    lines: list[list[TextRun]] = []
    for run in runs:
        last = lines[-1][0] if lines else None
        if last is not None and last.page == run.page and abs(last.y - run.y) < max(last.size, run.size) / 3:
            lines[-1].append(run)
        else:
            lines.append([run])
    return [sorted(line, key=lambda run: run.x) for line in lines]


def pdf_text(pdf: bytes) -> str:
    """The text of the PDF in logical order, one line of the page a line.

    Normalisation, and nothing more:
    - the glyphs of a line are taken left to right (runs sorted by position); a line
      containing right-to-left letters (bidi class R or AL) is then reversed glyph by
      glyph, since the page stores it in visual order; a glyph's own text (a ligature
      such as Arabic lam-lam-heh maps to three characters) keeps its order. A line
      mixing both directions would come out wrong, so tests keep those apart;
    - the result is NFC-normalised and format characters (category Cf: ZWNJ, ZWJ,
      bidi marks) are removed, since they draw nothing and so have no glyph to map.
    Arabic presentation forms never appear: WeasyPrint maps shaped glyphs back to the
    base letters in ToUnicode, which is what this reads.
    """
    out = []
    for line in pdf_lines(pdf):
        glyphs = [glyph for run in line for glyph in run.glyphs]
        if _is_rtl("".join(glyph.text for glyph in glyphs)):
            glyphs.reverse()
        out.append(text_normalised("".join(glyph.text for glyph in glyphs)))
    return "\n".join(out)


def text_normalised(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch) != "Cf")


@dataclass
class EmbeddedFont:
    """An embedded font program as fontTools reads it: glyph names in glyph order, and drawable glyphs."""

    glyph_order: list[str]
    glyph_set: object  # name → glyph with .draw(pen); supports ``in``
    cid_keyed: bool  # a CID-keyed CFF: a glyph drawn as code N is the glyph whose CID is N ("cidNNNNN")
    bare_cff: bool  # FontFile3 /CIDFontType0C (no OpenType wrapper)


def pdf_embedded_font(font):
    """The CIDFont of a Type 0 font and its embedded program: TrueType (FontFile2), OpenType or a
    bare CFF (FontFile3 /OpenType or /CIDFontType0C), or None when the font is not embedded."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key not in descriptor:
            continue
        stream = descriptor[key].get_object()
        data = stream.get_data()
        if stream.get("/Subtype") == "/CIDFontType0C":
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            top = cff[cff.fontNames[0]]
            return descendant, EmbeddedFont(list(top.charset), top.CharStrings, hasattr(top, "ROS"), True)
        embedded = TTFont(io.BytesIO(data))
        cid_keyed = "CFF " in embedded and hasattr(embedded["CFF "].cff[0], "ROS")
        return descendant, EmbeddedFont(embedded.getGlyphOrder(), embedded.getGlyphSet(), cid_keyed, False)
    return descendant, None


def pdf_glyph_problems(pdf: bytes) -> list[str]:
    """Glyphs a reader would see as a box or nothing: .notdef (glyph 0), a glyph the embedded subset
    does not have (WeasyPrint numbers a character no font covers past the font's last glyph), or a
    letter or digit whose glyph draws nothing."""
    from fontTools.pens.boundsPen import BoundsPen

    runs, fonts = pdf_runs(pdf)
    opened = {}
    problems = []
    for font in fonts:
        descendant, embedded = pdf_embedded_font(font)
        opened[str(font["/BaseFont"])] = (descendant, embedded)
    for run in runs:
        descendant, embedded = opened[run.font]
        if embedded is None:
            problems.append(f"{run.font}: font not embedded")
            continue
        order, glyph_set, cid_keyed = embedded.glyph_order, embedded.glyph_set, embedded.cid_keyed
        for glyph in run.glyphs:
            label = f"{run.font} glyph {glyph.code} ({glyph.text!r})"
            if glyph.code == 0:
                problems.append(f"{label}: .notdef")
                continue
            name = f"cid{glyph.code:05d}" if cid_keyed else (order[glyph.code] if glyph.code < len(order) else None)
            if name is None or name not in glyph_set:
                problems.append(f"{label}: not in the embedded font")
                continue
            if glyph.text and not glyph.text.strip():
                continue  # a space draws nothing, rightly
            pen = BoundsPen(None if embedded.bare_cff else glyph_set)
            glyph_set[name].draw(pen)
            # A letter drawn as nothing is missing. A combining mark may rightly have an empty
            # glyph when a neighbour draws it (Noto Serif Devanagari draws ि + ं as one
            # ligature and leaves the anusvara's own glyph, "NullMark", empty).
            if pen.bounds is None and any(unicodedata.category(ch).startswith(("L", "N")) for ch in glyph.text):
                problems.append(f"{label}: empty outline")
    return problems


@pytest.fixture
def default_template(db):
    """The default template as the data migration makes it (run again here: idempotent, and a
    transactional test elsewhere may have emptied the tables since the migration ran)."""
    import importlib

    from django.apps import apps

    from certificates.models import CertificateTemplate

    migration = importlib.import_module("certificates.migrations.0002_default_template")
    migration.default_template_create(apps, None)
    return CertificateTemplate.objects.get(is_default=True)
