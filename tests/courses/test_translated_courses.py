"""Translated courses: words from the translation, identity (address, enrolment, progress) from the source."""

import shutil
from pathlib import Path

from django.contrib.auth.models import Group
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from wagtail.models import Locale, Page, PageViewRestriction, Revision

import pytest
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from courses.factories import CoursePageFactory, EnrolmentFactory, ModulePageFactory
from courses.models import CoursePage, Enrolment, EnrolmentStatus, ModulePage, ModuleProgress
from courses.services import (
    TranslationRefused,
    enrolment_request,
    module_complete,
    page_translation_save,
)
from lms.accounts.services import user_profile_update
from lms.demo import curriculum
from lms.demo.translations import translations_load

pytestmark = pytest.mark.django_db

FRENCH_BODY = [{"type": "paragraph", "value": "<p>Le contrôle civil des forces armées.</p>"}]


def _reader(client, language):
    client.cookies["lms_language"] = language
    return client


@pytest.fixture
def french(course, modules):
    """The course and its first module translated into French and published."""
    fr_course = page_translation_save(
        source=course,
        language="fr",
        fields={
            "title": "Contrôle civil",
            "summary": "Pourquoi les démocraties placent leurs forces sous autorité civile.",
            "learning_outcomes": [{"type": "outcome", "value": "Expliquer le contrôle civil."}],
        },
    )
    fr_module = page_translation_save(
        source=modules[0], language="fr", fields={"title": "Première partie", "body": FRENCH_BODY}
    )
    return fr_course, fr_module


def test_french_reader_reads_the_french_course_and_module_at_the_source_address(
    client, student, course, modules, french
):
    fr_course, fr_module = french
    EnrolmentFactory(user=student, course=course)
    user_profile_update(user=student, preferred_language="fr")  # signed in, the profile's language wins
    client.force_login(student)

    page = client.get(course.url)
    assert page.status_code == 200
    assert "<h1>Contrôle civil</h1>" in page.text
    assert "Expliquer le contrôle civil." in page.text
    assert "Première partie" in page.text  # the outline uses the module's translated title
    assert "Part 2" in page.text  # untranslated modules keep the original title
    assert "translation-notice" not in page.text

    module_page = client.get(modules[0].url)
    assert "<h1>Première partie</h1>" in module_page.text
    assert "Le contrôle civil des forces armées." in module_page.text
    assert "Why it matters" not in module_page.text  # the original's heading is not shown

    # The translation keeps the source's address: one URL per course.
    assert fr_course.url == course.url and fr_module.url == modules[0].url


def test_english_reader_still_reads_the_original(client, course, modules, french):
    page = _reader(client, "en").get(course.url)
    assert "<h1>Civilian Control</h1>" in page.text
    assert "Contrôle civil" not in page.text
    assert "translation-notice" not in page.text


def test_spanish_reader_gets_the_original_with_a_notice_and_its_language(client, course, modules, french):
    page = _reader(client, "es").get(course.url)
    assert "<h1>Civilian Control</h1>" in page.text
    assert 'class="message message--info translation-notice"' in page.text
    assert "/catalogue/?language=es" in page.text
    # The original's words are marked as English for screen readers.
    assert '<div class="content-language" lang="en" dir="ltr">' in page.text
    module_page = client.get(modules[1].url)
    assert "translation-notice" in module_page.text and "<h1>Part 2</h1>" in module_page.text


def test_arabic_reader_reads_arabic_and_the_english_original_is_marked_left_to_right(client, course, other_course):
    page_translation_save(source=course, language="ar", fields={"title": "الرقابة المدنية"})
    page = _reader(client, "ar").get(course.url)
    assert "<h1>الرقابة المدنية</h1>" in page.text
    assert "translation-notice" not in page.text
    assert '<div class="content-language">' in page.text  # the interface's own language and direction
    original = _reader(client, "ar").get(other_course.url)
    assert '<div class="content-language" lang="en" dir="ltr">' in original.text


