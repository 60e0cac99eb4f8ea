"""The glossary: terms marked where module text uses them, in the reader's language, and the glossary page."""

import shutil
from pathlib import Path

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale

import pytest

from courses.factories import ModulePageFactory
from courses.glossary import glossary_mark
from courses.models import GlossaryTerm
from courses.services import page_translation_save
from courses.services.glossary import GlossaryRefused, glossary_translation_approve
from lms.demo.glossary import glossary_load

pytestmark = pytest.mark.django_db

SSR_DEFINITION = "Reforming the security sector so that it is accountable and effective."
SSR_FRENCH = "Réformer le secteur de la sécurité pour le rendre responsable et efficace."

BODY = [
    {"type": "heading", "value": {"text": "Security sector reform", "level": "h2"}},
    {
        "type": "paragraph",
        "value": (
            '<p>See <a href="/catalogue/">security sector reform</a> elsewhere. '
            "Here, Security Sector Reform matters, and security sector reform again. "
            "Oversight bodies and SSR missions.</p>"
        ),
    },
]
FRENCH_BODY = [
    {"type": "paragraph", "value": "<p>La réforme du secteur de la sécurité et le contrôle démocratique.</p>"},
]


def _locale(code):
    return Locale.objects.get_or_create(language_code=code)[0]


def _term(term, definition, language="en", **fields):
    return GlossaryTerm.objects.create(term=term, definition=definition, locale=_locale(language), **fields)


def _french_module(module):
    page_translation_save(source=module.get_parent().specific, language="fr", fields={"title": "Contrôle civil"})
    page_translation_save(source=module, language="fr", fields={"title": "Réforme", "body": FRENCH_BODY})


def _french_reader(client, student):
    student.preferred_language = "fr"  # the profile's language comes before the switcher's
    student.save()
    client.force_login(student)
    client.cookies["lms_language"] = "fr"


def _translate(source, language, term, definition, approved=True, **fields):
    translation = source.copy_for_translation(_locale(language))
    translation.term, translation.definition = term, definition
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.approved = approved
    translation.save()
    return translation


@pytest.fixture
def ssr(db):
    return _term("Security sector reform", SSR_DEFINITION, abbreviation="SSR", also_matches="security sector reforms")


@pytest.fixture
def oversight(db):
    return _term("Oversight", "Supervision of the security sector by elected bodies.", also_matches="oversight bodies")


@pytest.fixture
def module(course):
    return ModulePageFactory(parent=course, title="Reform", slug="reform", body=BODY)


@pytest.fixture
def reader(client, student, enrolment):
    client.force_login(student)
    return client


def _body(response):
    """The module's text: what lies between the article's prose block and the module actions."""
    text = response.content.decode()
    return text[text.index('<div class="prose">') :]


def test_a_term_is_marked_once_and_never_inside_links_or_headings(reader, module, ssr, oversight):
    body = _body(reader.get(module.url))
    # The link's words and the heading stay as written; the first occurrence in running text is marked.
    assert '<a href="/catalogue/">security sector reform</a>' in body
    assert "<h2" in body and ">Security sector reform</h2>" in body
    anchor = f"glossary-term-{ssr.translation_key.hex[:12]}"
    marked = (
        f'<a class="glossary-term" href="#{anchor}" aria-describedby="{anchor}-definition">Security Sector Reform</a>'
    )
    assert marked in body
    assert body.count('class="glossary-term" href="#' + anchor) == 1  # "security sector reform again" and SSR are not
    assert "and security sector reform again" in body
    # "Oversight bodies" is an "also matches" form of Oversight.
    assert ">Oversight bodies</a>" in body
    # The terms list gives each definition, described-by target included, and links to the glossary page.
    assert f'<dd id="{anchor}-definition" lang="en" dir="ltr">{SSR_DEFINITION}</dd>' in body
    assert "Terms in this module" in body
    assert f'href="/glossary/#term-{ssr.translation_key.hex[:12]}"' in body


