"""Rendering a page costs the same number of queries whatever the size of the catalogue."""

import io

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model

import pytest
from PIL import Image as PILImage

from courses.factories import CoursePageFactory, EnrolmentFactory, ModulePageFactory, ThemeFactory
from courses.services import page_renditions_warm
from lms.accounts.services import user_profile_update

pytestmark = pytest.mark.django_db


def _image(n):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (n % 255, 90, 140)).save(buffer, "JPEG")
    image = get_image_model()(title=f"Figure {n}")
    image.file = ImageFile(ContentFile(buffer.getvalue()), name=f"figure-{n}.jpg")
    image.save()
    return image


def _build(catalogue, courses, modules, images):
    themes = [ThemeFactory() for _ in range(3)]
    first = None
    for n in range(courses):
        course = CoursePageFactory(parent=catalogue, themes=themes[: 1 + n % 3], cover_image=_image(n))
        page_renditions_warm(page_id=course.pk)
        first = first or course
    body = [{"type": "paragraph", "value": "<p>Text.</p>"}]
    body += [
        {"type": "image", "value": {"image": _image(1000 + i).pk, "alt_text": "", "caption": "c"}}
        for i in range(images)
    ]
    module_pages = [ModulePageFactory(parent=first, body=body) for _ in range(modules)]
    for module in module_pages:
        page_renditions_warm(page_id=module.pk)
    return first, module_pages


def _queries(client, url):
    """Queries of a full render: routes and content fragments are not cached."""
    client.get(url)  # warm process-level caches (content types, templates)
    caches["default"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def signed_in(client, student):
    # Signed in, so the anonymous page cache does not answer and the page really renders.
    client.force_login(student)
    return client


def test_catalogue_queries_do_not_grow_with_courses(signed_in, catalogue, django_db_blocker):
    _build(catalogue, courses=5, modules=1, images=0)
    small = _queries(signed_in, "/catalogue/")
    themes = [ThemeFactory() for _ in range(10)]
    for n in range(95):
        CoursePageFactory(parent=catalogue, themes=themes[n % 10 :][:2], cover_image=_image(5000 + n), publish="direct")
    large = _queries(signed_in, "/catalogue/")
    assert small == large


def test_course_page_queries_do_not_grow_with_modules(signed_in, catalogue):
    course, _modules = _build(catalogue, courses=1, modules=5, images=0)
    small = _queries(signed_in, course.url)
    for _ in range(45):
        ModulePageFactory(parent=course, publish="direct")
    large = _queries(signed_in, course.url)
    assert small == large


def test_module_page_queries_do_not_grow_with_images_or_modules(signed_in, catalogue):
    course, modules = _build(catalogue, courses=1, modules=3, images=1)
    small = _queries(signed_in, modules[1].url)
    body = [
        {"type": "image", "value": {"image": _image(9000 + i).pk, "alt_text": "", "caption": ""}} for i in range(30)
    ]
    big_module = ModulePageFactory(parent=course, body=body)
    page_renditions_warm(page_id=big_module.pk)
    for _ in range(20):
        ModulePageFactory(parent=course, publish="direct")
    large = _queries(signed_in, big_module.url)
    assert small == large


def test_first_visit_costs_at_most_twice_a_warm_one(client, catalogue):
    _course, modules = _build(catalogue, courses=1, modules=2, images=4)
    # Renditions were made at publish time; a cold rendition cache still finds them.
    caches["renditions"].clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(modules[0].url).status_code == 200
    caches["default"].clear()  # not served from the anonymous page cache
    with CaptureQueriesContext(connection) as warm:
        assert client.get(modules[0].url).status_code == 200
    assert len(cold) <= 2 * len(warm)


def test_signed_in_pages_reuse_cached_routes_and_content(signed_in, student, catalogue):
    course, modules = _build(catalogue, courses=1, modules=3, images=2)
    EnrolmentFactory(user=student, course=course)
    for url in (course.url, modules[1].url):
        signed_in.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = signed_in.get(url)
        assert "Sign out" in response.text
        # Route, page, content, the signed-in user and the personal parts (enrolment
        # panel, module text and state) all come from the cache: no query at all.
        tables = {
            table for q in captured for table in ("wagtailcore_page", "wagtailcore_revision") if table in q["sql"]
        }
        assert len(captured) == 0, [q["sql"][:90] + " … " + q["sql"][-60:] for q in captured]
        assert not tables - {"wagtailcore_page"} and not any('"body"' in q["sql"] for q in captured)


def test_content_fragments_follow_publishing(signed_in, course, modules):
    assert "Part 2" in signed_in.get(modules[0].url).text
    ModulePageFactory(parent=course, title="Part 4, added later")
    assert "Part 4, added later" in signed_in.get(modules[0].url).text
    assert "Part 4, added later" in signed_in.get(course.url).text


def _translate(pages, language="fr"):
    from courses.services import page_translation_save

    for page in pages:
        page_translation_save(source=page, language=language, fields={"title": f"{page.title} (FR)"})


def test_catalogue_in_french_costs_the_same_whatever_the_number_of_translated_courses(signed_in, student, catalogue):
    first, _modules = _build(catalogue, courses=3, modules=1, images=0)
    _translate([first])
    user_profile_update(user=student, preferred_language="fr")  # a signed-in reader's language is their profile's
    small = _queries(signed_in, "/catalogue/")
    more = [CoursePageFactory(parent=catalogue, cover_image=_image(7000 + n), publish="direct") for n in range(12)]
    _translate(more[:8])
    _translate(more[:4], language="ar")
    large = _queries(signed_in, "/catalogue/")
    assert small == large
    assert signed_in.get("/catalogue/").text.count("(FR)") == 9


def test_french_course_and_module_pages_cost_the_same_whatever_the_number_of_modules(signed_in, student, catalogue):
    course, modules = _build(catalogue, courses=1, modules=3, images=0)
    _translate([course, *modules])
    user_profile_update(user=student, preferred_language="fr")  # a signed-in reader's language is their profile's
    small = (_queries(signed_in, course.url), _queries(signed_in, modules[1].url))
    extra = [ModulePageFactory(parent=course, publish="direct") for _ in range(15)]
    _translate(extra[:10])
    large = (_queries(signed_in, course.url), _queries(signed_in, modules[1].url))
    assert small == large
