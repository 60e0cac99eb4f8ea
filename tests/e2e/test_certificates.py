"""Certificates in the browser: a program manager revokes one in the admin and the public check
says so at once; the check and its lookup form are axe-clean and work from the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def certificate(site_tree, student, transactional_db):
    """Amina completed a course and holds its certificate, rendered and signed for real."""
    from courses.factories import CohortFactory, CoursePageFactory, EnrolmentFactory
    from courses.models import EnrolmentStatus
    from lms.accounts.factories import UserFactory
    from lms.accounts.roles import Role
    from tests.certificates.test_admin import certificate_issued

    UserFactory(email="priya.raman@example.org", first_name="Priya", last_name="Raman", roles=[Role.PROGRAM_MANAGER])
    course = CoursePageFactory(parent=site_tree, title="Civilian Control", slug="civilian-control")
    cohort = CohortFactory(course=course, name="Spring intake")
    enrolment = EnrolmentFactory(user=student, course=course, cohort=cohort, status=EnrolmentStatus.COMPLETED)
    return _in_a_thread(lambda: certificate_issued(enrolment, name="أمينة ديالو", latin="Amina Diallo"))


def _in_a_thread(work):
    """Run ``work`` on a thread of its own and return its result.

    Playwright's sync API keeps an asyncio loop running on the test's thread, and the PDF
    signature (pyHanko) runs its coroutines on the calling thread's loop, which it cannot
    do while another is running. Workers and web requests have no loop running.
    """
    import threading

    from django.db import connection

    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed back to the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _accessible(page, label):
    """No axe violation at all, whatever its impact."""
    lesser = assert_accessible(page, label)
    assert not lesser, (label, [(v["id"], v["impact"]) for v in lesser])


def _sign_in(page, email):
    page.goto("/accounts/login/?next=/admin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("pme-demo")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_a_manager_revokes_a_certificate_and_the_public_check_says_so(page, browser, live_server, certificate):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    _sign_in(page, "priya.raman@example.org")

    page.goto(f"/admin/certificates/cohort/?cohort={certificate.enrolment.cohort_id}")
    expect(page.get_by_role("button", name="Issue certificates for this cohort")).to_be_visible()
    assert_accessible(page, "cohort certificates")
    page.goto("/admin/certificates/")
    assert_accessible(page, "certificate list")
    page.get_by_role("textbox", name=re.compile("Search")).fill("Amina")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=certificate.code).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certificate")
    assert_accessible(page, "certificate detail")

    page.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revoke certificate")
    # Without a reason nothing happens: the form says what is missing.
    page.get_by_role("button", name="Yes, revoke").click()
    expect(page.get_by_text("Give a reason").first).to_be_visible()
    page.get_by_label("Reason").fill("Issued in error: the final assessment was not passed.")
    page.get_by_role("button", name="Yes, revoke").click()
    expect(page.get_by_text(f"Certificate {certificate.code} is revoked")).to_be_visible()
    expect(page.get_by_text("Reason: Issued in error: the final assessment was not passed.")).to_be_visible()
    assert not problems, problems

    # A verifier, with no account, in another browser profile.
    verifier = browser.new_context(base_url=live_server.url, locale="en-GB")
    public = verifier.new_page()
    try:
        public.goto(f"/verify/{certificate.code}/")
        expect(public.get_by_text(re.compile(r"Revoked on"))).to_be_visible()
        expect(public.get_by_text("Issued in error: the final assessment was not passed.")).to_be_visible()
        expect(public.get_by_text("Amina Diallo")).to_be_visible()
        _accessible(public, "verify page, revoked")
    finally:
        verifier.close()


def test_the_lookup_form_works_from_the_keyboard_and_every_answer_is_axe_clean(page, certificate):
    page.goto("/verify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a certificate")
    _accessible(page, "verify lookup")

    # Tab from the top of the page to the code field, as a keyboard user would.
    field = page.get_by_label("Certificate code")
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_code":
            break
    expect(field).to_be_focused()

    # A typo is caught by the check symbol, and said in words tied to the field.
    page.keyboard.type("ABCD 1234")
    page.keyboard.press("Enter")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("This is not a certificate code")).to_be_visible()
    _accessible(page, "verify lookup, wrong code")

    # The code as someone might read it out: lower case, spaces.
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(certificate.code.lower().replace("-", " "))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/verify/{certificate.code}/$"))
    expect(page.get_by_text("Valid", exact=True)).to_be_visible()
    expect(page.get_by_text("أمينة ديالو")).to_be_visible()
    _accessible(page, "verify page, valid")

    # The page's links are reachable too: back to the form by keyboard.
    link = page.get_by_role("link", name="Check another code")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/verify/$"))

    page.goto("/verify/7KQ2-M9XD-4HTB-R1WZ-C8P3/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate not found")
    _accessible(page, "verify page, unknown code")