def test_an_abbreviation_is_marked_with_its_expansion():
    GlossaryTerm.objects.create(
        term="Disarmament, demobilisation and reintegration",
        abbreviation="DDR",
        definition="Taking weapons from combatants and helping them back into civilian life.",
        locale=_locale("en"),
    )
    marked, used = glossary_mark("<p>The DDR programme ended.</p>", "en")
    assert '<abbr title="Disarmament, demobilisation and reintegration">DDR</abbr></a>' in marked
    assert [entry.term for entry in used] == ["Disarmament, demobilisation and reintegration"]


def test_words_inside_code_dfn_and_other_words_are_left_alone(ssr):
    html = "<p><code>SSR</code> <dfn>security sector reform</dfn> SSRs pre-SSR-x</p>"
    marked, used = glossary_mark(html, "en")
    assert "<code>SSR</code>" in marked and "<dfn>security sector reform</dfn>" in marked
    assert "SSRs" in marked and 'class="glossary-term"' in marked  # pre-SSR-x: hyphens separate words
    assert len(used) == 1


def test_a_french_reader_of_a_translated_module_sees_the_french_definitions(client, student, enrolment, module, ssr):
    _translate(ssr, "fr", "Réforme du secteur de la sécurité", SSR_FRENCH, abbreviation="RSS")
    _french_module(module)
    _french_reader(client, student)
    body = _body(client.get(module.url))
    assert ">réforme du secteur de la sécurité</a>" in body
    assert f'lang="fr" dir="ltr">{SSR_FRENCH}</dd>' in body
    assert SSR_DEFINITION not in body
    assert "Termes de ce module" in body or "Terms in this module" in body


def test_an_unapproved_translation_is_not_shown_and_the_original_definition_is_marked_english(
    client, student, enrolment, module, ssr
):
    _translate(ssr, "fr", "Réforme du secteur de la sécurité", "Brouillon non relu.", approved=False)
    _french_module(module)
    _french_reader(client, student)
    body = _body(client.get(module.url))
    assert "Brouillon non relu." not in body
    # Still found in the French text (the translator's words), defined by the original, in English.
    assert ">réforme du secteur de la sécurité</a>" in body
    assert f'lang="en" dir="ltr">{SSR_DEFINITION}</dd>' in body
    page = client.get("/glossary/").text
    assert "Brouillon non relu." not in page
    # Listed apart, in English, under "not yet translated".
    untranslated = page[page.index('id="not-translated"') :]
    assert f'<dd lang="en" dir="ltr">{SSR_DEFINITION}</dd>' in untranslated


def test_approving_a_translation_shows_it_and_withdrawing_hides_it(ssr):
    french = _translate(ssr, "fr", "Réforme du secteur de la sécurité", SSR_FRENCH, approved=False)
    text = "<p>La réforme du secteur de la sécurité.</p>"
    assert glossary_mark(text, "fr")[1][0].definition == SSR_DEFINITION
    glossary_translation_approve(term_id=french.pk)
    assert glossary_mark(text, "fr")[1][0].definition == SSR_FRENCH
    glossary_translation_approve(term_id=french.pk, approved=False)
    assert glossary_mark(text, "fr")[1][0].definition == SSR_DEFINITION
    with pytest.raises(GlossaryRefused):
        glossary_translation_approve(term_id=ssr.pk)


def test_a_new_translation_starts_unapproved_even_from_an_approved_source(ssr):
    ssr.approved = True
    ssr.save()
    assert ssr.copy_for_translation(_locale("fr")).approved is False


def test_editing_a_term_changes_the_rendered_module(reader, module, ssr):
    assert SSR_DEFINITION in _body(reader.get(module.url))
    assert SSR_DEFINITION in _body(reader.get(module.url))  # now from the cache
    ssr.definition = "A corrected definition."
    ssr.save()
    body = _body(reader.get(module.url))
    assert "A corrected definition." in body and SSR_DEFINITION not in body
    ssr.delete()
    assert 'class="glossary-term"' not in _body(reader.get(module.url))


