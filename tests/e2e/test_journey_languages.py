"""The whole journey in each translated interface language, failing on any interface string left in English.

For each of the five translations a new visitor, in a browser of their own, chooses the language with
the header's switcher, goes to the catalogue and the course, creates an account (the form offers
the language being read), enrols, reads and completes the module, takes and passes the assessment,
sees the certificate on the dashboard (issued through the services; rendering is tested elsewhere)
and opens its public verification page.

On every page the visible text (``innerText``, the title, and the ``title``, ``aria-label``,
``placeholder`` and ``alt`` attributes) is searched for the English of every interface string that
has a translation in that language's catalogue: one found means a string shown untranslated. Text
in another language, marked with its own ``lang`` (an English course read in French, the switcher's
language names), is content and left out; so is the content this test writes.

English, the source, has nothing to miss: its journey is walked by test_full_journey.py (and the
sign-up form's English default by test_accounts.py), so it is not walked again here.
"""

import datetime
import functools
import html
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import polib
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

LANGUAGES = ("fr", "es", "pt", "ru", "ar")
PASSWORD = "a-long-enough-passphrase"
COURSE_TITLE = "Civilian Control of the Armed Forces"
MODULE_TITLE = "Why civilian control matters"
ASSESSMENT_TITLE = "Civilian control final check"
COHORT_NAME = "Spring intake"
# Content this test writes, people's names and the brand: never interface strings.
CONTENT = (
    COURSE_TITLE,
    MODULE_TITLE,
    ASSESSMENT_TITLE,
    COHORT_NAME,
    "Which body approves the defence budget?",
    "Parliament",
    "The general staff",
    "Amina Diallo",
    "Amina",
    "Diallo",
    "PME Learning",
)
# Interface strings too short or too general to mean anything when found in a page.
IGNORED = {"OK", "PDF", "ID", "Email", "URL", "PME Learning"}

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|\{\w*\}")
_TAG = re.compile(r"<[^>]+>")

# The visible text of the page in its own language, as a list of segments (lines and attribute values).
COLLECT_JS = """
() => {
  const lang = document.documentElement.lang;
  const foreign = el => { const owner = el.closest('[lang]'); return owner && owner.lang !== lang; };
  const hidden = [];
  for (const el of document.body.querySelectorAll('[lang]')) {
    if (el.lang !== lang) { hidden.push([el, el.style.display]); el.style.display = 'none'; }
  }
  const segments = [document.title, ...document.body.innerText.split('\\n')];
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
    if (foreign(el)) continue;
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      if (el.hasAttribute(name)) segments.push(el.getAttribute(name));
    }
  }
  for (const [el, display] of hidden) el.style.display = display;
  return segments;
}
"""


def _english_forms(entry) -> list[str]:
    forms = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    return [" ".join(html.unescape(_TAG.sub(" ", form)).split()) for form in forms]


def _translations(entry) -> list[str]:
    return [text for text in (entry.msgstr, *entry.msgstr_plural.values()) if text]


def _pattern(english: str):
    """(regex, whole) for the English as a page shows it, placeholders standing for any text.

    ``whole``: the string must be all of a piece of text (a line, a sentence, an attribute), so
    "Choose a course" is not found inside a longer sentence; long strings (four words or more
    besides the placeholders) are also found inside a piece. None for strings too short to tell.
    """
    literal = _PLACEHOLDER.sub("", english).replace("%%", "%")
    if english in IGNORED or sum(c.isalpha() for c in literal) < 4:
        return None
    regex = r"[^\n]+?".join(re.escape(text.replace("%%", "%")) for text in _PLACEHOLDER.split(english))
    whole = len(re.findall(r"\w{2,}", literal)) < 4
    return re.compile(rf"^{regex}$" if whole else rf"(?<!\w){regex}(?!\w)")


def _longest_literal(english: str) -> str:
    """The longest run of the English between placeholders: a page that lacks it cannot show the string."""
    return max((text.replace("%%", "%") for text in _PLACEHOLDER.split(english)), key=len)


