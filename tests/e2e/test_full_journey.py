"""One student's whole journey through a course with a required assessment, in Chromium.

An open course with two required modules and one required course assessment: the student
signs in, enrols from the course page, reads and completes both modules, and sees that 100%
of the modules is not yet the whole course. She opens the assessment from the course page,
takes it by keyboard, passes, and finds the course completed today on the course page and
on her dashboard, next to the assessment's result. She confirms the name to print, downloads
her signed certificate and opens its public verification page. axe-core runs on the pages
that change.
"""

import datetime
import re
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible

pytestmark = pytest.mark.browser

STUDENT_EMAIL, PASSWORD = "amina.diallo@example.org", "pme-demo"
COURSE_TITLE = "Civilian Control of the Armed Forces"
COURSE_URL = "/catalogue/civilian-control/"
MODULES = ("Why civilian control matters", "Oversight institutions")
ASSESSMENT_TITLE = "Civilian control final check"


def _today() -> str:
    """Today as the pages print it in English (``DATE_FORMAT``)."""
    with translation.override("en"):
        return date_format(timezone.localdate(), "DATE_FORMAT")


def _panel(page):
    return page.get_by_role("region", name="Your place on this course")


def _assessments(page):
    return page.get_by_role("region", name="Assessments")


def _status(page):
    return page.locator(".messages[role=status]")


def _progress_expect(scope, done: int, total: int) -> None:
    percent = round(100 * done / total)
    expect(scope.get_by_role("progressbar", name=f"Progress in {COURSE_TITLE}")).to_have_attribute(
        "value", str(percent)
    )
    expect(scope.locator(".progress__text")).to_have_text(f"{done} of {total} required modules complete ({percent}%)")


def _tab_to(page, target, limit: int = 60) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


@pytest.fixture
def course_with_exam(site_tree, student):
    """An open course: one cohort, two required modules, one required course assessment."""
    from assessments.factories import AssessmentFactory, QuestionFactory
    from courses.factories import CohortFactory, CoursePageFactory, ModulePageFactory

    today = timezone.localdate()
    with transaction.atomic():
        course = CoursePageFactory(parent=site_tree, title=COURSE_TITLE, slug="civilian-control")
        modules = [
            ModulePageFactory(parent=course, title=title, slug=f"part-{number}")
            for number, title in enumerate(MODULES, start=1)
        ]
        cohort = CohortFactory(
            course=course,
            name="Spring intake",
            starts_on=today - datetime.timedelta(days=3),
            ends_on=today + datetime.timedelta(days=60),
        )
        questions = [
            QuestionFactory(
                course=course,
                prompt="<p>Which body approves the defence budget?</p>",
                options=[("Parliament", True), ("The general staff", False), ("The president alone", False)],
            ),
            QuestionFactory(
                course=course,
                prompt="<p>Who sets defence policy?</p>",
                options=[("The chief of defence", False), ("Elected civilians", True), ("The arms industry", False)],
            ),
        ]
        assessment = AssessmentFactory(
            course=course,
            title=ASSESSMENT_TITLE,
            instructions="<p>Two questions. Your answers are saved as you go.</p>",
            time_limit_minutes=10,
            pass_mark_percent=50,
            is_required=True,
            questions=questions,
        )
    return {"course": course, "modules": modules, "cohort": cohort, "assessment": assessment}


