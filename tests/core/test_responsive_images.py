"""Course covers and module figures come as responsive renditions: AVIF and WebP for the
browsers that take them, a JPEG (or PNG) fallback for the rest, several widths, and sizes
set so that nothing shifts while they load."""

import io
from html.parser import HTMLParser

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from wagtail.images import get_image_model

import pytest
from PIL import Image as PILImage

from courses.factories import CoursePageFactory, ModulePageFactory

pytestmark = pytest.mark.django_db


class _Pictures(HTMLParser):
    """Each <picture> in a page, as its <source> and <img> attributes."""

    def __init__(self):
        super().__init__()
        self.pictures = []

    def handle_starttag(self, tag, attrs):
        if tag == "picture":
            self.pictures.append({"sources": [], "img": None})
        elif tag == "source" and self.pictures:
            self.pictures[-1]["sources"].append(dict(attrs))
        elif tag == "img" and self.pictures and self.pictures[-1]["img"] is None:
            self.pictures[-1]["img"] = dict(attrs)


def _pictures(html: str) -> list[dict]:
    parser = _Pictures()
    parser.feed(html)
    return parser.pictures


def _image(title: str, *, image_format="JPEG", size=(1600, 900)):
    from wagtail.models import Collection

    Collection.get_first_root_node() or Collection.add_root(name="Root")
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (22, 52, 84)).save(buffer, format=image_format)
    extension = "png" if image_format == "PNG" else "jpg"
    image = get_image_model()(title=title, description=f"{title}, described")
    image.file = ImageFile(ContentFile(buffer.getvalue()), name=f"{title.lower().replace(' ', '-')}.{extension}")
    image.save()
    return image


def _rendition_format(url: str) -> str:
    """The format of the file behind a rendition URL, read from its bytes rather than its name."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    with default_storage.open(url.removeprefix(settings.MEDIA_URL)) as handle:
        return PILImage.open(handle).format


def _assert_responsive(picture: dict, *, fallback_format: str, alt: str, lazy: bool):
    types = [source.get("type") for source in picture["sources"]]
    assert types == ["image/avif", "image/webp"]
    for source in picture["sources"]:
        assert len(source["srcset"].split(",")) == 2, source
        assert source["sizes"]
    img = picture["img"]
    assert img["alt"] == alt
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    assert len(img["srcset"].split(",")) == 2 and img["sizes"]
    assert (img.get("loading") == "lazy") is lazy
    assert _rendition_format(img["src"]) == fallback_format
    avif, webp = (source["srcset"].split(",")[0].split()[0] for source in picture["sources"])
    assert _rendition_format(avif) == "AVIF"
    assert _rendition_format(webp) == "WEBP"


def test_course_cover_is_a_picture_with_avif_webp_and_jpeg_fallback(client, catalogue):
    course = CoursePageFactory(parent=catalogue, title="Civilian Control", cover_image=_image("Parliament"))
    pictures = _pictures(client.get(course.url).text)
    assert len(pictures) == 1
    # Above the fold on the course page: not lazy, and described for screen readers.
    _assert_responsive(pictures[0], fallback_format="JPEG", alt="Parliament, described", lazy=False)


def test_catalogue_cards_have_lazy_decorative_pictures(client, catalogue):
    CoursePageFactory(parent=catalogue, title="Civilian Control", cover_image=_image("Parliament"))
    pictures = _pictures(client.get(catalogue.url).text)
    assert len(pictures) == 1
    # The card's linked title names the course; its cover adds nothing to read out.
    _assert_responsive(pictures[0], fallback_format="JPEG", alt="", lazy=True)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_module_figure_is_a_picture_with_the_block_alt_text(student_client, enrolment, course, image_format):
    figure = _image("Who decides", image_format=image_format)
    value = {"image": figure.pk, "alt_text": "Parliament above the ministry", "caption": ""}
    body = [{"type": "image", "value": value}]
    module = ModulePageFactory(parent=course, title="Oversight", slug="oversight", body=body)
    pictures = _pictures(student_client.get(module.url).text)
    assert len(pictures) == 1
    _assert_responsive(pictures[0], fallback_format=image_format, alt="Parliament above the ministry", lazy=True)


def test_module_figure_without_alt_text_falls_back_to_the_image_description(student_client, enrolment, course):
    body = [{"type": "image", "value": {"image": _image("Who decides").pk, "alt_text": "", "caption": ""}}]
    module = ModulePageFactory(parent=course, title="Oversight", slug="oversight", body=body)
    (picture,) = _pictures(student_client.get(module.url).text)
    assert picture["img"]["alt"] == "Who decides, described"