# A line is also read sentence by sentence and part by part ("Cohort: Spring intake · 3 modules").
_PIECES = re.compile(r"(?<=[.!?;:])\s+|\s+·\s+|\s+—\s+")


@functools.cache
def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES/django.po"))


def _interface_strings(language: str) -> list[tuple[str, str, re.Pattern]]:
    """(msgid, longest literal, pattern) of each interface string translated into ``language``
    with words other than the English.

    The msgids come from the English catalogue's list (the French file, every msgid), the translations
    from the language's own. English that is also a translation of anything in that language (French
    "Date", "Modules") is left out: finding it proves nothing.
    """
    msgids = {(entry.msgctxt, entry.msgid) for entry in _catalogue("fr")}
    catalogue = _catalogue(language)
    own_words = {" ".join(_TAG.sub(" ", text).split()) for entry in catalogue for text in _translations(entry)}
    strings = []
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or (entry.msgctxt, entry.msgid) not in msgids:
            continue
        if not _translations(entry):
            continue
        for english in _english_forms(entry):
            if english in own_words or english in _translations(entry):
                continue
            pattern = _pattern(english)
            if pattern is not None:
                strings.append((entry.msgid, _longest_literal(english), pattern))
    return strings


def _untranslated(page, strings) -> list[str]:
    segments = []
    for segment in page.evaluate(COLLECT_JS):
        text = " ".join(segment.split())
        for content in CONTENT:
            text = text.replace(content, " ")
        text = " ".join(text.split())
        if text:
            segments.append(text)
    pieces = [piece for segment in segments for piece in {segment, *_PIECES.split(segment)} if piece]
    # A plain search for each string's longest literal part first: most strings are not on the page,
    # and a regex over every piece for each of them costs more than the browser's work for the page.
    text = "\n".join(pieces)
    found = []
    for msgid, literal, pattern in strings:
        if literal not in text:
            continue
        hit = next((piece for piece in pieces if pattern.search(piece)), None)
        if hit is not None:
            found.append(f"{msgid!r} in {hit!r}")
    return found


@pytest.fixture
def course(site_tree):
    """An open course: one cohort, one required module, one required single-question assessment."""
    from assessments.factories import AssessmentFactory, QuestionFactory
    from courses.factories import CohortFactory, CoursePageFactory, ModulePageFactory

    today = timezone.localdate()
    with transaction.atomic():
        course = CoursePageFactory(parent=site_tree, title=COURSE_TITLE, slug="civilian-control")
        module = ModulePageFactory(parent=course, title=MODULE_TITLE, slug="part-1")
        CohortFactory(
            course=course,
            name=COHORT_NAME,
            starts_on=today - datetime.timedelta(days=3),
            ends_on=today + datetime.timedelta(days=60),
        )
        question = QuestionFactory(
            course=course,
            prompt="<p>Which body approves the defence budget?</p>",
            options=[("Parliament", True), ("The general staff", False)],
        )
        assessment = AssessmentFactory(
            course=course,
            title=ASSESSMENT_TITLE,
            time_limit_minutes=10,
            pass_mark_percent=50,
            is_required=True,
            questions=[question],
        )
    return {"course": course, "module": module, "assessment": assessment}