def test_student_enrols_completes_modules_passes_the_assessment_and_completes_the_course(
    page, course_with_exam, student
):
    from assessments.models import Attempt, AttemptStatus
    from courses.models import Enrolment, EnrolmentStatus

    modules = course_with_exam["modules"]
    assessment = course_with_exam["assessment"]

    # Sign in, and come back to the course page.
    page.goto(f"/accounts/login/?next={COURSE_URL}")
    page.get_by_label("Email address").fill(STUDENT_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(COURSE_URL) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)

    # Enrol in the only cohort.
    panel = _panel(page)
    expect(panel).to_contain_text("Cohort: Spring intake")
    panel.get_by_role("button", name="Enrol").click()
    expect(_status(page)).to_contain_text("You are enrolled")
    panel = _panel(page)
    expect(panel).to_contain_text(f"You are enrolled since {_today()}.")
    _progress_expect(panel, 0, 2)

    # Read and complete both modules; the last one leads back to the course.
    panel.get_by_role("link", name=f"Start: {MODULES[0]}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULES[0])
    expect(page.locator(".prose").get_by_role("heading", name="Why it matters")).to_be_visible()
    page.get_by_role("button", name="Mark this module as complete").click()
    expect(page).to_have_url(re.compile(re.escape(modules[1].url) + "$"))
    expect(_status(page)).to_contain_text("Module complete. Here is the next one.")
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULES[1])
    expect(page.locator(".prose")).to_contain_text("Civilian control keeps the armed forces accountable.")
    page.get_by_role("button", name="Mark this module as complete").click()
    expect(page).to_have_url(re.compile(re.escape(COURSE_URL) + "$"))
    expect(_status(page)).to_contain_text("Module complete.")

    # Every module is done, but the required assessment is not: the course is not complete.
    panel = _panel(page)
    _progress_expect(panel, 2, 2)
    expect(panel).to_contain_text(f"You are enrolled since {_today()}.")
    expect(panel.locator(".done-note")).to_have_count(0)
    expect(panel).not_to_contain_text("You completed this course")
    expect(panel.get_by_role("link", name=re.compile(r"^(Start|Resume):"))).to_have_count(0)
    expect(panel.get_by_text("Withdraw from this course")).to_be_visible()
    expect(panel).to_contain_text("To complete the course:")
    expect(panel.locator(".still-missing li")).to_have_text([f"Pass the assessment “{ASSESSMENT_TITLE}”."])
    item = _assessments(page).get_by_role("listitem").filter(has_text=ASSESSMENT_TITLE)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("required")
    expect(item.locator(".assessment-state")).to_have_text("Not started · pass mark 50%")
    assert Enrolment.objects.get(user=student).status == EnrolmentStatus.ACTIVE
    assert_accessible(page, "course, modules done, assessment outstanding")

    # Open the assessment from the course page's list, and start it by keyboard.
    item.get_by_role("link", name=ASSESSMENT_TITLE).click()
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ASSESSMENT_TITLE)
    expect(page.get_by_text("10 minutes")).to_be_visible()
    start = page.get_by_role("button", name="Start")
    _tab_to(page, start)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/assessments/attempts/\d+/$"))
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^(10:00|09:[0-5]\d)$"))

    # Question 1: Tab into the radio group; Space chooses the focused first option.
    expect(page.get_by_text("Which body approves the defence budget?")).to_be_visible()
    _tab_to(page, page.get_by_role("radio").first)
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Parliament")).to_be_checked()
    expect(page.locator("#save-status")).to_have_text("Saved")
    _tab_to(page, page.get_by_role("button", name="Next question"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=2$"))

    # Question 2: Tab into the group, then the arrow key moves to and chooses the second option.
    expect(page.get_by_text("Who sets defence policy?")).to_be_visible()
    _tab_to(page, page.get_by_role("radio").first)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Elected civilians")).to_be_checked()
    expect(page.get_by_role("radio", name="The chief of defence")).not_to_be_checked()
    expect(page.locator("#save-status")).to_have_text("Saved")

    # Review, then submit after confirming.
    _tab_to(page, page.get_by_role("button", name="Save and review"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/submit/$"))
    expect(page.get_by_text("You have answered all 2 questions.")).to_be_visible()
    _tab_to(page, page.get_by_role("button", name="Submit my answers"))
    page.keyboard.press("Enter")

    # A passing result.
    expect(page).to_have_url(re.compile(r"/result/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your result: {ASSESSMENT_TITLE}")
    expect(page.get_by_text("2 out of 2 points (100%)")).to_be_visible()
    expect(page.get_by_text("Passed (the pass mark is 50%).")).to_be_visible()
    attempt = Attempt.objects.get()
    assert attempt.status == AttemptStatus.GRADED and attempt.passed and not attempt.auto_submitted
    assert_accessible(page, "result, passed")

    # Back on the course page: completed today, and the assessment passed.
    page.get_by_role("link", name=f"Back to “{COURSE_TITLE}”").click()
    expect(page).to_have_url(re.compile(re.escape(COURSE_URL) + "$"))
    panel = _panel(page)
    expect(panel.locator(".done-note")).to_have_text(f"✓ You completed this course on {_today()}.")
    _progress_expect(panel, 2, 2)
    expect(panel.get_by_text("Withdraw from this course")).to_have_count(0)
    item = _assessments(page).get_by_role("listitem").filter(has_text=ASSESSMENT_TITLE)
    expect(item.locator(".assessment-state")).to_have_text("✓ Passed, best score 100%")
    assert Enrolment.objects.get(user=student).status == EnrolmentStatus.COMPLETED
    assert_accessible(page, "course, completed")

    # The dashboard: under completed courses, and the assessment's result.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("region", name="Your courses")).to_contain_text(
        "You are not taking any course at the moment."
    )
    completed = page.get_by_role("region", name="Completed courses").get_by_role("table")
    expect(completed.get_by_role("row")).to_have_count(2)
    expect(completed.get_by_role("row").nth(1).get_by_role("cell")).to_have_text([COURSE_TITLE, _today(), "6"])
    results = page.get_by_role("region", name="Assessment results").get_by_role("table")
    expect(results.get_by_role("row")).to_have_count(2)
    expect(results.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        [ASSESSMENT_TITLE, COURSE_TITLE, f"1, {_today()}", "100%", "Passed · see the result"]
    )
    expect(results.get_by_role("link", name=re.compile(r"^Passed"))).to_have_attribute(
        "href", f"/assessments/attempts/{attempt.pk}/result/"
    )
    assert_accessible(page, "dashboard, course completed with assessment result")

    # The certificate: the dashboard asks for the name to print; she confirms it by keyboard.
    certificates = page.get_by_role("region", name="Certificates")
    expect(certificates).to_contain_text("Confirm how your name should be printed")
    certificates.get_by_role("link", name="Confirm your name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your name on certificates")
    expect(page.get_by_label("Your full name in Latin script")).to_have_value("Amina Diallo")
    assert_accessible(page, "certificate name form")
    page.get_by_label("Your full name in your own script").fill("Amina Diallo")
    checkbox = page.get_by_label("I confirm that my name is spelled as it should appear on my certificates.")
    _tab_to(page, checkbox)
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(_status(page)).to_contain_text("Your certificates will be prepared with this name.")

    # Rendered and signed at once here (Celery runs in process in the tests): a valid certificate to download.
    from certificates.models import Certificate, CertificateStatus

    certificate = Certificate.objects.get(holder=student)
    assert certificate.status == CertificateStatus.ISSUED
    certificates = page.get_by_role("region", name="Certificates")
    expect(certificates.get_by_role("row").nth(1)).to_contain_text("Valid")
    expect(certificates.get_by_role("row").nth(1)).to_contain_text(certificate.code)
    assert_accessible(page, "dashboard with a certificate")
    with page.expect_download() as download_info:
        certificates.get_by_role("link", name=re.compile(r"^PDF")).click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and pdf == certificate.pdf.open("rb").read()
    from certificates.signing import pdf_verify

    assert pdf_verify(pdf).ok

    # Anyone can check it: the public page says it is valid, and shows only what it should.
    certificates.get_by_role("link", name=re.compile(certificate.code)).click()
    expect(page).to_have_url(re.compile(rf"/verify/{certificate.code}/$"))
    expect(page.locator(".verify-status")).to_contain_text("Valid")
    expect(page.locator("main")).to_contain_text("Amina Diallo")
    expect(page.locator("main")).to_contain_text(COURSE_TITLE)
    expect(page.locator("main")).not_to_contain_text(STUDENT_EMAIL)
    assert_accessible(page, "verify page, valid certificate")
