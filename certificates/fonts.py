"""The fonts certificates print with, and which characters they cannot print.

Certificates carry names and wording in any script the platform promises
(docs/certificates.md, "Fonts and scripts"). They are set in the Noto fonts the
set-up installs (`scripts/install-system-packages.sh`: fonts-noto-core,
fonts-noto-cjk) and that fontconfig finds; nothing is ever downloaded while
rendering. One CSS ``font-family`` stack lists a family per script: Pango takes,
for each character, the first family in the stack that has it, so the order
decides only which font wins where several could print a character (Latin digits
inside Arabic text come from Noto Serif, Arabic letters from Noto Naskh Arabic).

Chinese, Japanese and Korean share code points but not glyph shapes, so the CJK
family is chosen by the language of the element (``:lang(ja)`` …), and the
holder's name, whose language nobody told us, gets a language guessed from its
script (kana → Japanese, hangul → Korean, other Han → Chinese).

``text_unsupported`` answers "would any character print as an empty box?" for
save-time validation: it reads the character maps (fontTools) of the files
fontconfig resolves for the stack, once per process.
"""

import contextlib
import contextvars
import functools
import io
import unicodedata
from pathlib import Path

from lms.core.fonts import FAMILIES_CJK, FAMILIES_FALLBACK, FAMILIES_SERIF


def _quoted(families) -> str:
    return ", ".join(f'"{family}"' for family in families)


def font_family(cjk_language: str = "zh") -> str:
    """The CSS font-family value for text whose CJK characters read as ``cjk_language``."""
    cjk = FAMILIES_CJK.get(cjk_language, FAMILIES_CJK["zh"])
    return _quoted((*FAMILIES_SERIF, cjk, *FAMILIES_FALLBACK)) + ", serif"


def font_stack_css() -> str:
    """The font rules of every certificate and transcript: the stack, and its CJK choice by language."""
    rules = [f"html {{ font-family: {font_family('zh')}; }}"]
    for lang, selector in (
        ("ja", ":lang(ja)"),
        ("ko", ":lang(ko)"),
        ("zh-hant", ":lang(zh-Hant), :lang(zh-TW), :lang(zh-HK)"),
    ):
        rules.append(f"{selector} {{ font-family: {font_family(lang)}; }}")
    return "\n".join(rules)


def all_families() -> tuple[str, ...]:
    return (*FAMILIES_SERIF, *FAMILIES_CJK.values(), *FAMILIES_FALLBACK)


def guess_language(text: str) -> str | None:
    """A BCP 47 language for text in a script that needs one to print right, else None.

    Only CJK needs it (the same code point draws differently in Chinese, Japanese and
    Korean); every other script prints the same whatever the language.
    """
    has_han = False
    for char in text:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:  # hiragana, katakana
            return "ja"
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:  # hangul
            return "ko"
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FFFF:
            has_han = True
    return "zh" if has_han else None


def pillow_strict_again() -> None:
    """Importing WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES; turn it off again.

    Otherwise, once a web process has rendered a PDF or checked a template's text,
    cut-off image uploads (Wagtail images, certificate images) would pass as whole
    ones. Called wherever this app first imports WeasyPrint; the flag is set only by
    that first import, so it stays off afterwards.
    """
    import weasyprint.images  # noqa: F401 - the import that sets the flag
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False


@functools.cache
def _family_files() -> dict[str, list[str]]:
    """Every family fontconfig knows → the font files that carry it (WeasyPrint's own fontconfig)."""
    pillow_strict_again()
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        font_set = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
        string = ffi.new("FcChar8 **")
        families: dict[str, list[str]] = {}
        for i in range(font_set.nfont if font_set != ffi.NULL else 0):
            pattern = font_set.fonts[i]
            if fontconfig.FcPatternGetString(pattern, b"file", 0, string) != 0:
                continue
            path = ffi.string(string[0]).decode()
            n = 0
            while fontconfig.FcPatternGetString(pattern, b"family", n, string) == 0:
                families.setdefault(ffi.string(string[0]).decode(), []).append(path)
                n += 1
    finally:
        fontconfig.FcConfigDestroy(config)
    return families