def test_a_draft_translation_is_never_shown(client, course):
    page_translation_save(source=course, language="fr", fields={"title": "Brouillon"}, publish=False)
    page = _reader(client, "fr").get(course.url)
    assert "Brouillon" not in page.text
    assert "<h1>Civilian Control</h1>" in page.text and "translation-notice" in page.text


def test_an_unpublished_translation_stops_being_shown(client, course, french):
    fr_course, _fr_module = french
    assert "Contrôle civil" in _reader(client, "fr").get(course.url).text
    CoursePage.objects.get(pk=fr_course.pk).unpublish()
    assert "Contrôle civil" not in _reader(client, "fr").get(course.url).text


def test_a_translation_is_never_served_as_a_page_of_its_own(course, french):
    fr_course, fr_module = french
    request = RequestFactory().get(course.url)
    for page in (fr_course, fr_module):
        with pytest.raises(Http404):
            page.serve(request)


def test_the_translation_is_private_like_its_source(client, course, french):
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.create(name="Partners only")])
    response = _reader(client, "fr").get(course.url)
    assert response.status_code in (302, 403)
    assert "Contrôle civil" not in response.content.decode()
    catalogue = client.get("/catalogue/")
    assert "Contrôle civil" not in catalogue.text


def test_enrolling_and_completing_from_french_ids_land_on_the_source(client, student, course, modules, french):
    fr_course, fr_module = french
    user_profile_update(user=student, preferred_language="fr")  # signed in, the profile's language wins
    client.force_login(student)
    # The form on the French page posts the source's id...
    assert f'action="{reverse("course_enrol", args=[course.pk])}"' in client.get(course.url).text
    # ...and a translation's id, posted by hand, still enrols on the source.
    response = client.post(reverse("course_enrol", args=[fr_course.pk]))
    assert response.status_code == 302 and response["Location"] == course.url
    enrolment = Enrolment.objects.get(user=student)
    assert enrolment.course_id == course.pk
    assert not Enrolment.objects.filter(course_id=fr_course.pk).exists()

    response = client.post(reverse("module_complete", args=[fr_module.pk]))
    assert response.status_code == 302
    assert list(ModuleProgress.objects.filter(enrolment=enrolment).values_list("module_id", flat=True)) == [
        modules[0].pk
    ]
    assert not ModuleProgress.objects.filter(module_id=fr_module.pk).exists()


def test_services_take_a_translation_for_its_source(student, other_student, course, modules, french):
    fr_course, fr_module = french
    enrolment = enrolment_request(user=student, course=fr_course)
    assert enrolment.course_id == course.pk
    progress = module_complete(user=student, module=fr_module)
    assert progress.module_id == modules[0].pk
    # Completion counts the source's modules, the translation's nowhere.
    for module in modules[1:]:
        module_complete(user=student, module=module)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_catalogue_lists_each_course_once_in_the_readers_language(client, course, other_course, french):
    page = _reader(client, "fr").get("/catalogue/")
    assert page.text.count('class="card"') == 2
    assert "Contrôle civil" in page.text and "Civilian Control" not in page.text
    assert "Export Controls" in page.text  # not translated: its original title
    assert '<span lang="fr">français</span>' in page.text  # the languages a course reads in
    english = _reader(client, "en").get("/catalogue/")
    assert "Civilian Control" in english.text and "Contrôle civil" not in english.text
    assert english.text.count('class="card"') == 2


def test_catalogue_language_filter_keeps_courses_readable_in_that_language(client, course, other_course, french):
    page = client.get("/catalogue/?language=fr")
    assert "Civilian Control" in page.text or "Contrôle civil" in page.text
    assert "Export Controls" not in page.text
    assert "Export Controls" in client.get("/catalogue/?language=en").text


def test_catalogue_search_finds_a_course_by_its_translated_words(client, course, other_course, french):
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    page = _reader(client, "fr").get("/catalogue/?q=démocraties")
    assert page.text.count('class="card"') == 1 and "Contrôle civil" in page.text


