"""Offline reading: a module or a whole course as a tagged PDF, made by Celery and kept until the content changes."""

import io
import os
import re
import time

from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from wagtail.models import PageViewRestriction

import pytest
from pypdf import PdfReader

from courses.factories import EnrolmentFactory, ModulePageFactory
from courses.models import ModulePage
from courses.offline import offline_document_get, private_storage
from courses.services import page_translation_save

pytestmark = pytest.mark.django_db

FRENCH_BODY = [
    {"type": "heading", "value": {"text": "Pourquoi c'est important", "level": "h2"}},
    {"type": "paragraph", "value": "<p>Le contrôle civil des forces armées.</p>"},
]
RICH_BODY = [
    {"type": "heading", "value": {"text": "Why it matters", "level": "h2"}},
    {"type": "paragraph", "value": "<p>Civilian control keeps the armed forces accountable.</p>"},
    {"type": "heading", "value": {"text": "Checks and balances", "level": "h3"}},
    {
        "type": "callout",
        "value": {"kind": "important", "title": "Remember this", "text": "<p>Parliament votes the budget.</p>"},
    },
    {
        "type": "key_terms",
        "value": {"title": "", "terms": [{"term": "Oversight", "definition": "Watching how power is used."}]},
    },
    {
        "type": "case_study",
        "value": {
            "title": "A budget crisis",
            "body": "<p>The ministry overspent.</p>",
            "questions": ["Who should have noticed?"],
        },
    },
]


@pytest.fixture(autouse=True)
def _language_restored():
    """A request leaves its language active in the thread; later tests must not inherit it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _reader(client, language, user=None):
    """The reader's language: their profile's when signed in (which wins), else the switcher's cookie."""
    client.cookies["lms_language"] = language
    if user is not None:
        user.preferred_language = language
        user.save()
        client.force_login(user)
    return client


def _pdf(response) -> PdfReader:
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _assert_tagged(reader: PdfReader, language: str, title: str) -> None:
    root = reader.trailer["/Root"]
    assert root["/Lang"] == language
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert reader.metadata["/Title"] == title


def _download(client, url, *, runs_task=True, capture=None):
    """Ask twice: the first request queues (and, eager, makes) the PDF, the second serves it."""
    with capture(execute=runs_task) as callbacks:
        first = client.get(url)
    assert first.status_code == 202, first.status_code
    assert len(callbacks) == 1
    second = client.get(url)
    assert second.status_code == 200
    return second


@pytest.fixture
def module(course):
    return ModulePageFactory(parent=course, title="Part 1", slug="part-1", body=RICH_BODY)