def test_the_whole_journey_shows_no_untranslated_interface_string_in_any_language(browser, live_server, course):
    from certificates.models import Certificate
    from courses.models import Enrolment, EnrolmentStatus
    from lms.accounts.models import User
    from tests.certificates.test_admin import certificate_issued

    problems = []
    for language in LANGUAGES:
        strings = _interface_strings(language)
        context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 800})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()

        def check(where: str, *, language=language, strings=strings, page=page) -> None:
            html_element = page.locator("html")
            expect(html_element).to_have_attribute("lang", language)
            expect(html_element).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
            problems.extend(f"[{language}] {where}: {found}" for found in _untranslated(page, strings))

        # A new visitor (an English browser) chooses the language with the header's switcher.
        page.goto("/")
        switcher = page.locator("form.language-switch")
        switcher.locator("select").select_option(language)
        switcher.locator("button[type=submit]").click()
        check("home")

        page.locator(".site-nav a[href='/catalogue/']").click()
        expect(page).to_have_url(re.compile(r"/catalogue/$"))
        check("catalogue")
        page.locator(f"main a[href='{course['course'].url}']").first.click()
        expect(page).to_have_url(re.compile(re.escape(course["course"].url) + "$"))
        check("course, signed out")

        # A new account: the form offers the language being read.
        email = f"student.{language}@example.org"
        page.locator(".enrolment a[href^='/accounts/signup/']").click()
        check("sign-up")
        form = page.get_by_role("main").locator("form")
        expect(form.locator("select[name=preferred_language]")).to_have_value(language)
        form.locator("input[name=email]").fill(email)
        form.locator("input[name=first_name]").fill("Amina")
        form.locator("input[name=last_name]").fill("Diallo")
        form.locator("input[name=password1]").fill(PASSWORD)
        form.locator("input[name=password2]").fill(PASSWORD)
        form.locator("button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/dashboard/$"))
        check("dashboard, new account")
        assert User.objects.get(email=email).preferred_language == language

        # Enrol from the course page.
        page.goto(course["course"].url)
        page.locator(".enrolment form[action$='/enrol/'] button[type=submit]").click()
        expect(page.locator(".messages[role=status]")).to_be_visible()
        check("course, enrolled")

        # The module, completed.
        page.locator(f".enrolment a[href='{course['module'].url}']").click()
        expect(page).to_have_url(re.compile(re.escape(course["module"].url) + "$"))
        check("module")
        page.locator("form[action$='/complete/'] button[type=submit]").click()
        expect(page.locator(".messages[role=status]")).to_be_visible()
        check("course, module done")

        # The assessment: start, answer, review, submit, result.
        page.goto(f"/assessments/{course['assessment'].pk}/")
        check("assessment")
        page.locator("form[action$='/start/'] button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/assessments/attempts/\d+/$"))
        page.get_by_role("radio", name="Parliament").check()
        expect(page.locator("#save-status")).not_to_be_empty()
        check("question")
        page.locator("button[name=next][value=submit]").click()
        expect(page).to_have_url(re.compile(r"/submit/$"))
        check("review before submitting")
        page.locator("form[action$='/submit/'] button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/result/$"))
        check("result")

        # The course is complete: the dashboard asks for the name to print, then lists the certificate.
        enrolment = Enrolment.objects.get(user__email=email)
        assert enrolment.status == EnrolmentStatus.COMPLETED
        page.goto("/dashboard/certificates/name/")
        check("name on certificates")
        certificate_issued(enrolment, latin="Amina Diallo", pdf=b"%PDF-1.7\n% a certificate for the tests\n%%EOF\n")
        code = Certificate.objects.get(enrolment=enrolment).code
        page.goto("/dashboard/")
        expect(page.locator(f"a[href='/verify/{code}/']")).to_be_visible()
        check("dashboard, certificate issued")

        # Anyone can check it.
        page.locator(f"a[href='/verify/{code}/']").click()
        expect(page).to_have_url(re.compile(rf"/verify/{code}/$"))
        check("public verification")
        context.close()

    assert not problems, "Interface strings shown in English:\n" + "\n".join(problems)


class _Shown:
    """What a page would give ``COLLECT_JS``: its text, piece by piece."""

    def __init__(self, *segments):
        self.segments = list(segments)

    def evaluate(self, script):
        return self.segments


def test_the_check_finds_english_left_in_a_french_page_and_nothing_else():
    strings = _interface_strings("fr")
    french = _Shown("Tableau de bord", "Se déconnecter", "Catalogue", "Amina Diallo", COURSE_TITLE)
    assert _untranslated(french, strings) == []
    left_in_english = _Shown(
        "Tableau de bord",
        "Sign out",
        "This course is not yet available in Français; you are reading the original in Anglais. "
        "Courses available in Français",
    )
    found = "\n".join(_untranslated(left_in_english, strings))
    assert "'Sign out'" in found
    assert "'This course is not yet available in %(wanted)s" in found
    assert "'Courses available in %(wanted)s'" in found