def test_translating_is_refused_for_unknown_languages_fields_and_translations(course, french):
    fr_course, _ = french
    with pytest.raises(TranslationRefused):
        page_translation_save(source=course, language="xx", fields={"title": "?"})
    with pytest.raises(TranslationRefused):
        page_translation_save(source=course, language="en", fields={"title": "?"})
    with pytest.raises(TranslationRefused):
        page_translation_save(source=course, language="es", fields={"estimated_hours": 99})
    with pytest.raises(TranslationRefused):
        page_translation_save(source=fr_course, language="ar", fields={"title": "?"})
    assert not CoursePage.objects.filter(locale__language_code__in=["es", "ar"]).exists()


def test_the_locale_tree_is_made_on_first_translation(course, french):
    from courses.models import CatalogueIndexPage, HomePage

    for model in (HomePage, CatalogueIndexPage):
        assert model.objects.filter(locale__language_code="fr").count() == 1


def test_dashboard_names_the_course_in_the_readers_language(client, student, course, french):
    EnrolmentFactory(user=student, course=course)
    user_profile_update(user=student, preferred_language="fr")
    client.force_login(student)
    assert "Contrôle civil" in client.get("/dashboard/").text


# The admin workflow (wagtail-localize) ---------------------------------------------------------


def _submit(client, page, language="fr"):
    locale, _ = Locale.objects.get_or_create(language_code=language)
    return client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [locale.pk], "include_subtree": "on"},
    )


def test_translate_this_page_makes_a_draft_and_shows_what_is_out_of_date(client, admin_user, course, modules):
    client.force_login(admin_user)
    response = _submit(client, course)
    assert response.status_code == 302
    fr_course = CoursePage.objects.get(locale__language_code="fr")
    assert not fr_course.live  # a draft, until a translator publishes it
    assert ModulePage.objects.filter(locale__language_code="fr").count() == 3  # the subtree too
    assert fr_course.slug == course.slug
    translation = Translation.objects.get(source__object_id=course.translation_key, target_locale__language_code="fr")
    total, done = translation.get_progress()
    assert total > 0 and done == 0

    # A translator translates every string...
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string", "context"):
        StringTranslation.objects.create(
            translation_of=segment.string,
            locale=translation.target_locale,
            context=segment.context,
            data=f"FR {segment.string.data}",
        )
    assert translation.get_progress() == (total, total)

    # ...then the source changes: after a sync the new words show as untranslated.
    course.summary = "A new summary, written after the translation."
    course.save_revision().publish()
    sync = reverse("wagtail_localize:update_translations", args=[translation.source.pk])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).status_code == 200
    response = client.post(sync, {})
    assert response.status_code == 302
    total_after, done_after = translation.get_progress()
    assert done_after == total_after - 1


def test_instructor_translates_their_own_course_only(client, instructor, course, other_course, modules):
    from courses.services import course_roles_permissions_ensure

    course_roles_permissions_ensure()
    client.force_login(instructor)
    assert client.get(reverse("wagtail_localize:submit_page_translation", args=[course.pk])).status_code == 200
    refused = _submit(client, other_course)
    assert refused.status_code in (302, 403) and refused.get("Location", "/admin/") == "/admin/"
    assert not CoursePage.objects.filter(locale__language_code="fr", slug=other_course.slug).exists()

    assert _submit(client, course).status_code == 302
    fr_course = CoursePage.objects.get(locale__language_code="fr", slug=course.slug)
    # They edit their course's translation as they edit the course.
    assert client.get(reverse("wagtailadmin_pages:edit", args=[fr_course.pk])).status_code == 200


def test_instructor_cannot_sync_another_instructors_course(client, admin_user, instructor, other_course):
    client.force_login(admin_user)
    _submit(client, other_course)
    source = TranslationSource.objects.get(object_id=other_course.translation_key)
    client.force_login(instructor)
    summary_before = CoursePage.objects.get(locale__language_code="fr", slug=other_course.slug).summary
    other_course.summary = "Changed at the source."
    other_course.save_revision().publish()
    refused = client.post(
        reverse("wagtail_localize:update_translations", args=[source.pk]), {"publish_translations": "on"}
    )
    assert refused.status_code in (302, 403) and refused.get("Location", "/admin/") == "/admin/"
    fr_course = CoursePage.objects.get(locale__language_code="fr", slug=other_course.slug)
    assert fr_course.get_latest_revision_as_object().summary == summary_before