def test_a_student_downloads_a_module_once_it_is_made(
    client, student, course, module, django_capture_on_commit_callbacks
):
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    url = reverse("module_pdf", args=[module.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.get(url)
        # Asked again while it is being made: the same page, and no second job.
        again = client.get(url)
    assert first.status_code == again.status_code == 202
    assert "Your PDF is being prepared" in first.text
    assert '<meta http-equiv="refresh" content="5">' in first.text
    assert first["Retry-After"] == "5"
    assert len(callbacks) == 1
    assert not private_storage().exists(offline_document_get(kind="module", page_id=module.pk, language="en").name)

    callbacks[0]()  # the task runs (eager here; tests/courses/test_offline_worker.py uses a real worker)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="civilian-control-part-1-en.pdf"'
    reader = _pdf(response)
    text = _text(reader)
    assert "CIVILIAN CONTROL" in text  # the eyebrow, in capitals
    for expected in (
        "Part 1",
        "Why it matters",
        "Checks and balances",
        "Remember this",
        "Oversight",
        "A budget crisis",
        "Who should have noticed?",
        "Key terms",
        "Module 1 of 1".upper(),
        "1 / 1",  # the page number in the footer
    ):
        assert expected in text
    _assert_tagged(reader, "en", "Part 1")


@pytest.fixture
def french(course, module):
    """The course and its module translated into French and published."""
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    page_translation_save(source=module, language="fr", fields={"title": "Première partie", "body": FRENCH_BODY})


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_a_french_reader_gets_the_translation_and_a_spanish_reader_the_original(
    client, student, course, module, french, django_capture_on_commit_callbacks
):
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    url = reverse("module_pdf", args=[module.pk])

    french_pdf = _pdf(_download(_reader(client, "fr", student), url, capture=django_capture_on_commit_callbacks))
    text = _text(french_pdf)
    assert "Première partie" in text and "Pourquoi c'est important" in text
    assert "Le contrôle civil des forces armées." in text
    assert "Why it matters" not in text
    assert "MODULE 1 SUR 1" in text  # the interface's words in French too
    _assert_tagged(french_pdf, "fr", "Première partie")

    response = _download(_reader(client, "es", student), url, capture=django_capture_on_commit_callbacks)
    assert response["Content-Disposition"] == 'attachment; filename="civilian-control-part-1-es.pdf"'
    spanish_pdf = _pdf(response)
    text = _text(spanish_pdf)
    assert "Why it matters" in text and "Part 1" in text
    assert "Pourquoi" not in text
    _assert_tagged(spanish_pdf, "en", "Part 1")  # the original, marked as English


def test_an_arabic_course_reads_right_to_left_in_an_arabic_font(
    client, student, course, module, django_capture_on_commit_callbacks
):
    page_translation_save(source=course, language="ar", fields={"title": "الرقابة المدنية"})
    page_translation_save(
        source=module,
        language="ar",
        fields={"title": "الجزء الأول", "body": [{"type": "paragraph", "value": "<p>الرقابة المدنية على القوات.</p>"}]},
    )
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    reader = _pdf(
        _download(
            _reader(client, "ar", student),
            reverse("course_pdf", args=[course.pk]),
            capture=django_capture_on_commit_callbacks,
        )
    )
    _assert_tagged(reader, "ar", "الرقابة المدنية")
    assert any(name.endswith("+Noto-Naskh-Arabic") for name in _fonts(reader))


def test_a_new_published_revision_gives_a_new_pdf_and_the_old_one_goes(
    client, student, course, module, django_capture_on_commit_callbacks
):
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    url = reverse("module_pdf", args=[module.pk])
    _download(client, url, capture=django_capture_on_commit_callbacks)
    old_name = offline_document_get(kind="module", page_id=module.pk, language="en").name
    assert private_storage().exists(old_name)

    module = ModulePage.objects.get(pk=module.pk)
    module.body = [{"type": "heading", "value": {"text": "A revised heading", "level": "h2"}}]
    module.save_revision().publish()
    module = ModulePage.objects.get(pk=module.pk)
    new_name = offline_document_get(kind="module", page_id=module.pk, language="en").name
    assert new_name != old_name

    response = _download(client, url, capture=django_capture_on_commit_callbacks)
    text = _text(_pdf(response))
    assert "A revised heading" in text and "Why it matters" not in text
    assert private_storage().exists(new_name)
    assert not private_storage().exists(old_name)  # removed by the new generation


def test_the_course_pdf_has_a_title_page_and_contents_with_page_numbers_and_leaves_locked_modules_out(
    client, student, course, module, django_capture_on_commit_callbacks
):
    second = ModulePageFactory(parent=course, title="Part 2", slug="part-2")
    locked = ModulePageFactory(parent=course, title="Staff only", slug="staff-only")
    PageViewRestriction.objects.create(page=locked, restriction_type=PageViewRestriction.GROUPS).groups.set(
        [Group.objects.get(name="Instructors")]
    )
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    response = _download(client, reverse("course_pdf", args=[course.pk]), capture=django_capture_on_commit_callbacks)
    assert response["Content-Disposition"] == 'attachment; filename="civilian-control-en.pdf"'
    reader = _pdf(response)
    _assert_tagged(reader, "en", "Civilian Control")
    pages = [page.extract_text() for page in reader.pages]
    assert "Civilian Control" in pages[0] and "What you will be able to do" in pages[0]
    assert "Contents" in pages[1]
    # Each module starts a page; the contents give that page's number.
    part_2_page = next(n for n, text in enumerate(pages, start=1) if "Part 2" in text and "MODULE 2 OF 2" in text)
    assert re.search(r"^1\. Part 1 \.+ 3$", pages[1], re.MULTILINE)
    assert re.search(rf"^2\. Part 2 \.+ {part_2_page}$", pages[1], re.MULTILINE)
    assert "1 / 4" not in pages[0] and "2 / 4" in pages[1]  # no footer on the title page
    assert "Staff only" not in "".join(pages)
    assert second.pk

    # A locked module is refused on its own.
    assert client.get(reverse("module_pdf", args=[locked.pk])).status_code == 403


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("other_student", 403),
        ("other_instructor", 403),
        ("pending_student", 403),
        ("instructor", 202),
        ("manager", 202),
        ("admin_user", 202),
    ],
)
def test_who_may_download(client, request, course, module, who, expected):
    person = None
    if who == "pending_student":
        person = request.getfixturevalue("student")
        EnrolmentFactory(user=person, course=course, status="pending")
    elif who != "anonymous":
        person = request.getfixturevalue(who)
    if person is not None:
        client.force_login(person)
    for url in (reverse("module_pdf", args=[module.pk]), reverse("course_pdf", args=[course.pk])):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")
    for kind, page in (("module", module), ("course", course)):
        assert not private_storage().exists(f"offline/{kind}-{page.pk}")  # nothing made, nothing queued