def _font_cmap(path: str, family: str) -> frozenset[int]:
    """The code points of ``family`` in the font file (in a collection: the member of that family)."""
    from fontTools.ttLib import TTCollection, TTFont

    if Path(path).suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(path, lazy=True)
        for font in collection.fonts:
            names = {str(record) for record in font["name"].names if record.nameID in (1, 16)}
            if family in names:
                return frozenset(font.getBestCmap() or ())
        return frozenset()
    return frozenset(TTFont(path, lazy=True).getBestCmap() or ())


@functools.cache
@functools.cache
def covered_code_points() -> frozenset[int]:
    """Every code point some font of the stack prints (regular faces; bold ones cover the same)."""
    known = _family_files()
    covered: set[int] = set()
    for family in all_families():
        paths = sorted(set(known.get(family, ())))
        # One file per family is enough for coverage: prefer the regular face.
        regular = [path for path in paths if "Regular" in Path(path).name] or paths[:1]
        for path in regular[:1]:
            covered |= _font_cmap(path, family)
    return frozenset(covered)


def _ignorable(char: str) -> bool:
    # Controls, format characters (joiners, bidi marks) and separators draw nothing.
    return unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def text_unsupported(text: str) -> set[str]:
    """The characters of ``text`` that no font of the stack has: they would print as empty boxes."""
    if not text:
        return set()
    covered = covered_code_points()
    return {char for char in set(text) if ord(char) not in covered and not _ignorable(char)}


# Embedding CJK fonts small --------------------------------------------------------------------
# WeasyPrint 70 subsets every font with HarfBuzz keeping the glyph numbers (RETAIN_GIDS), because
# its content streams draw glyphs by their number in the original font. For a TrueType font that
# costs little; for the CFF-based Noto CJK fonts it leaves a CharStrings INDEX with an entry for
# every glyph below the highest one used: 2 bytes of offset plus an empty charstring each, some
# 26,000-63,000 entries whose increasing offsets deflate badly, 40-140 KB per face in the PDF
# (hmtx and vmtx of the same length deflate to a few hundred bytes; subroutines are already gone),
# and HarfBuzz took about 60 ms a face walking them twice.
#
# The Noto CJK fonts are CID-keyed and their CIDs are their glyph numbers. A CIDFontType0 font
# program embedded as bare CFF (FontFile3 /CIDFontType0C) selects glyphs by CID through the CFF
# charset, not by position, so the same content streams draw from a real subset of only the used
# glyphs: HarfBuzz keeps each glyph's CID when it subsets without RETAIN_GIDS. Inside our renders
# (``cid_fonts_compact``) such a face is subset once that way (``_cid_cff_subset``, patched into
# WeasyPrint by ``weasyprint_subsetting_patch``), and ``pdf_fonts_compact``, the WeasyPrint
# finisher, embeds its CFF table bare. Both check it: the subset's CIDs must be exactly the glyph
# numbers drawn, in order, or the font is left as WeasyPrint makes it (correct, only big).
# (Embedded as OpenType instead, PDFium reads the CFF by glyph position and draws nothing.)

# id(OpenType file) → (the file, its CFF table) for the fonts _cid_cff_subset made in this render.
_compacted: contextvars.ContextVar[dict | None] = contextvars.ContextVar("certificate_cff_compacted", default=None)
_HB_MEMORY_MODE_READONLY = 1
_HB_SUBSET_FLAGS_NO_HINTING = 0x1
_HB_SUBSET_FLAGS_DESUBROUTINIZE = 0x4
_HB_SUBSET_FLAGS_NOTDEF_OUTLINE = 0x40
_HB_SUBSET_SETS_DROP_TABLE_TAG = 3
_DROPPED_TABLES = (b"cmap", b"GSUB", b"GPOS", b"GDEF", b"BASE", b"VORG", b"vmtx", b"vhea", b"name", b"post")


