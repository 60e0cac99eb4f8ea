"""Certificates and transcripts as PDF: what is printed, how the file is made, and save-time checks."""

import dataclasses
import datetime
import io
import warnings
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from wagtail.images import get_image_model

import pytest
from PIL import Image as PillowImage
from PIL import ImageDraw

from certificates.content import content_sample
from certificates.models import CertificateTemplate, TemplateSignatory
from certificates.rendering import TranscriptRow, certificate_html, certificate_pdf, transcript_pdf
from certificates.rendering_checks import template_problems

from .conftest import pdf_glyph_problems, pdf_reader, pdf_text

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


def _png(width=600, height=300, colour=(30, 60, 120)) -> bytes:
    picture = PillowImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    draw.ellipse((10, 10, height - 10, height - 10), fill=colour)
    draw.rectangle((height, height // 3, width - 10, height // 3 * 2), fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def _image(title="Logo", data=None, name="logo.png", **fields):
    Image = get_image_model()
    if data is None:
        data = _png()
    if fields:  # a file Pillow cannot read: give the dimensions Wagtail would otherwise read from it
        return Image.objects.create(title=title, file=ContentFile(data, name=name), **fields)
    return Image.objects.create(title=title, file=ImageFile(io.BytesIO(data), name=name))


def _template(**fields) -> CertificateTemplate:
    values = {"name": "Test template", "language": "en"}
    values.update(fields)
    return CertificateTemplate.objects.create(**values)


# What is printed -------------------------------------------------------------------------


def test_rendering_placeholders_are_filled_and_html_escaped():
    template = _template(
        title="Certificate: {course}",
        wording="{holder} ({holder_latin}) completed {course}: {hours} hours, {score}, {cohort}, {program}, on {date}.",
    )
    content = dataclasses.replace(
        content_sample(),
        holder_name="<b>Ann & Bob</b>",
        holder_name_latin="<script>x</script>",
        course_title="Doctrine <i>& interop</i>",
        score=Decimal("87.50"),
    )
    html = certificate_html(template, content)
    assert "<b>Ann" not in html and "&lt;b&gt;Ann &amp; Bob&lt;/b&gt;" in html
    assert "<script>" not in html and "<i>&amp;" not in html

    text = pdf_text(certificate_pdf(template, content))
    assert "Certificate: Doctrine <i>& interop</i>" in text
    assert (
        "<b>Ann & Bob</b> (<script>x</script>) completed Doctrine <i>& interop</i>: 20 hours, 87.5%, "
        "2026 autumn intake, International Military Education and Training, on Nov. 20, 2026."
        in text.replace("\n", " ")
    )


def test_rendering_date_and_score_are_localised_in_the_template_language():
    template = _template(language="fr", title="Attestation", wording="Le {date}, note {score}.")
    text = pdf_text(certificate_pdf(template, content_sample()))
    assert "Le 20 novembre 2026, note 87,5%." in text


def test_rendering_holder_name_in_native_script_with_latin_beneath_only_when_it_differs():
    native = dataclasses.replace(content_sample(), holder_name="Иван Петров", holder_name_latin="Ivan Petrov")
    lines = pdf_text(certificate_pdf(None, native)).splitlines()
    assert lines.index("Иван Петров") + 1 == lines.index("Ivan Petrov")

    same = dataclasses.replace(content_sample(), holder_name="Ivan Petrov", holder_name_latin="Ivan Petrov")
    assert pdf_text(certificate_pdf(None, same)).splitlines().count("Ivan Petrov") == 1


def test_rendering_bilingual_english_and_arabic_on_one_page_the_arabic_block_right_to_left():
    template = _template(
        title="Certificate of completion",
        wording="This certifies that the course was completed.",
        second_language="ar",
        second_title="شهادة إتمام",
        second_wording="نشهد بأن الدورة قد أتمت بنجاح",
    )
    html = certificate_html(template, content_sample())
    assert 'class="wording wording-second" lang="ar" dir="rtl"' in html
    assert 'class="title title-second" lang="ar" dir="rtl"' in html
    pdf = certificate_pdf(template, content_sample())
    assert len(pdf_reader(pdf).pages) == 1
    lines = pdf_text(pdf).splitlines()
    assert "Certificate of completion" in lines and "This certifies that the course was completed." in lines
    assert "شهادة إتمام" in lines and "نشهد بأن الدورة قد أتمت بنجاح" in lines
    assert pdf_glyph_problems(pdf) == []


def test_rendering_bilingual_english_and_french():
    template = _template(
        title="Certificate of completion",
        wording="Completed on {date}.",
        second_language="fr",
        second_title="Attestation de réussite",
        second_wording="Terminé le {date}.",
    )
    pdf = certificate_pdf(template, content_sample())
    text = pdf_text(pdf)
    assert "Completed on Nov. 20, 2026." in text and "Terminé le 20 novembre 2026." in text
    assert "Attestation de réussite" in text
    assert len(pdf_reader(pdf).pages) == 1


@pytest.mark.parametrize(
    ("page_size", "orientation", "width_mm", "height_mm"),
    [("A4", "landscape", 297, 210), ("A4", "portrait", 210, 297), ("letter", "landscape", 279.4, 215.9)],
)
def test_rendering_page_size_and_orientation_in_the_mediabox(page_size, orientation, width_mm, height_mm):
    template = _template(page_size=page_size, orientation=orientation)
    TemplateSignatory.objects.create(template=template, name="Jane Roe", title="Dean")
    reader = pdf_reader(certificate_pdf(template, content_sample()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(width_mm * MM, abs=0.5)
    assert float(box.height) == pytest.approx(height_mm * MM, abs=0.5)


def test_rendering_qr_code_draws_the_verify_url():
    """No QR decoder is installed; instead the image in the PDF must be, module for module, the QR
    code that the qrcode package makes for the verify URL (and only for it), with the fixed mask."""
    import qrcode

    from certificates.rendering import QR_MASK_PATTERN

    content = content_sample()
    reader = pdf_reader(certificate_pdf(None, content))

    def matrix(url):
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK_PATTERN)
        code.add_data(url)
        code.make(fit=True)
        return code.get_matrix()

    expected = matrix(content.verify_url)
    size = len(expected)
    images = [image.image for image in reader.pages[0].images if image.image.size == (size, size)]
    assert len(images) == 1
    grey = images[0].convert("L")
    drawn = [[grey.getpixel((x, y)) < 128 for x in range(size)] for y in range(size)]
    assert drawn == expected
    assert drawn != matrix(content.verify_url.replace("C8P0", "C8P1"))
    # Printed beside it: the code and the URL.
    text = pdf_text(certificate_pdf(None, content))
    assert content.code in text and content.verify_url in text


# The file ---------------------------------------------------------------------------------


def test_rendering_metadata_subject_is_the_code_title_the_course_language_set_tagged_pdfa():
    content = content_sample()
    pdf = certificate_pdf(_template(language="fr", title="Attestation", wording="Bravo."), content)
    reader = pdf_reader(pdf)
    assert reader.metadata["/Subject"] == content.code
    assert reader.metadata["/Title"] == content.course_title
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in root


def test_rendering_attachments_are_embedded_and_extractable():
    credential = b'{"type": ["VerifiableCredential"], "name": "\xc3\xa9"}'
    pdf = certificate_pdf(
        None, content_sample(), attachments=[("credential.json", credential, "Signed credential (Open Badges 3.0)")]
    )
    reader = pdf_reader(pdf)
    assert reader.attachments["credential.json"] == [credential]


def test_rendering_default_template_with_a_logo_stays_under_100_kb(default_template):
    template = default_template
    assert template.name == "Default" and [s.name for s in template.signatories.all()] == ["Director of Studies"]
    template.logo = _image()
    template.save()
    pdf = certificate_pdf(template, content_sample())
    assert len(pdf) < 100 * 1024
    assert len(pdf_reader(pdf).pages[0].images) == 2  # the logo and the QR code
    assert pdf_glyph_problems(pdf) == []


def test_rendering_template_none_prints_the_built_in_look():
    text = pdf_text(certificate_pdf(None, content_sample()))
    assert "Certificate of completion" in text
    assert "This certifies that Nguyễn Thị Minh Khai has completed the course" in text


def test_rendering_signatories_with_images_and_background_are_printed():
    template = _template(background=_image("Background", _png(1200, 800, (240, 230, 200)), "bg.png"))
    for n in range(4):
        TemplateSignatory.objects.create(
            template=template, sort_order=n, name=f"Signer {n}", title=f"Role {n}", signature=_image(f"Sig {n}")
        )
    pdf = certificate_pdf(template, content_sample())
    text = pdf_text(pdf)
    assert all(f"Signer {n}" in text and f"Role {n}" in text for n in range(4))
    assert len(pdf_reader(pdf).pages) == 1
    assert len(pdf_reader(pdf).pages[0].images) >= 6  # background, four signatures, QR code


def test_rendering_a_template_image_missing_from_storage_raises_a_clear_error():
    from certificates.rendering import CertificateRenderError

    logo = _image()
    logo.file.storage.delete(logo.file.name)
    template = _template(logo=logo)
    with pytest.raises(CertificateRenderError, match="Logo"):
        certificate_pdf(template, content_sample())


def test_rendering_transcript_lists_courses_tagged_with_language():
    rows = [
        TranscriptRow(
            "Civil-Military Relations", 20, datetime.date(2026, 3, 1), Decimal("91.00"), "AAAA-BBBB", "https://x/v/A/"
        ),
        TranscriptRow("Доктрина и совместимость", 12, datetime.date(2026, 5, 2), None, "", ""),
    ]
    pdf = transcript_pdf("Иван Петров", "Ivan Petrov", rows, datetime.date(2026, 6, 1), "ru")
    reader = pdf_reader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "ru" and "/StructTreeRoot" in reader.trailer["/Root"]
    text = pdf_text(pdf)
    for expected in ("Иван Петров", "Ivan Petrov", "Civil-Military Relations", "Доктрина и совместимость", "AAAA-BBBB"):
        assert expected in text
    assert "91%" in text and "32" in text  # the score, the total hours
    assert pdf_glyph_problems(pdf) == []


def test_rendering_transcript_runs_over_pages():
    rows = [TranscriptRow(f"Course {n}", 10, datetime.date(2026, 1, 1), None) for n in range(60)]
    pdf = transcript_pdf("Ann", "Ann", rows, datetime.date(2026, 6, 1), "en")
    assert len(pdf_reader(pdf).pages) >= 2
    assert "Course 59" in pdf_text(pdf)


# Save-time checks ---------------------------------------------------------------------------


def test_checks_unknown_placeholder_is_refused_at_save():
    template = CertificateTemplate(name="x", wording="Well done {student}")
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert "Unknown placeholder: {student}" in str(refused.value.message_dict["wording"])


def test_checks_a_corrupt_image_is_refused():
    broken = _image("Broken")
    with open(broken.file.path, "wb") as damaged:  # Wagtail itself refuses a truncated upload: damaged in storage
        damaged.write(_png()[:200])
    template = CertificateTemplate(name="x", logo=broken)
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert "“Broken” is not a readable image" in refused.value.message_dict["logo"][0]


def test_checks_an_svg_image_is_refused():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    template = CertificateTemplate(name="x", background=_image("Vector", svg, "vector.svg", width=10, height=10))
    assert "SVG" in template_problems(template, signatories=False)["background"]
    # Renamed to .png, still SVG inside: refused too.
    template.background = _image("Renamed", svg, "renamed.png", width=10, height=10)
    assert "SVG" in template_problems(template, signatories=False)["background"]


def test_checks_an_oversized_image_is_refused(settings):
    big = PillowImage.new("1", (7000, 6000))  # 42 million pixels, a few kilobytes as PNG
    buffer = io.BytesIO()
    big.save(buffer, "PNG")
    with warnings.catch_warnings():  # Wagtail reads the size on upload and warns: not what is tested
        warnings.simplefilter("ignore", PillowImage.DecompressionBombWarning)
        huge = _image("Huge", buffer.getvalue(), "huge.png", width=7000, height=6000)
    template = CertificateTemplate(name="x", logo=huge)
    assert "at most 40 million pixels" in template_problems(template, signatories=False)["logo"]

    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    template.logo = _image("Heavy", _png(), "heavy.png")
    assert "images on certificates may be at most" in template_problems(template, signatories=False)["logo"]


def test_checks_a_script_no_font_covers_is_refused_as_a_missing_font():
    template = CertificateTemplate(name="x", title="Old Uyghur \U00010f70\U00010f71", wording="ok")
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    message = refused.value.message_dict["title"][0]
    assert message.startswith("Missing font") and "U+10F70" in message


def test_checks_signatories_images_and_a_clean_template_passes():
    template = _template()
    TemplateSignatory.objects.create(
        template=template, sort_order=0, name="Jane Roe", title="Dean", signature=_image("Sig")
    )
    assert template_problems(template) == {}
    template = CertificateTemplate.objects.get(pk=template.pk)  # a ClusterableModel keeps the children it read
    bad = _image("Bad")
    with open(bad.file.path, "wb") as damaged:  # corrupted in storage after a good upload
        damaged.write(_png()[:300])
    TemplateSignatory.objects.create(template=template, sort_order=1, name="John Doe", title="Dean", signature=bad)
    assert "“Bad” is not a readable image" in template_problems(template)["signatories-1-signature"]


def test_rendering_leaves_pillow_refusing_truncated_images_for_the_rest_of_the_process():
    """WeasyPrint's import makes Pillow accept cut-off images process-wide; uploads must still be refused."""
    from PIL import ImageFile

    from certificates.content import content_sample
    from certificates.rendering import certificate_pdf

    certificate_pdf(None, content_sample())
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_checking_a_templates_text_leaves_pillow_refusing_truncated_images():
    """The save-time font check is the first use of WeasyPrint in a web process: it must not loosen Pillow."""
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django; django.setup()\n"
        "from PIL import ImageFile\n"
        "from certificates.rendering_checks import text_problem\n"
        "text_problem('Hello')\n"
        "print(ImageFile.LOAD_TRUNCATED_IMAGES)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