def test_unknown_ids_are_not_found(student_client, course, module):
    assert student_client.get("/dashboard/modules/999999/offline.pdf").status_code == 404
    assert student_client.get("/dashboard/courses/999999/offline.pdf").status_code == 404
    # A course's id as a module's, and the other way round.
    assert student_client.get(f"/dashboard/modules/{course.pk}/offline.pdf").status_code == 404
    assert student_client.get(f"/dashboard/courses/{module.pk}/offline.pdf").status_code == 404


def test_the_links_show_for_readers_only_with_the_size_once_made(
    client, student, other_student, course, module, django_capture_on_commit_callbacks
):
    EnrolmentFactory(user=student, course=course)
    client.force_login(other_student)
    assert "Download this module (PDF)" not in client.get(module.url).text
    assert "Download the whole course (PDF)" not in client.get(course.url).text

    client.force_login(student)
    page = client.get(module.url).text
    url = reverse("module_pdf", args=[module.pk])
    assert f'<a href="{url}">Download this module (PDF)</a></p>' in page  # no size before it is made
    assert (
        f'<a href="{reverse("course_pdf", args=[course.pk])}">Download the whole course (PDF)</a>'
        in client.get(course.url).text
    )
    _download(client, url, capture=django_capture_on_commit_callbacks)
    page = client.get(module.url).text
    assert f'<a href="{url}">Download this module (PDF)</a> <span class="muted">(' in page
    assert "KB)</span>" in page


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_makes_the_pdf_while_the_student_waits(client, student, course, module, workers):
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    url = reverse("module_pdf", args=[module.pk])
    assert client.get(url).status_code == 202  # queued on Redis, for the worker
    workers()
    deadline = time.monotonic() + 90
    while (response := client.get(url)).status_code == 202:  # what the refreshing page does
        assert time.monotonic() < deadline, "the worker never made the PDF"
        time.sleep(0.5)
    assert response.status_code == 200
    reader = _pdf(response)
    assert "Why it matters" in _text(reader)
    _assert_tagged(reader, "en", "Part 1")


