"""Taking a timed assessment in Chromium, by keyboard only, with axe-core on every page.

An enrolled student opens the assessment, starts it, answers a single-choice,
a multiple-choice and a numeric question with the keyboard, sees the countdown,
the autosave status and the question list's answered marks, hears the
five-minute warning, submits after the confirmation page and reads the result.
A second test lets the countdown run out: the page submits the attempt itself.
"""

import re
from decimal import Decimal

from django.utils import timezone

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible

pytestmark = pytest.mark.browser

STUDENT_EMAIL, PASSWORD = "amina.diallo@example.org", "pme-demo"


@pytest.fixture
def exam(curriculum, student):
    from assessments.factories import AssessmentFactory, QuestionFactory
    from courses.factories import EnrolmentFactory

    course = curriculum["course"]
    EnrolmentFactory(user=student, course=course)
    questions = [
        QuestionFactory(
            course=course,
            prompt="<p>Which body approves the defence budget?</p>",
            options=[("Parliament", True), ("The general staff", False), ("The president alone", False)],
        ),
        QuestionFactory(
            course=course,
            type="multiple",
            prompt="<p>Which bodies oversee the armed forces?</p>",
            options=[("Parliament", True), ("Audit office", True), ("Regimental band", False)],
        ),
        QuestionFactory(
            course=course,
            type="numeric",
            prompt="<p>What share of GDP is the NATO spending guideline, in percent?</p>",
            numeric_answer=Decimal("2"),
        ),
    ]
    return AssessmentFactory(
        course=course,
        title="Civilian control check",
        instructions="<p>Three questions. Your answers are saved as you go.</p>",
        time_limit_minutes=20,
        pass_mark_percent=60,
        questions=questions,
    )


def _sign_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Email address").fill(STUDENT_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def _tab_to(page, target, limit: int = 60) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def _status(page):
    return page.locator("#save-status")


def _nav_link(page, number: int):
    return page.get_by_role("navigation", name="Questions").get_by_role(
        "link", name=re.compile(rf"^Question {number}\b")
    )


def test_enrolled_student_takes_a_timed_assessment_by_keyboard(page, exam):
    from assessments.models import Attempt

    _sign_in(page, f"/assessments/{exam.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Civilian control check")
    expect(page.get_by_text("20 minutes")).to_be_visible()
    assert_accessible(page, "start page")

    start = page.get_by_role("button", name="Start")
    _tab_to(page, start)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/assessments/attempts/\d+/$"))
    attempt = Attempt.objects.get()

    # The countdown shows the server's time left and counts down.
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^(20:00|19:[0-5]\d)$"))
    first = timer.text_content()
    expect(timer).not_to_have_text(first)
    expect(_nav_link(page, 1)).to_contain_text("not answered")
    assert_accessible(page, "question 1")

    # Question 1: Tab into the radio group, Space to choose the first option.
    parliament = page.get_by_role("radio", name="Parliament")
    _tab_to(page, page.get_by_role("radio").first)
    page.keyboard.press("Space")
    expect(parliament).to_be_checked()
    expect(_status(page)).to_have_text("Saved")
    expect(_nav_link(page, 1)).to_contain_text("answered")
    expect(_nav_link(page, 1)).not_to_contain_text("not answered")
    _tab_to(page, page.get_by_role("button", name="Next question"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=2$"))

    # Question 2: two checkboxes with Space.
    expect(page.get_by_text("Which bodies oversee the armed forces?")).to_be_visible()
    _tab_to(page, page.get_by_role("checkbox", name="Parliament"))
    page.keyboard.press("Space")
    _tab_to(page, page.get_by_role("checkbox", name="Audit office"))
    page.keyboard.press("Space")
    expect(_status(page)).to_have_text("Saved")
    expect(page.get_by_role("checkbox", name="Audit office")).to_be_checked()
    assert_accessible(page, "question 2")
    _tab_to(page, page.get_by_role("button", name="Next question"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=3$"))

    # Question 3: a number typed with a decimal comma is saved after a pause in typing.
    field = page.get_by_label("Your answer to question 3 (a number)")
    _tab_to(page, field)
    expect(field).to_have_attribute("inputmode", "decimal")
    page.keyboard.type("2,0")
    expect(_status(page)).to_have_text("Saved")
    expect(_nav_link(page, 3)).not_to_contain_text("not answered")
    assert attempt.questions.get(position=3).answer == {"number": "2.0"}

    # Five minutes before the end, the warning is announced (the deadline moved closer on the server).
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timezone.timedelta(seconds=302))
    page.reload()
    expect(page.locator("[data-countdown-alert]")).to_have_text("Five minutes left.")
    expect(page.locator(".countdown")).to_have_class(re.compile("countdown--low"))
    assert_accessible(page, "question 3 with the time warning")

    _tab_to(page, page.get_by_role("button", name="Save and review"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/submit/$"))
    expect(page.get_by_text("You have answered all 3 questions.")).to_be_visible()
    assert_accessible(page, "submit confirmation")
    _tab_to(page, page.get_by_role("button", name="Submit my answers"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/result/$"))
    expect(page.get_by_text("3 out of 3 points (100%)")).to_be_visible()
    expect(page.get_by_text("Passed (the pass mark is 60%).")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Question 1\s+Correct"))).to_be_visible()
    assert_accessible(page, "result")


def test_the_countdown_submits_the_attempt_when_time_is_up(page, exam):
    from assessments.models import Attempt, AttemptStatus

    _sign_in(page, f"/assessments/{exam.pk}/")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/assessments/attempts/\d+/$"))
    attempt = Attempt.objects.get()
    page.get_by_role("radio", name="Parliament").check()
    expect(_status(page)).to_have_text("Saved")
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timezone.timedelta(seconds=3))
    page.reload()
    expect(page).to_have_url(re.compile(r"/result/$"))
    expect(page.get_by_text("Time was up, so it was submitted with the answers you had saved.")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.auto_submitted and attempt.score == Decimal("1")


def test_an_answer_chosen_before_the_page_script_arrives_is_still_saved(page, exam):
    """attempt.js is deferred: on a slow link a student can answer before it listens. It saves what it
    finds changed when it starts, rather than waiting for a change that already happened."""
    from assessments.models import AttemptQuestion

    _sign_in(page, f"/assessments/{exam.pk}/")
    held = []
    page.route(re.compile(r"/attempt[^/]*\.js$"), lambda route: held.append(route))  # held until let go
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/assessments/attempts/\d+/$"))
    page.get_by_role("radio", name="Parliament").check()
    assert held, "the page asked for attempt.js"
    assert not AttemptQuestion.objects.filter(answer__isnull=False).exists()
    held[0].continue_()
    expect(_status(page)).to_have_text("Saved")
    (answered,) = AttemptQuestion.objects.filter(answer__isnull=False)
    chosen = {option["id"]: option["text"] for option in answered.snapshot["options"]}[answered.answer["option"]]
    assert chosen == "Parliament"
