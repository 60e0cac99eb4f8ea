"""Reports in a real browser: a program manager limited to Ghana finds the dashboard through the
Reports menu, sees only their students, follows a figure to the students behind it, opens every
standard report and downloads an export. axe-core finds nothing serious on any of these pages.
The dashboard in Arabic (right to left, bars growing from the right) is in test_rtl.py."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible

pytestmark = pytest.mark.browser

OUT_OF_SCOPE = ("moussa.student@example.org", "fatou.student@example.org", "ZzMoussa", "ZzFatou")


@pytest.fixture
def world(site_tree, transactional_db):
    from django.db import transaction

    from tests.reports.test_scope import world_build

    with transaction.atomic():
        return world_build()


def _sign_in(page, email):
    page.goto("/accounts/login/?next=/admin/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("pme-demo")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def _nothing_out_of_scope(page, where):
    html = page.content()
    for text in OUT_OF_SCOPE:
        assert text not in html, f"{where}: {text} is out of scope but shown"


def test_a_scoped_manager_reads_the_dashboard_and_reports(page, world):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    _sign_in(page, "countries.manager@example.org")

    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Learning dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learning dashboard")
    expect(page.get_by_text("You see the students of Ghana.")).to_be_visible()
    funnel = page.get_by_role("table", name="From enrolment to certificate")
    enrolled = funnel.get_by_role("row", name=re.compile("^Enrolled"))
    # Two students from Ghana, three places each.
    expect(enrolled.get_by_role("link", name="6", exact=True)).to_be_visible()
    expect(funnel.get_by_role("row", name=re.compile("^Certified")).get_by_role("link")).to_have_text("2")
    _nothing_out_of_scope(page, "dashboard")
    assert_accessible(page, "dashboard (scoped manager)")

    funnel.get_by_role("row", name=re.compile("^Certified")).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certified")
    rows = page.locator("table.reports-table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("kofi.student@example.org")).to_be_visible()
    expect(page.get_by_text("ama.student@example.org")).to_be_visible()
    _nothing_out_of_scope(page, "certified students")
    assert_accessible(page, "students behind a figure")

    reports = {
        "completion": ("", "Completion by country and sponsoring program"),
        "roster": (f"?cohort={world['cohort'].pk}", "Cohort roster"),
        "at_risk": ("", "Students at risk"),
        "assessment": (f"?assessment={world['exam'].pk}", "Assessment analysis"),
    }
    for key, (query, title) in reports.items():
        page.goto(f"/admin/learning-reports/{key}/{query}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        expect(page.locator("table.reports-table")).to_be_visible()
        _nothing_out_of_scope(page, title)
        assert_accessible(page, title)

    # The roster, as a spreadsheet download.
    page.goto(f"/admin/learning-reports/roster/?cohort={world['cohort'].pk}")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download CSV").click()
    download = waiting.value
    assert download.suggested_filename.startswith("roster-") and download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "kofi.student@example.org" in text and "ama.student@example.org" in text
    assert not any(other in text for other in OUT_OF_SCOPE)
    assert not problems, problems