def test_a_second_course_without_translation_is_unaffected(client, catalogue, french):
    lone = CoursePageFactory(parent=catalogue, title="Doctrine", slug="doctrine")
    ModulePageFactory(parent=lone, title="Doctrine basics", slug="basics")
    page = _reader(client, "fr").get(lone.url)
    assert "<h1>Doctrine</h1>" in page.text and "translation-notice" in page.text


# The demo's translated courses (lms/demo/translations.py) -------------------------------------

CURRICULUM = Path(__file__).parent / "curriculum"


def _source_course(catalogue):
    spec = curriculum.parse(CURRICULUM / "1-mini-control.txt")
    course = CoursePageFactory(parent=catalogue, title=spec.title, slug=spec.slug, summary=spec.summary)
    for module in spec.modules:
        ModulePageFactory(parent=course, title=module.title, slug=module.slug, body=module.blocks)
    return course


def test_demo_translations_are_published_once_per_language(client, catalogue):
    course = _source_course(catalogue)
    assert translations_load(CURRICULUM) == 6  # French and Arabic: the course and its two modules
    revisions = Revision.objects.count()
    assert translations_load(CURRICULUM) == 0  # run twice (make run does): nothing new, nothing rewritten
    assert Revision.objects.count() == revisions
    for language in ("fr", "ar"):
        assert CoursePage.objects.live().filter(locale__language_code=language).count() == 1
        assert ModulePage.objects.live().filter(locale__language_code=language).count() == 2
    page = _reader(client, "fr").get(course.url)
    assert "<h1>Le contrôle civil en bref</h1>" in page.text
    assert "Pourquoi le contrôle civil importe" in page.text and "Les institutions de contrôle" in page.text
    assert "<h1>الرقابة المدنية باختصار</h1>" in _reader(client, "ar").get(course.url).text


def test_demo_translations_skip_courses_and_languages_that_are_not_there(catalogue, tmp_path):
    (tmp_path / "1-mini-control.txt").write_text((CURRICULUM / "1-mini-control.txt").read_text())
    (tmp_path / "questions").mkdir()  # question banks are not course files
    (tmp_path / "questions" / "1-mini-control.txt").write_text("not a course")
    assert translations_load(tmp_path) == 0  # no language folder yet
    shutil.copytree(CURRICULUM / "fr", tmp_path / "fr")
    assert translations_load(tmp_path) == 0  # the source course is not loaded here


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("slug: why-it-matters", "slug: why"), "do not match the source"),
        (("language: fr", "language: es"), "'language: es' in the fr folder"),
        (("slug: mini-control", "slug: other"), "slug 'other'"),
    ],
)
def test_a_demo_translation_unlike_its_source_is_refused_before_anything_is_written(
    catalogue, tmp_path, change, message
):
    _source_course(catalogue)
    (tmp_path / "1-mini-control.txt").write_text((CURRICULUM / "1-mini-control.txt").read_text())
    shutil.copytree(CURRICULUM / "ar", tmp_path / "ar")
    (tmp_path / "fr").mkdir()
    text = (CURRICULUM / "fr" / "1-mini-control.txt").read_text()
    (tmp_path / "fr" / "1-mini-control.txt").write_text(text.replace(*change))
    with pytest.raises(curriculum.CurriculumError, match=message) as refused:
        translations_load(tmp_path)
    assert "fr/1-mini-control.txt" in str(refused.value)
    assert not CoursePage.objects.exclude(locale__language_code="en").exists()  # not even the Arabic one


