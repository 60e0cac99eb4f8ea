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

import functools
import unicodedata
from pathlib import Path

# Families in the order Pango should try them; each covers the scripts in its comment.
FAMILIES_SERIF = (
    "Noto Serif",  # Latin (Vietnamese included), Cyrillic, Greek
    "Noto Naskh Arabic",  # Arabic, Persian, Urdu
    "Noto Serif Hebrew",
    "Noto Serif Thai",
    "Noto Serif Devanagari",
)
# The CJK family per language; the first is the default for Han text of unknown language.
FAMILIES_CJK = {
    "zh": "Noto Serif CJK SC",
    "ja": "Noto Serif CJK JP",
    "ko": "Noto Serif CJK KR",
    "zh-hant": "Noto Serif CJK TC",
}
# Last resorts for symbols and anything the families above lack.
FAMILIES_FALLBACK = (
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Thai",
    "Noto Sans Devanagari",
    "Noto Sans Symbols",
    "Noto Sans Symbols2",
    "Noto Sans Math",
    "DejaVu Sans",
)


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


@functools.cache
def _family_files() -> dict[str, list[str]]:
    """Every family fontconfig knows → the font files that carry it (WeasyPrint's own fontconfig)."""
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
def families_missing() -> tuple[str, ...]:
    """Families of the stack fontconfig cannot find: the set-up is incomplete."""
    known = _family_files()
    return tuple(family for family in all_families() if family not in known)


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