@functools.cache
def _harfbuzz():
    """Our own cffi handles on HarfBuzz and its subsetter (WeasyPrint's declare no face creation), and
    the callback that shows a face without its cmap; None without the libraries."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(
        """
        typedef struct hb_blob_t hb_blob_t;
        typedef struct hb_face_t hb_face_t;
        typedef struct hb_set_t hb_set_t;
        typedef struct hb_subset_input_t hb_subset_input_t;
        typedef uint32_t hb_tag_t;
        typedef uint32_t hb_codepoint_t;
        typedef hb_blob_t * (*hb_reference_table_func_t) (hb_face_t *face, hb_tag_t tag, void *user_data);
        hb_blob_t * hb_blob_create (const char *data, unsigned int length, int mode, void *user_data, void *destroy);
        hb_blob_t * hb_blob_get_empty (void);
        void hb_blob_destroy (hb_blob_t *blob);
        const char * hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
        hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
        hb_face_t * hb_face_create_for_tables (hb_reference_table_func_t func, void *user_data, void *destroy);
        void hb_face_destroy (hb_face_t *face);
        unsigned int hb_face_get_glyph_count (const hb_face_t *face);
        hb_blob_t * hb_face_reference_blob (hb_face_t *face);
        hb_blob_t * hb_face_reference_table (const hb_face_t *face, hb_tag_t tag);
        hb_tag_t hb_tag_from_string (const char *str, int len);
        void hb_set_add_sorted_array (hb_set_t *set, const hb_codepoint_t *sorted_codepoints, unsigned int num);
        hb_subset_input_t * hb_subset_input_create_or_fail (void);
        void hb_subset_input_destroy (hb_subset_input_t *input);
        hb_set_t * hb_subset_input_glyph_set (hb_subset_input_t *input);
        hb_set_t * hb_subset_input_set (hb_subset_input_t *input, int set_type);
        void hb_set_add (hb_set_t *set, hb_codepoint_t codepoint);
        void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
        hb_face_t * hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
        """
    )
    try:
        hb, hb_subset = ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    except OSError:
        return None
    cmap = hb.hb_tag_from_string(b"cmap", 4)

    @ffi.callback("hb_reference_table_func_t")
    def tables_but_cmap(_face, tag, source):
        if tag == cmap:
            return hb.hb_blob_get_empty()
        return hb.hb_face_reference_table(ffi.cast("hb_face_t *", source), tag)

    return ffi, hb, hb_subset, tables_but_cmap


def _blob_bytes(ffi, hb, blob) -> bytes:
    length = ffi.new("unsigned int *")
    data = hb.hb_blob_get_data(blob, length)
    return ffi.buffer(data, length[0])[:] if length[0] else b""


def _subset(libraries, source, glyphs: set[int], flags: int) -> tuple[bytes, bytes, int] | None:
    """``source`` (a HarfBuzz face) subset to ``glyphs`` and .notdef without keeping glyph numbers:
    the OpenType file, its CFF table, and the glyph count of ``source``; None if HarfBuzz fails.

    HarfBuzz is shown the face without its cmap: with one, it adds to the glyphs asked for those
    of their variation sequences in cmap format 14 (U+3002 U+FE01 …), even when cmap is dropped,
    and the subset's glyph order could not be checked against the glyphs asked for.
    """
    ffi, hb, hb_subset, tables_but_cmap = libraries
    glyph_count = hb.hb_face_get_glyph_count(source)
    face = hb.hb_face_create_for_tables(tables_but_cmap, source, ffi.NULL)
    subset_input = hb_subset.hb_subset_input_create_or_fail()
    subset = ffi.NULL
    try:
        if subset_input == ffi.NULL:
            return None
        kept = sorted({0, *(glyph for glyph in glyphs if glyph < glyph_count)})
        hb.hb_set_add_sorted_array(
            hb_subset.hb_subset_input_glyph_set(subset_input), ffi.new("hb_codepoint_t[]", kept), len(kept)
        )
        dropped = hb_subset.hb_subset_input_set(subset_input, _HB_SUBSET_SETS_DROP_TABLE_TAG)
        for tag in _DROPPED_TABLES:
            hb.hb_set_add(dropped, hb.hb_tag_from_string(tag, 4))
        hb_subset.hb_subset_input_set_flags(subset_input, flags)
        subset = hb_subset.hb_subset_or_fail(face, subset_input)
        if subset == ffi.NULL:
            return None
        blobs = (
            hb.hb_face_reference_blob(subset),
            hb.hb_face_reference_table(subset, hb.hb_tag_from_string(b"CFF ", 4)),
        )
        try:
            otf, cff = (_blob_bytes(ffi, hb, blob) for blob in blobs)
        finally:
            for blob in blobs:
                hb.hb_blob_destroy(blob)
        return (otf, cff, glyph_count) if otf and cff else None
    finally:
        if subset != ffi.NULL:
            hb.hb_face_destroy(subset)
        if subset_input != ffi.NULL:
            hb_subset.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)


def _cids_are_glyphs(cff: bytes, glyphs: set[int], glyph_count: int) -> bool:
    """Whether ``cff`` is CID-keyed and holds exactly .notdef and ``glyphs``, in order, each under a
    CID equal to its glyph number in the font it was cut from (of ``glyph_count`` glyphs). A glyph
    number past the end (WeasyPrint's number for a character no font has) fails the check."""
    if any(glyph >= glyph_count for glyph in glyphs):
        return False
    return cff_cids(cff) == sorted({0, *glyphs})


def cff_subset(otf: bytes, glyphs: set[int]) -> bytes | None:
    """The CFF table of ``otf`` (an OpenType-CFF font) subset to ``glyphs`` without keeping glyph
    numbers, if it is CID-keyed with each glyph's CID equal to its glyph number; else None."""
    libraries = _harfbuzz()
    if libraries is None:
        return None
    ffi, hb, _hb_subset, _callback = libraries
    buffer = ffi.from_buffer(otf)  # kept alive until the faces are gone
    blob = hb.hb_blob_create(buffer, len(otf), _HB_MEMORY_MODE_READONLY, ffi.NULL, ffi.NULL)
    source = hb.hb_face_create(blob, 0)
    try:
        subset = _subset(libraries, source, glyphs, _HB_SUBSET_FLAGS_NO_HINTING | _HB_SUBSET_FLAGS_DESUBROUTINIZE)
    finally:
        hb.hb_face_destroy(source)
        hb.hb_blob_destroy(blob)
    if subset is None or not _cids_are_glyphs(subset[1], glyphs, subset[2]):
        return None
    return subset[1]


def cff_cids(cff: bytes) -> list[int] | None:
    """The CID of each glyph of a CID-keyed CFF font, in glyph order; None if it is not CID-keyed."""
    from fontTools.cffLib import CFFFontSet

    font_set = CFFFontSet()
    font_set.decompile(io.BytesIO(cff), None)
    top = font_set[font_set.fontNames[0]]
    if not hasattr(top, "ROS"):
        return None
    return [0 if name == ".notdef" else int(name[3:]) for name in top.charset]


def _reference_number(reference) -> int:
    return int(bytes(reference).split()[0])


def _widths_glyphs(widths) -> set[int]:
    """The glyph numbers of a CIDFont /W array (WeasyPrint writes ``first [w w …]`` runs): those drawn."""
    glyphs: set[int] = set()
    for first, run in zip(widths[::2], widths[1::2], strict=True):
        glyphs.update(range(int(first), int(first) + len(run)))
    return glyphs


def pdf_fonts_compact(_document, pdf) -> None:
    """WeasyPrint finisher: embed each CID-keyed CFF font (Noto CJK) as a bare CFF of its used glyphs.

    Content streams, widths and ToUnicode maps stay as they are: the glyph numbers drawn are the
    fonts' CIDs, and a CIDFontType0C program is read by CID. See the note above ``_harfbuzz``.
    """
    import pydyf

    objects = pdf.objects
    compacted = _compacted.get() or {}
    # font file object number → (the CIDFont dictionaries using it, the glyphs they draw)
    users: dict[int, tuple[list, set[int]]] = {}
    for obj in objects:
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Subtype") != "/CIDFontType0" or "W" not in obj:
            continue
        descriptor = objects[_reference_number(obj["FontDescriptor"])]
        if "FontFile3" not in descriptor:
            continue
        fonts, glyphs = users.setdefault(_reference_number(descriptor["FontFile3"]), ([], set()))
        fonts.append(obj)
        glyphs |= _widths_glyphs(obj["W"])
    for number, (fonts, glyphs) in users.items():
        stream = objects[number]
        if stream.extra.get("Subtype") != "/OpenType" or len(stream.stream) != 1:
            continue
        otf = stream.stream[0]
        made = compacted.get(id(otf))
        if made is not None and made[0] is otf:
            cff = made[1]  # subset once to the glyphs drawn, and checked, by _cid_cff_subset
        elif bytes(otf[:4]) == b"OTTO":
            cff = cff_subset(bytes(otf), glyphs)  # None unless every glyph drawn keeps its number as its CID
        else:
            cff = None
        if cff is None:
            continue
        stream.stream = [cff]
        stream.extra = pydyf.Dictionary({"Subtype": "/CIDFontType0C"})
        for font in fonts:
            font.pop("CIDToGIDMap", None)  # a CIDFontType2 entry only; a CFF CIDFont maps by CID


# WeasyPrint's subsetting, without a C parser run per certificate ----------------------------------


class _UnsizedArrays:
    """WeasyPrint's cffi ``FFI``, except that ``new("hb_codepoint_t[N]", values)`` asks for
    ``"hb_codepoint_t[]"``: the same array (as long as ``values``), but one C type for every N.

    WeasyPrint 70 subsets each font with ``ffi.new(f"hb_codepoint_t[{len(glyphs)}]", …)``; cffi
    parses each new type string with pycparser, about 20 ms (it declares every type of
    WeasyPrint's cdef again), and only caches it per string. The length is the number of glyphs
    used or the highest glyph number plus one, so it changes with nearly every name and code:
    that was 2-7 ms a certificate averaged over the first few hundred, all in one C parser.
    """

    def __init__(self, ffi):
        self._ffi = ffi

    def __getattr__(self, name):
        return getattr(self._ffi, name)

    def new(self, cdecl, init=None):
        size = cdecl[15:-1] if cdecl.startswith("hb_codepoint_t[") else ""
        if init is not None and size.isdigit() and int(size) == len(init):
            cdecl = "hb_codepoint_t[]"
        return self._ffi.new(cdecl, init)


def _cid_cff_subset(font, glyphs: set[int], hinting: bool) -> tuple[bytes, bytes] | None:
    """A WeasyPrint ``Font``'s face subset to ``glyphs`` without keeping glyph numbers, as OpenType
    and its CFF table, if it is a CID-keyed CFF font whose CIDs are its glyph numbers (Noto CJK)."""
    libraries = _harfbuzz()
    if libraries is None or "CFF " not in font.tables:
        return None
    from weasyprint.text.ffi import ffi as weasyprint_ffi

    ffi = libraries[0]
    source = ffi.cast("hb_face_t *", int(weasyprint_ffi.cast("uintptr_t", font.hb_face)))
    flags = _HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not hinting:
        flags |= _HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= _HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    subset = _subset(libraries, source, glyphs, flags)
    if subset is None or not _cids_are_glyphs(subset[1], glyphs, subset[2]):
        return None
    return subset[0], subset[1]


@contextlib.contextmanager
def cid_fonts_compact():
    """While rendering in this block, CID-keyed CFF fonts are subset once without keeping glyph
    numbers (see ``weasyprint_subsetting_patch``), for ``pdf_fonts_compact`` to embed. Outside
    it (any other WeasyPrint use in the process) WeasyPrint subsets as it always does."""
    token = _compacted.set({})
    try:
        yield
    finally:
        _compacted.reset(token)


def weasyprint_subsetting_patch() -> None:
    """Make WeasyPrint's font subsetting cheaper, once per process (idempotent):

    - its cffi ``FFI`` in ``weasyprint.pdf.fonts`` becomes ``_UnsizedArrays``;
    - a CID-keyed CFF font (Noto CJK) is subset once, to the glyphs drawn, without keeping
      glyph numbers (``_cid_cff_subset``), instead of twice keeping them: HarfBuzz
      walking 65,535 glyphs twice took about 60 ms a CJK face, 1 ms now. What a viewer
      reads is the same: ``pdf_fonts_compact`` embeds the CFF, read by CID, either way.
      Any other font, or one failing the check, goes through WeasyPrint's own method.
    """
    from weasyprint.pdf import fonts as weasyprint_fonts

    if not isinstance(weasyprint_fonts.ffi, _UnsizedArrays):
        weasyprint_fonts.ffi = _UnsizedArrays(weasyprint_fonts.ffi)
    font_class = weasyprint_fonts.Font
    if getattr(font_class._harfbuzz_subset, "cid_cff_first", False):
        return
    weasyprint_subset = font_class._harfbuzz_subset

    def _harfbuzz_subset(self, to_unicode, hinting):
        compacted = _compacted.get()
        subset = None if compacted is None else _cid_cff_subset(self, set(to_unicode), hinting)
        if subset is None:
            weasyprint_subset(self, to_unicode, hinting)
        else:
            otf, cff = subset
            self.file_content = otf
            compacted[id(otf)] = (otf, cff)

    _harfbuzz_subset.cid_cff_first = True
    font_class._harfbuzz_subset = _harfbuzz_subset
