from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.models import Group
from django.core import mail

import pytest

from lms.accounts.models import User
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "email": "Amina.Diallo@Example.org",
    "first_name": "Amina",
    "last_name": "Diallo",
    "name_native": "",
    "country": "SN",
    "preferred_language": "fr",
    "password1": "correct horse battery",
    "password2": "correct horse battery",
}


def test_role_groups_exist_after_migrating():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Students", "Instructors", "Program Managers"} <= names
    instructors = Group.objects.get(name="Instructors")
    assert instructors.permissions.filter(codename="access_admin").exists()


def test_sign_up_creates_a_student_signs_in_and_sends_the_welcome_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGN_UP)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="amina.diallo@example.org")
    assert user.groups.filter(name=Role.STUDENT.value).exists()
    assert user.country.code == "SN"
    assert user.welcome_email_sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina.diallo@example.org"]
    # The interface follows the language chosen at sign-up.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert client.get("/dashboard/").status_code == 200


def test_sign_up_refuses_an_email_already_in_use_whatever_its_case(client, student):
    data = dict(SIGN_UP, email="STUDENT@example.org")
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 400
    assert "already exists" in response.text
    assert User.objects.filter(email__iexact="student@example.org").count() == 1
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password2", "something else", "not the same"),
        ("country", "XX", "valid choice"),
        ("email", "not-an-email", "valid email"),
        ("first_name", "x" * 151, "at most 150"),
    ],
)
def test_sign_up_bad_input_names_the_problem_and_creates_nothing(client, field, value, message):
    response = client.post("/accounts/signup/", dict(SIGN_UP, **{field: value}))
    assert response.status_code == 400
    assert message in response.text
    assert not User.objects.filter(email__iexact=SIGN_UP["email"]).exists()


def test_sign_in_is_by_email_and_case_insensitive(client, student):
    response = client.post("/accounts/login/", {"username": "Student@Example.org", "password": "pme-demo"})
    assert response.status_code == 302
    assert client.get("/dashboard/").context["user"] == student


def test_sign_in_with_a_wrong_password_says_so_without_signing_in(client, student):
    response = client.post("/accounts/login/", {"username": "student@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert "not right" in response.text
    assert client.get("/dashboard/").status_code == 302


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, student, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": student.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    # From another address, the account itself is locked.
    response = client.post(
        "/accounts/login/", {"username": student.email, "password": "pme-demo"}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert client.get("/dashboard/").status_code == 302


def test_varying_the_case_of_the_email_does_not_escape_the_lock_out(client, student, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        email = "".join(c.upper() if (n >> i) & 1 else c for i, c in enumerate(student.email))
        client.post("/accounts/login/", {"username": email, "password": "wrong"}, REMOTE_ADDR=f"10.0.1.{n}")
    response = client.post(
        "/accounts/login/", {"username": student.email, "password": "pme-demo"}, REMOTE_ADDR="10.0.2.1"
    )
    assert response.status_code == 429


def test_repeated_failures_from_one_address_lock_that_address(client, student, other_student, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": f"nobody{n}@example.org", "password": "x"}, REMOTE_ADDR="10.9.9.9")
    response = client.post(
        "/accounts/login/", {"username": other_student.email, "password": "pme-demo"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429
    # Another address still signs in.
    response = client.post(
        "/accounts/login/", {"username": other_student.email, "password": "pme-demo"}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, student):
    known = client.post("/accounts/password-reset/", {"email": student.email})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [student.email]


def test_password_reset_link_sets_a_new_password(client, student):
    client.post("/accounts/password-reset/", {"email": student.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password-reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "a new long secret", "new_password2": "a new long secret"})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("a new long secret")


def test_profile_edits_the_students_details(client, student):
    client.force_login(student)
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Layla",
            "last_name": "Haddad",
            "name_native": "ليلى حداد",
            "preferred_language": "ar",
            "country": "JO",
            "service": "Ministry of Defence",
            "rank": "Civilian",
            "organisation": "Directorate of Policy",
            "sponsoring_program": "",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.name_native == "ليلى حداد"
    assert student.country.code == "JO"
    assert student.organisation == "Directorate of Policy"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


def test_profile_rejects_an_unknown_language_and_keeps_the_old_values(client, student):
    client.force_login(student)
    response = client.post("/accounts/profile/", {"first_name": "New", "preferred_language": "xx", "country": "GH"})
    assert response.status_code == 400
    student.refresh_from_db()
    assert student.first_name != "New"


def test_profile_requires_sign_in(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_passwords_are_hashed_with_argon2id_within_owasp_guidance():
    from lms.accounts.hashers import OwaspArgon2idHasher
    from lms.settings import base

    # Tests put a fast hasher first; every other environment starts with Argon2id.
    assert base.PASSWORD_HASHERS[0] == "lms.accounts.hashers.OwaspArgon2idHasher"
    hasher = OwaspArgon2idHasher()
    encoded = hasher.encode("pme-demo", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).verify("pme-demo", encoded)


def test_welcome_email_is_sent_once_even_if_the_task_runs_twice(student):
    from lms.accounts.services import user_welcome_email_send

    assert user_welcome_email_send(user_id=student.pk) is True
    assert user_welcome_email_send(user_id=student.pk) is False
    assert len(mail.outbox) == 1


def test_account_pages_carry_the_platform_name_in_their_title(client):
    response = client.get("/accounts/login/")
    assert "<title>Sign in · PME Learning</title>" in response.text


def test_the_signed_in_user_is_read_from_the_cache_and_changes_take_effect_at_once(client, student):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(student)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/health/live/")
        assert client.get("/").status_code == 200
    assert not any('FROM "accounts_user"' in q["sql"] for q in captured)
    # A deactivated account is signed out on its next request, a new password ends other sessions.
    student.is_active = False
    student.save()
    assert client.get("/dashboard/").status_code == 302
    student.is_active = True
    student.save()
    client.force_login(student)
    assert client.get("/dashboard/").status_code == 200
    student.set_password("another long passphrase 99")
    student.save()
    assert client.get("/dashboard/").status_code == 302
