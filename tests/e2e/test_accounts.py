"""Signing up and signing in in the browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import assert_accessible

pytestmark = pytest.mark.browser


def test_sign_in_student_lands_on_dashboard(page, student, site_tree):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page, "sign-in")

    page.get_by_label("Email address").fill("amina.diallo@example.org")
    page.get_by_label("Password").fill("pme-demo")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amina")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page, "dashboard")


def test_sign_in_wrong_password_announces_error(page, student, site_tree):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("amina.diallo@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("The email address or the password is not right")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_label("Email address")).to_have_value("amina.diallo@example.org")
    expect(page.get_by_label("Password")).to_have_value("")
    assert_accessible(page, "sign-in with an error")


def test_sign_up_new_student_lands_on_dashboard(page, site_tree):
    from lms.accounts.models import User

    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert_accessible(page, "sign-up")

    page.get_by_label("Email address").fill("kwame.mensah@example.org")
    page.get_by_label("Given names (Latin script)").fill("Kwame")
    page.get_by_label("Family name (Latin script)").fill("Mensah")
    page.get_by_label("Country").select_option("GH")
    # The form offers the language being read; English for this English browser.
    expect(page.locator("select[name=preferred_language]")).to_have_value("en")
    page.get_by_label(re.compile(r"^Password:?$")).fill("correct horse battery")
    page.get_by_label("Password again").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kwame")
    assert_accessible(page, "dashboard after sign-up")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    assert User.objects.get(email="kwame.mensah@example.org").preferred_language == "en"
