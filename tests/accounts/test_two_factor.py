import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_staff_must_set_up_a_second_factor_before_the_admin_when_required(client, instructor, settings):
    settings.LMS_STAFF_REQUIRE_2FA = True
    client.force_login(instructor)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")

    setup = client.get(response["Location"])
    assert setup.status_code == 200
    assert setup.context["setting_up"] is True
    assert setup.context["qr_code"].startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=instructor)
    assert device.confirmed is False

    wrong = client.post("/accounts/two-factor/", {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    assert "not valid" in wrong.text
    assert client.get("/admin/").status_code == 302

    # Straight after a wrong code the device makes the user wait.
    throttled = client.post("/accounts/two-factor/", {"token": _code(device), "next": "/admin/"})
    assert "Wait a few seconds" in throttled.text
    device.refresh_from_db()
    device.throttle_reset()

    right = client.post("/accounts/two-factor/", {"token": _code(device), "next": "/admin/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/admin/").status_code == 200


def test_a_confirmed_device_is_asked_for_at_the_next_sign_in(client, manager, settings):
    settings.LMS_STAFF_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    client.force_login(manager)
    page = client.get("/accounts/two-factor/?next=/admin/")
    assert page.context["setting_up"] is False
    assert "qr_code" not in page.context
    response = client.post("/accounts/two-factor/", {"token": _code(device), "next": "https://evil.example/"})
    # An outside "next" is never followed.
    assert response["Location"] == "/admin/"


def test_the_second_factor_is_not_asked_when_the_setting_is_off(client, instructor, settings):
    settings.LMS_STAFF_REQUIRE_2FA = False
    client.force_login(instructor)
    assert client.get("/admin/").status_code == 200


def test_students_are_never_sent_to_the_second_factor(client, student, settings):
    settings.LMS_STAFF_REQUIRE_2FA = True
    client.force_login(student)
    response = client.get("/admin/")
    assert not response.get("Location", "").startswith("/accounts/two-factor/")


def test_the_admin_sign_in_is_the_sites_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