def test_seed_demo_publishes_the_demo_translations_once(catalogue):
    from django.core.management import call_command

    from lms.demo.translations import translated_files

    call_command("seed_demo", verbosity=0)
    expected = {(item.language, item.spec.slug) for item in translated_files()}
    translated = CoursePage.objects.live().exclude(locale__language_code="en")
    assert set(translated.values_list("locale__language_code", "slug")) == expected
    for course in translated:
        assert ModulePage.objects.child_of(course).live().count() >= 4
    pages, revisions = Page.objects.count(), Revision.objects.count()
    call_command("seed_demo", verbosity=0)
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_staff_choose_among_source_courses_only(course, french):
    from django.forms import modelform_factory

    from courses.models import Cohort
    from courses.selectors.staff import course_list_for_manual_enrolment

    fr_course, _ = french
    for choices in (
        modelform_factory(Cohort, fields=["course"])().fields["course"].queryset,
        modelform_factory(Enrolment, fields=["course"])().fields["course"].queryset,
        course_list_for_manual_enrolment(),
    ):
        assert course in choices and fr_course not in choices


def test_editors_are_told_which_translations_are_older_than_the_original(client, admin_user, course, french):
    fr_course, _ = french
    client.force_login(admin_user)
    edit = reverse("wagtailadmin_pages:edit", args=[course.pk])
    assert "published before the last change" not in client.get(edit).content.decode()

    course.summary = "Rewritten after the French was published."
    course.save_revision().publish()
    assert "published before the last change to this page: français" in client.get(edit).content.decode()
    translation_edit = reverse("wagtailadmin_pages:edit", args=[fr_course.pk])
    assert "after this translation was last published" in client.get(translation_edit).content.decode()

    page_translation_save(source=course, language="fr", fields={"summary": "Résumé réécrit."})
    assert "published before the last change" not in client.get(edit).content.decode()
    assert "after this translation was last published" not in client.get(translation_edit).content.decode()


# What a translation may lend -------------------------------------------------------------------


def test_a_translation_behind_a_view_restriction_is_not_lent(client, student, course, modules, french):
    fr_course, _fr_module = french
    # On the French course: its French module, below it in the French tree, is restricted too.
    restriction = PageViewRestriction.objects.create(page=fr_course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.create(name="French partners only")])

    page = _reader(client, "fr").get(course.url)
    assert "<h1>Civilian Control</h1>" in page.text and "Contrôle civil" not in page.text
    assert "translation-notice" in page.text
    catalogue = _reader(client, "fr").get("/catalogue/")
    assert "Contrôle civil" not in catalogue.text and "démocraties" not in catalogue.text
    assert "Civilian Control" in catalogue.text
    assert 'class="card"' not in client.get("/catalogue/?language=fr").text

    EnrolmentFactory(user=student, course=course)
    user_profile_update(user=student, preferred_language="fr")
    client.force_login(student)
    module_page = client.get(modules[0].url)
    assert "Le contrôle civil des forces armées." not in module_page.text
    assert "Première partie" not in module_page.text and "<h1>Part 1</h1>" in module_page.text


def test_a_parent_alias_is_not_a_translation(client, course, modules, other_course):
    # Translating a module alone makes live aliases of its course, catalogue and home in French.
    page_translation_save(source=modules[0], language="fr", fields={"title": "Première partie", "body": FRENCH_BODY})
    alias = CoursePage.objects.get(translation_key=course.translation_key, locale__language_code="fr")
    assert alias.alias_of_id == course.pk and alias.live

    page = _reader(client, "fr").get(course.url)
    assert "<h1>Civilian Control</h1>" in page.text and "translation-notice" in page.text
    assert '<div class="content-language" lang="en" dir="ltr">' in page.text
    assert "Première partie" in page.text  # the module's own translation still names it in the outline
    assert '<span lang="fr">français</span>' not in _reader(client, "fr").get("/catalogue/").text
    assert 'class="card"' not in client.get("/catalogue/?language=fr").text

    # Translating the course later turns its alias into a translation, shown from then on.
    translated = page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    assert translated.pk == alias.pk and translated.alias_of_id is None
    page = _reader(client, "fr").get(course.url)
    assert "<h1>Contrôle civil</h1>" in page.text and "translation-notice" not in page.text
    assert "Contrôle civil" in client.get("/catalogue/?language=fr").text
