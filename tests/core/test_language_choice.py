"""Which language a page is in: the profile for a signed-in person, else the switcher's choice, else the browser.

The page caches keep one copy per language, so none of these rules may be undone by a
cached page; emails go in the recipient's language whoever triggers them.
"""

import re

from django.test import Client

import pytest

from lms.accounts import services as account_services
from lms.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.text).group(1)


def _csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def test_visitor_without_a_choice_reads_in_the_browsers_language_each_cached_apart(client, course):
    french = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    spanish = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="es")
    french_again = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="de, en;q=0.5")
    assert (_lang(french), _lang(spanish), _lang(french_again), _lang(english)) == ("fr", "es", "fr", "en")
    assert french_again["X-Page-Cache"] == "hit"
    assert "Catálogo" in spanish.text and "Catálogo" not in french_again.text
    assert french["Content-Language"] == "fr"
    assert "Accept-Language" in french_again["Vary"]


def test_the_switchers_choice_beats_the_browser(client, course):
    response = client.post("/i18n/language/", {"language": "ru", "next": "/catalogue/"})
    assert response.cookies["lms_language"].value == "ru"
    page = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="es")
    assert _lang(page) == "ru"
    assert "Каталог" in page.text


def test_visitors_switch_needs_no_token_as_cached_pages_carry_none(course):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/language/", {"language": "ar", "next": "/catalogue/"})
    assert response.status_code == 302
    assert 'dir="rtl"' in client.get("/catalogue/").text


def test_signed_in_profile_language_beats_the_cookie_and_the_browser(client, course, student):
    account_services.user_profile_update(user=student, preferred_language="ru")
    client.cookies["lms_language"] = "fr"
    client.force_login(student)
    response = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="es")
    assert _lang(response) == "ru"
    assert "Выйти" in response.text  # "Sign out"
    # The cookie follows the profile, so the page after signing out is in Russian too.
    assert response.cookies["lms_language"].value == "ru"
    client.post("/accounts/logout/")
    assert _lang(client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="es")) == "ru"


def test_a_profile_changed_on_another_device_applies_on_the_next_request_even_from_the_cache(client, course, student):
    client.force_login(student)
    assert _lang(client.get("/catalogue/")) == "en"
    assert client.get("/catalogue/")["X-Page-Cache"] == "hit"
    account_services.user_profile_update(user=student, preferred_language="ar")  # the phone, say
    response = client.get("/catalogue/")
    assert (_lang(response), response["X-Page-Cache"]) == ("ar", "miss")
    assert 'dir="rtl"' in response.text


def test_two_signed_in_people_share_cached_pages_only_in_their_own_language(course, student, other_student):
    account_services.user_profile_update(user=other_student, preferred_language="es")
    english, spanish = Client(), Client()
    english.force_login(student)
    spanish.force_login(other_student)
    english.get("/catalogue/")
    spanish.get("/catalogue/")
    assert _lang(english.get("/catalogue/")) == "en"
    assert _lang(spanish.get("/catalogue/")) == "es"


def test_signed_in_switch_saves_the_choice_to_the_profile(course, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    page = client.get("/catalogue/")
    switcher = re.search(r'<form class="language-switch".*?</form>', page.text, re.S).group(0)
    token = _csrf_token(page)
    assert token in switcher
    response = client.post("/i18n/language/", {"language": "pt", "next": "/catalogue/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.preferred_language == "pt"
    assert _lang(client.get("/catalogue/")) == "pt"


def test_signed_in_switch_without_a_valid_token_is_refused_and_changes_nothing(course, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    client.get("/catalogue/")
    response = client.post("/i18n/language/", {"language": "ar", "next": "/catalogue/"})
    assert response.status_code == 403
    assert "lms_language" not in response.cookies
    student.refresh_from_db()
    assert student.preferred_language == "en"
    assert _lang(client.get("/catalogue/")) == "en"


def test_signed_in_switch_to_an_unknown_language_changes_nothing(student_client, student):
    response = student_client.post("/i18n/language/", {"language": "xx", "next": "/dashboard/"})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.preferred_language == "en"


def test_sign_up_offers_the_language_the_visitor_is_reading(client):
    client.cookies["lms_language"] = "es"
    page = client.get("/accounts/signup/")
    assert re.search(r'<option value="es"[^>]*selected', page.text)


def test_password_reset_email_is_in_the_account_holders_language(client, mailoutbox):
    UserFactory(email="olga@example.org", preferred_language="ru")
    client.post("/accounts/password-reset/", {"email": "olga@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Сброс пароля"  # noqa: RUF001 ("Reset your password")


def test_welcome_email_is_in_the_language_chosen_at_sign_up(client, mailoutbox, django_capture_on_commit_callbacks):
    client.cookies["lms_language"] = "fr"
    form = {
        "email": "jeanne@example.org",
        "first_name": "Jeanne",
        "preferred_language": "pt",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", form)
    assert response.status_code == 302
    assert _lang(client.get("/dashboard/")) == "pt"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["jeanne@example.org"]
    assert "Bem-vind" in mailoutbox[0].subject + mailoutbox[0].body
