"""Names and wording in every script the platform promises print right: read back from the PDF itself.

Each certificate is rendered with the holder's name and the wording in one script,
then read with pypdf (content streams and ToUnicode maps) and fontTools (the
embedded font subsets): the text must come back as written, in logical order, and
every glyph drawn must exist in its font. What ``pdf_text`` normalises is stated
in its docstring (tests/certificates/conftest.py): RTL lines reversed from visual
order, NFC, format characters such as ZWNJ dropped.
"""

import dataclasses

import pytest
from fontTools.pens.basePen import NullPen

from certificates.content import content_sample
from certificates.fonts import text_unsupported
from certificates.models import CertificateTemplate
from certificates.rendering import certificate_pdf

from .conftest import pdf_embedded_font, pdf_glyph_problems, pdf_runs, pdf_text, text_normalised

# (language of the wording, holder's name, wording without placeholders)
SCRIPTS = {
    "vietnamese": ("vi", "Nguyễn Thị Minh Khai", "Chứng nhận đã hoàn thành khóa học quan hệ dân sự, quân sự."),
    "cyrillic": ("ru", "Иван Петрович Сидоров", "Настоящим удостоверяется, что курс успешно завершён."),
    "greek": ("el", "Ελένη Παπαδοπούλου", "Πιστοποιείται ότι ολοκλήρωσε επιτυχώς το μάθημα."),
    "arabic": ("ar", "محمد عبد الله الهاشمي", "نشهد بأن حامل هذه الشهادة قد أتم الدورة بنجاح"),
    "persian": ("fa", "پرویز ژاله‌چی", "گواهی می‌شود که این دوره با موفقیت به پایان رسید"),
    "hebrew": ("he", "שלום כהן", "הננו מאשרים כי הקורס הושלם בהצלחה"),
    "chinese": ("zh-hans", "王小明", "兹证明该学员已顺利完成本课程。"),
    "japanese": ("ja", "山田 はなこ", "本講座を修了したことを証します。"),
    "korean": ("ko", "김민준", "위 사람은 본 과정을 성실히 이수하였음을 증명합니다."),
    "thai": ("th", "สมชาย ใจดี", "ขอรับรองว่าได้สำเร็จหลักสูตรนี้แล้ว"),
    "devanagari": ("hi", "राजेश कुमार सिंह", "प्रमाणित किया जाता है कि पाठ्यक्रम पूरा किया गया।"),
}


# Thai SARA AM (ำ) is drawn as NIKHAHIT + the SARA AA glyph (า). A PDF maps each glyph to one
# text (ToUnicode), so the shared SARA AA glyph reads back as either ำ or า everywhere in the
# file. The print is right; only copy-and-paste can confuse the two, so the comparison does too.
_FOLD = {"thai": str.maketrans({"ำ": "า"})}


def _template(language: str, wording: str) -> CertificateTemplate:
    # Unsaved: the renderer needs no database row, and no signatory is needed here.
    return CertificateTemplate(name="t", language=language, title="{holder}", wording=wording)


@pytest.mark.django_db
@pytest.mark.parametrize("script", list(SCRIPTS))
def test_scripts_name_and_wording_extract_from_the_pdf_with_no_missing_glyph(script, weasyprint_warnings):
    language, name, wording = SCRIPTS[script]
    content = dataclasses.replace(content_sample(), holder_name=name, holder_name_latin="Latin Name")
    pdf = certificate_pdf(_template(language, wording), content)

    fold = _FOLD.get(script, {})
    lines = [line.translate(fold) for line in pdf_text(pdf).splitlines()]
    assert text_normalised(name).translate(fold) in lines  # the holder's line (and the title, which is {holder})
    assert text_normalised(wording).translate(fold) in lines
    assert "Latin Name" in lines
    assert pdf_glyph_problems(pdf) == []
    assert not [message for message in weasyprint_warnings if "notdef" in message or "font" in message.lower()]
    assert len(pdf) < 100 * 1024  # the goal of issue 5, for every script (about 18-24 KB measured)