def _module_queries(client, url):
    client.get(url)
    caches["default"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_module_page_queries_do_not_grow_with_the_glossary(reader, module, ssr, oversight):
    small = _module_queries(reader, module.url)
    for n in range(60):
        source = _term(f"Term number {n}", f"Definition {n}.", also_matches=f"terms number {n}")
        _translate(source, "fr", f"Terme numéro {n}", f"Définition {n}.")
    large = _module_queries(reader, module.url)
    assert small == large
    assert "Term number" not in _body(reader.get(module.url))  # not in the text, so not listed


def test_the_glossary_page_lists_terms_alphabetically_in_the_readers_language(client, ssr, oversight):
    _translate(ssr, "fr", "Réforme du secteur de la sécurité", SSR_FRENCH)
    _translate(oversight, "fr", "Contrôle démocratique", "Surveillance par les élus.")
    élite = _term("Élite", "Les dirigeants.", language="fr")  # written in French directly
    page = client.get("/glossary/")
    assert page.status_code == 200
    assert page.text.index(">Oversight<") < page.text.index(">Security sector reform<")
    assert "Élite" not in page.text
    client.cookies["lms_language"] = "fr"
    page = client.get("/glossary/")
    text = page.text
    # Accents aside: Contrôle, Élite, Réforme.
    assert text.index(">Contrôle démocratique<") < text.index(">Élite<") < text.index(">Réforme du secteur")
    assert f'id="term-{ssr.translation_key.hex[:12]}"' in text
    assert SSR_FRENCH in text and élite.definition in text


def test_the_glossary_page_orders_russian_and_arabic(client):
    for word in ("Ёмкость", "Безопасность", "Единство", "Жёсткость"):
        _term(word, "Определение.", language="ru")
    for word in ("الرقابة", "إصلاح", "بناء"):
        _term(word, "تعريف.", language="ar")
    client.cookies["lms_language"] = "ru"
    text = client.get("/glossary/").text
    assert text.index(">Безопасность<") < text.index(">Единство<") < text.index(">Ёмкость<") < text.index(">Жёсткость<")
    client.cookies["lms_language"] = "ar"
    text = client.get("/glossary/").text
    # إصلاح (alif), بناء (ba), الرقابة (ra: the article aside).
    assert text.index(">إصلاح<") < text.index(">بناء<") < text.index(">الرقابة<")


def test_the_footer_links_to_the_glossary(client):
    assert 'href="/glossary/"' in client.get("/glossary/").text


def test_a_duplicate_term_in_the_same_language_is_refused_with_a_clear_message(client, instructor, ssr):
    client.force_login(instructor)
    response = client.post(
        "/admin/snippets/courses/glossaryterm/add/?locale=en",
        {"term": "security SECTOR reform", "definition": "Again.", "abbreviation": "", "also_matches": ""},
    )
    assert response.status_code == 200
    assert "is already in the glossary in this language" in response.text
    assert GlossaryTerm.objects.count() == 1
    # The same words in another language are another term.
    french = _term("Security sector reform", "Emprunt à l'anglais.", language="fr")
    assert french.pk


def test_instructors_may_add_and_edit_terms_and_approve_translations(client, instructor, ssr):
    client.force_login(instructor)
    response = client.post(
        "/admin/snippets/courses/glossaryterm/add/?locale=en",
        {"term": "Oversight", "definition": "Supervision.", "abbreviation": "", "also_matches": "oversight bodies"},
    )
    assert response.status_code == 302
    assert GlossaryTerm.objects.filter(term="Oversight", locale__language_code="en").exists()
    response = client.post(
        f"/admin/snippets/courses/glossaryterm/edit/{ssr.pk}/",
        {"term": ssr.term, "definition": "Edited.", "abbreviation": "SSR", "also_matches": ""},
    )
    assert response.status_code == 302
    ssr.refresh_from_db()
    assert ssr.definition == "Edited."
    french = _translate(ssr, "fr", "Réforme du secteur de la sécurité", SSR_FRENCH, approved=False)
    listing = client.get("/admin/snippets/courses/glossaryterm/?locale=fr")
    assert f"/admin/snippets/courses/glossaryterm/approve/{french.pk}/" in listing.text
    assert client.get(f"/admin/snippets/courses/glossaryterm/approve/{french.pk}/").status_code == 200
    response = client.post(f"/admin/snippets/courses/glossaryterm/approve/{french.pk}/")
    assert response.status_code == 302
    french.refresh_from_db()
    assert french.approved
    # Searchable, and filtered by approval.
    found = client.get("/admin/snippets/courses/glossaryterm/?locale=en&q=oversight")
    assert "Oversight" in found.text and "Security sector reform" not in found.text
    unapproved = client.get("/admin/snippets/courses/glossaryterm/?locale=fr&approved=false")
    assert "Réforme du secteur de la sécurité" not in unapproved.text
    approved = client.get("/admin/snippets/courses/glossaryterm/?locale=fr&approved=true")
    assert "Réforme du secteur de la sécurité" in approved.text


def test_students_may_not_edit_terms(client, student, ssr):
    client.force_login(student)
    for url in (
        "/admin/snippets/courses/glossaryterm/",
        "/admin/snippets/courses/glossaryterm/add/",
        f"/admin/snippets/courses/glossaryterm/edit/{ssr.pk}/",
    ):
        assert client.get(url).status_code in (302, 403)
    response = client.post(
        f"/admin/snippets/courses/glossaryterm/edit/{ssr.pk}/",
        {"term": ssr.term, "definition": "Vandalised.", "abbreviation": "", "also_matches": ""},
    )
    assert response.status_code in (302, 403)
    ssr.refresh_from_db()
    assert ssr.definition == SSR_DEFINITION


def test_seed_glossary_loads_terms_with_their_french_and_arabic_translations_once(theme):
    made = glossary_load()
    assert made > 0
    english = GlossaryTerm.objects.filter(locale__language_code="en")
    control = english.get(term="Civilian control")
    french = GlossaryTerm.objects.get(translation_key=control.translation_key, locale__language_code="fr")
    arabic = GlossaryTerm.objects.get(translation_key=control.translation_key, locale__language_code="ar")
    assert french.approved and arabic.approved
    assert french.term != control.term and arabic.term != control.term
    assert control.theme is not None and control.theme.slug == "civil-military-relations"
    count = GlossaryTerm.objects.count()
    assert glossary_load() == 0
    assert GlossaryTerm.objects.count() == count


def test_a_translation_made_in_wagtail_localize_starts_unapproved_and_keeps_its_approval_on_sync(ssr):
    from wagtail_localize.models import TranslationSource

    ssr.approved = True
    ssr.save()
    source, _created = TranslationSource.get_or_create_from_instance(ssr)
    french, _created = source.create_or_update_translation(_locale("fr"), fallback=True)
    assert french.approved is False and french.theme_id == ssr.theme_id
    assert glossary_mark("<p>Security sector reform.</p>", "fr")[1][0].language == "en"  # not approved yet
    glossary_translation_approve(term_id=french.pk)
    assert glossary_mark("<p>Security sector reform.</p>", "fr")[1][0].language == "fr"
    # The source changes and the translation is synced: the reviewer's approval stays.
    ssr.definition = "A changed definition."
    ssr.save()
    source.update_from_db()
    french, _created = source.create_or_update_translation(_locale("fr"), fallback=True)
    french.refresh_from_db()
    assert french.approved is True


def test_seed_glossary_refuses_a_translation_with_other_key_terms_and_writes_nothing(tmp_path):
    from lms.demo.curriculum import CurriculumError

    source = Path(__file__).resolve().parent / "curriculum"
    shutil.copytree(source, tmp_path / "curriculum")
    french = tmp_path / "curriculum" / "fr" / "1-mini-control.txt"
    french.write_text(french.read_text(encoding="utf-8").replace("!terms:\n", "!terms:\nDeux | De trop.\n"), "utf-8")
    with pytest.raises(CurriculumError, match=r"fr/1-mini-control.txt: 2 key terms, the source has 1"):
        glossary_load(tmp_path / "curriculum")
    assert not GlossaryTerm.objects.exists()