def _png() -> bytes:
    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    PillowImage.new("RGB", (2400, 1200), (30, 60, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def test_images_print_sharp_with_their_alt_text_and_readings_link_to_their_document(
    client, student, course, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile

    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    image = get_image_model().objects.create(
        title="Map", file=ImageFile(io.BytesIO(_png()), name="map.png"), description="A map of the region"
    )
    document = get_document_model().objects.create(
        title="The 1998 white paper", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="white-paper.pdf")
    )
    module = ModulePageFactory(
        parent=course,
        title="Part 1",
        slug="part-1",
        body=[
            {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": ""}},
            {"type": "reading", "value": {"document": document.pk, "title": "", "note": "Read the preface."}},
        ],
    )
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    reader = _pdf(
        _download(client, reverse("module_pdf", args=[module.pk]), capture=django_capture_on_commit_callbacks)
    )
    text = _text(reader)
    assert "A map of the region" in text  # the image's own description, as caption when there is none
    assert "The 1998 white paper" in text and "Read the preface." in text
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    ]
    assert f"http://testserver{document.url}" in links
    # The picture at print resolution (a 1600-pixel rendition), not a screen thumbnail.
    pictures = [
        xobject.get_object()
        for page in reader.pages
        for xobject in page["/Resources"].get("/XObject", {}).values()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]
    assert [picture["/Width"] for picture in pictures] == [1600]
    # Tagged as a figure a screen reader names.
    assert _figure_alts(reader) == ["A map of the region"]


def _figure_alts(reader: PdfReader) -> list[str]:
    alts = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def test_with_the_broker_down_nothing_is_written_and_the_next_look_queues_again(
    client, student, course, module, django_capture_on_commit_callbacks
):
    from lms import celery_app

    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    url = reverse("module_pdf", args=[module.pk])
    saved = {name: celery_app.conf[name] for name in ("task_always_eager", "broker_url", "broker_connection_timeout")}
    # Nothing listens on port 9 (discard): publishing fails as with Redis gone.
    celery_app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:9/0", broker_connection_timeout=1)
    _connections_forget(celery_app)
    try:
        for _look in range(2):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                response = client.get(url)
            assert response.status_code == 202
            assert len(callbacks) == 1  # queued again: the failed attempt gave the lock back
    finally:
        celery_app.conf.update(saved)
        _connections_forget(celery_app)
    assert not private_storage().exists(f"offline/module-{module.pk}")


def _connections_forget(app) -> None:
    """Forget the app's broker connections (kombu keeps them by URL), so the next task goes to the broker now set."""
    app._pool = None
    app.amqp._producer_pool = None


def test_translations_not_lent_online_are_not_printed_either(
    client, student, course, module, django_capture_on_commit_callbacks
):
    # Only the module translated: the French course is an alias, which is no translation.
    page_translation_save(source=module, language="fr", fields={"title": "Première partie", "body": FRENCH_BODY})
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    _reader(client, "fr", student)
    course_url = reverse("course_pdf", args=[course.pk])
    reader = _pdf(_download(client, course_url, capture=django_capture_on_commit_callbacks))
    _assert_tagged(reader, "en", "Civilian Control")
    assert "Première partie" in _text(reader)

    # A French module for some groups only is not printed: the original is, under another key.
    name = offline_document_get(kind="module", page_id=module.pk, language="fr").name
    french_module = ModulePage.objects.get(translation_key=module.translation_key, locale__language_code="fr")
    PageViewRestriction.objects.create(page=french_module, restriction_type=PageViewRestriction.GROUPS).groups.set(
        [Group.objects.get(name="Instructors")]
    )
    assert offline_document_get(kind="module", page_id=module.pk, language="fr").name != name
    url = reverse("module_pdf", args=[module.pk])
    reader = _pdf(_download(client, url, capture=django_capture_on_commit_callbacks))
    text = _text(reader)
    assert "Why it matters" in text and "Pourquoi" not in text and "Première partie" not in text
    _assert_tagged(reader, "en", "Part 1")


def test_a_module_whose_image_was_deleted_still_prints(client, student, course, django_capture_on_commit_callbacks):
    from django.core.files.images import ImageFile

    from wagtail.images import get_image_model

    image = get_image_model().objects.create(title="Map", file=ImageFile(io.BytesIO(_png()), name="map.png"))
    module = ModulePageFactory(
        parent=course,
        title="Part 1",
        slug="part-1",
        body=[{"type": "image", "value": {"image": image.pk, "alt_text": "A map", "caption": ""}}, *RICH_BODY],
    )
    image.delete()
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    reader = _pdf(
        _download(client, reverse("module_pdf", args=[module.pk]), capture=django_capture_on_commit_callbacks)
    )
    assert "Why it matters" in _text(reader) and _figure_alts(reader) == []


def test_a_pdf_that_cannot_be_made_says_so_and_is_not_queued_again_for_a_while(
    client, student, course, module, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from courses import offline

    def broken(document):
        raise ValueError("a layout WeasyPrint cannot set")

    monkeypatch.setattr(offline, "offline_pdf_render", broken)
    EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    url = reverse("module_pdf", args=[module.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.get(url)  # queued, and (eager) failed
    assert first.status_code == 202 and len(callbacks) == 1
    assert "could not be rendered" in caplog.text and "a layout WeasyPrint cannot set" in caplog.text

    for _look in range(2):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.get(url)
        assert response.status_code == 503
        assert response["Retry-After"] == str(offline.FAILURE_SECONDS)
        assert "Your PDF could not be prepared" in response.text
        assert '<meta http-equiv="refresh"' not in response.text
        assert callbacks == []  # nothing queued again
    assert not private_storage().exists(offline_document_get(kind="module", page_id=module.pk, language="en").name)

    # Once the failure is forgotten (or the page is published anew: a new document), it is tried again.
    from django.core.cache import cache

    cache.delete(offline_document_get(kind="module", page_id=module.pk, language="en").failure_key)
    monkeypatch.undo()
    assert _download(client, url, capture=django_capture_on_commit_callbacks).status_code == 200


# Files no reader can be given any more ----------------------------------------------------------


def test_the_sweep_removes_the_files_of_pages_gone_unpublished_or_restricted_and_older_versions(
    settings, tmp_path, course, module
):
    from django.core.files.base import ContentFile

    from courses.offline import PARTIAL_MAX_AGE
    from courses.tasks import offline_pdfs_sweep_task

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    storage = private_storage()
    unpublished = ModulePageFactory(parent=course, title="Part 2", slug="part-2")
    restricted = ModulePageFactory(parent=course, title="Part 3", slug="part-3")

    def current(kind, page, language):
        return offline_document_get(kind=kind, page_id=page.pk, language=language).name

    def write(name):
        storage.save(name, ContentFile(b"%PDF-1.7"))
        return name

    gone = {
        write(current("module", unpublished, "en")),
        write(current("module", restricted, "fr")),
        write(current("course", course, "ar")),  # the course as it was: it lists Part 2 and Part 3
        write(f"offline/module-{module.pk}/en-{'0' * 20}.pdf"),  # an older revision, never asked again
        write(f"offline/module-{module.pk}/xx-{'0' * 20}.pdf"),  # a language the site no longer has
        write(f"offline/module-{course.pk + 10_000}/en-{'0' * 20}.pdf"),  # a deleted page
        write(f"offline/module-{module.pk}/.fr-{'b' * 32}.part"),  # a killed worker's
    }
    unpublished.unpublish()
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)
    kept = {
        write(current("module", module, "en")),
        write(current("module", module, "fr")),
        write(current("course", course, "ar")),
        write(f"offline/module-{module.pk}/.en-{'a' * 32}.part"),  # a generation under way
    }
    long_ago = time.time() - PARTIAL_MAX_AGE.total_seconds() - 60
    os.utime(storage.path(f"offline/module-{module.pk}/.fr-{'b' * 32}.part"), (long_ago, long_ago))

    assert offline_pdfs_sweep_task.apply().get() == len(gone)
    assert all(storage.exists(name) for name in kept)
    assert not any(storage.exists(name) for name in gone)
    assert not os.path.exists(storage.path(f"offline/module-{course.pk + 10_000}"))  # its folder too
    assert not os.path.exists(storage.path(f"offline/module-{unpublished.pk}"))
    assert offline_pdfs_sweep_task.apply().get() == 0  # nothing more to do


def test_the_sweep_runs_daily_and_copes_with_no_offline_files_yet(settings, tmp_path):
    from courses.offline import offline_pdfs_sweep

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    assert offline_pdfs_sweep() == 0
    schedule = settings.CELERY_BEAT_SCHEDULE["offline-pdfs-sweep"]
    assert schedule == {"task": "courses.tasks.offline_pdfs_sweep_task", "schedule": 86400.0}