@pytest.mark.django_db
@pytest.mark.parametrize("script", ["chinese", "japanese", "korean"])
def test_scripts_cjk_fonts_are_embedded_as_cff_of_only_the_glyphs_drawn(script):
    """WeasyPrint keeps glyph numbers when it subsets, which left the Noto CJK fonts with an empty
    entry for every glyph below the highest one drawn (70-260 KB a certificate). They are embedded
    as bare CID-keyed CFF (FontFile3 /CIDFontType0C) holding only the glyphs drawn, each under its
    CID (= the glyph number drawn), with the widths the PDF declares (PDF/A wants them equal)."""
    language, name, wording = SCRIPTS[script]
    content = dataclasses.replace(content_sample(), holder_name=name, holder_name_latin="Latin Name")
    pdf = certificate_pdf(_template(language, wording), content)
    assert len(pdf) < 40 * 1024

    runs, fonts = pdf_runs(pdf)
    cjk = [font for font in fonts if "CJK" in str(font["/BaseFont"])]
    assert len(cjk) == 2  # regular (wording) and bold (the holder's name)
    for font in cjk:
        descendant, embedded = pdf_embedded_font(font)
        descriptor = descendant["/FontDescriptor"].get_object()
        assert descriptor["/FontFile3"].get_object()["/Subtype"] == "/CIDFontType0C"
        assert descendant["/Subtype"] == "/CIDFontType0" and "/CIDToGIDMap" not in descendant
        drawn = {glyph.code for run in runs if run.font == str(font["/BaseFont"]) for glyph in run.glyphs}
        assert embedded.glyph_order == [".notdef", *(f"cid{code:05d}" for code in sorted(drawn))]
        widths = descendant["/W"]
        declared = {
            first + offset: width
            for first, run in zip(widths[::2], widths[1::2], strict=True)
            for offset, width in enumerate(run)
        }
        assert declared.keys() == drawn
        for code in drawn:  # the CJK faces have 1000 units to the em
            charstring = embedded.glyph_set[f"cid{code:05d}"]
            charstring.draw(NullPen())  # a CFF glyph's width is known once its charstring has run
            assert charstring.width == pytest.approx(declared[code], abs=1)


@pytest.mark.django_db
def test_scripts_arabic_is_shaped_and_right_to_left():
    """Shaped: the letters are drawn with contextual forms, not the isolated ones, and in visual order."""
    name = "محمد"
    content = dataclasses.replace(content_sample(), holder_name=name, holder_name_latin="Muhammad")
    pdf = certificate_pdf(_template("ar", "نص"), content)
    runs, _fonts = pdf_runs(pdf)
    arabic = next(run for run in runs if run.text == name[::-1])
    # Visual order is the reverse of logical order: the first letter (meem) is drawn last, at the right.
    assert arabic.glyphs[-1].text == "م"
    # Shaped: the two meems (initial and medial forms) are different glyphs.
    meems = [glyph.code for glyph in arabic.glyphs if glyph.text == "م"]
    assert len(meems) == 2 and meems[0] != meems[1]


@pytest.mark.django_db
def test_scripts_a_character_no_font_covers_is_caught_by_the_glyph_check(weasyprint_warnings):
    """The check above can fail: Kawi (Unicode 15) has no installed font and shows up as missing."""
    kawi = "\U00011f04\U00011f05"
    assert text_unsupported(kawi) == set(kawi)
    content = dataclasses.replace(content_sample(), holder_name=kawi, holder_name_latin="Kawi")
    pdf = certificate_pdf(None, content)
    problems = pdf_glyph_problems(pdf)
    assert problems and all("not in the embedded font" in problem or ".notdef" in problem for problem in problems)
    weasyprint_warnings.clear()  # WeasyPrint's own ".notdef glyph rendered" warning is expected here


def test_scripts_every_promised_script_is_covered_by_the_installed_fonts():
    for _language, name, wording in SCRIPTS.values():
        assert text_unsupported(name + wording) == set()


def test_scripts_harfbuzz_subset_library_is_loaded():
    """Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools, about ten times slower."""
    from weasyprint.text.ffi import harfbuzz_subset

    assert harfbuzz_subset is not None, "install libharfbuzz-subset0 (scripts/install-system-packages.sh)"


def test_scripts_weasyprint_subsetting_asks_cffi_for_one_array_type_whatever_the_glyph_count():
    """cffi parses every new C type string (milliseconds each); WeasyPrint names one per glyph count."""
    from weasyprint.pdf import fonts as weasyprint_fonts

    from certificates.fonts import weasyprint_subsetting_patch

    weasyprint_subsetting_patch()
    weasyprint_subsetting_patch()  # idempotent
    ffi = weasyprint_fonts.ffi
    array = ffi.new("hb_codepoint_t[3]", (7, 8, 9))
    assert list(array) == [7, 8, 9] and ffi.sizeof(array) == 3 * ffi.sizeof("hb_codepoint_t")
    assert ffi.typeof(array) is ffi.typeof(ffi.new("hb_codepoint_t[5]", tuple(range(5))))  # one type, parsed once
    assert ffi.NULL == ffi._ffi.NULL  # everything else is WeasyPrint's own FFI


def test_scripts_weasyprint_used_directly_in_the_same_process_subsets_cjk_as_it_always_does():
    """The one-pass CJK subsetting is only for our renders (their finisher embeds it as bare CFF);
    any other WeasyPrint call in the process keeps WeasyPrint's own glyph-number-keeping subset."""
    from weasyprint import HTML

    from certificates.fonts import weasyprint_subsetting_patch

    weasyprint_subsetting_patch()
    pdf = HTML(string='<p lang="ko" style="font-family: \'Noto Serif CJK KR\'">김민준</p>').write_pdf()
    _runs, fonts = pdf_runs(pdf)
    (font,) = fonts
    descendant, embedded = pdf_embedded_font(font)
    assert descendant["/FontDescriptor"].get_object()["/FontFile3"].get_object()["/Subtype"] == "/OpenType"
    assert len(embedded.glyph_order) > 1000  # every glyph number up to the highest drawn kept
    assert pdf_glyph_problems(pdf) == []
