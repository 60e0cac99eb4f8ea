"""Instructors' uploads: raster images only, bounded in size and pixels; documents as PDF only."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

import pytest
from PIL import Image as PILImage

pytestmark = pytest.mark.django_db


def _png(width=64, height=48):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (20, 60, 100)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def upload(client, instructor):
    client.force_login(instructor)
    root = Collection.get_first_root_node()

    def post_image(name, content, content_type="image/png"):
        return client.post(
            "/admin/images/add/",
            {"title": name, "collection": root.pk, "file": SimpleUploadedFile(name, content, content_type)},
        )

    return post_image


def test_a_valid_png_is_accepted(upload):
    response = upload("map.png", _png())
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="map.png").exists()


def test_svg_is_refused(upload):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload("logo.svg", svg, "image/svg+xml")
    assert response.status_code == 200
    assert "Not a supported image format" in response.text
    assert not get_image_model().objects.exists()


def test_a_corrupt_file_with_an_image_name_is_refused(upload):
    response = upload("photo.png", b"this is not an image at all" * 20)
    assert response.status_code == 200
    assert not get_image_model().objects.exists()
    assert "image" in response.context["form"].errors["file"][0].lower()


def test_a_file_whose_content_is_not_its_extension_is_refused(upload):
    buffer = io.BytesIO()
    PILImage.new("RGB", (10, 10)).save(buffer, "BMP")
    response = upload("sneaky.png", buffer.getvalue())
    assert response.status_code == 200
    assert not get_image_model().objects.exists()


def test_an_image_with_too_many_pixels_is_refused_before_decoding(upload, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1_000_000
    response = upload("bomb.png", _png(2000, 1000))  # 2 Mpx, tiny on disk
    assert response.status_code == 200
    assert "pixels" in response.context["form"].errors["file"][0]
    assert not get_image_model().objects.exists()


def test_an_oversized_file_is_refused(upload, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    response = upload("big.png", _png(400, 400) + b"\0" * 2000)
    assert response.status_code == 200
    assert "too big" in response.context["form"].errors["file"][0]
    assert not get_image_model().objects.exists()


def test_documents_must_be_pdf(client, instructor):
    client.force_login(instructor)
    root = Collection.get_first_root_node()
    docx = SimpleUploadedFile("notes.docx", b"PK\x03\x04 fake", "application/octet-stream")
    response = client.post("/admin/documents/add/", {"title": "Notes", "collection": root.pk, "file": docx})
    assert response.status_code == 200
    assert not get_document_model().objects.exists()
    pdf = SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post("/admin/documents/add/", {"title": "Brief", "collection": root.pk, "file": pdf})
    assert response.status_code == 302
    assert get_document_model().objects.filter(title="Brief").exists()


def test_pillow_refuses_to_decode_past_the_platform_pixel_limit(settings):
    assert PILImage.MAX_IMAGE_PIXELS == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
