import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import pytest

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / d for d in ("lms", "courses", "assessments", "certificates")]


def test_public_pages_carry_a_strict_content_security_policy(client, course):
    response = client.get("/catalogue/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_only_the_admin_policy_allows_inline_code(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_no_template_of_ours_has_inline_script():
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            for tag in text.split("<script")[1:]:
                opening = tag.split(">", 1)[0]
                if "src=" not in opening and "nonce=" not in opening and 'type="application/json"' not in opening:
                    offenders.append(str(path))
            if " onclick=" in text or " onload=" in text or "javascript:" in text:
                offenders.append(str(path))
    assert not offenders


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="lms.settings.production", ALLOWED_HOSTS="lms.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_secure_cookies_and_hsts(monkeypatch):
    import importlib

    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "lms.example.org")
    production = importlib.import_module("lms.settings.production")

    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_SSL_REDIRECT is True
    assert production.DEBUG is False
    assert production.LMS_DEMO_USERS is False


def test_the_admin_preview_panel_may_frame_our_own_preview_and_nothing_else(client, admin_user, course):
    """Wagtail shows a page's preview in a frame of its edit screen: same origin only, public pages never framed."""
    client.force_login(admin_user)
    edit = client.get(f"/admin/pages/{course.pk}/edit/")
    assert edit.status_code == 200
    policy = edit["Content-Security-Policy"]
    assert "frame-src 'self'" in policy and "frame-ancestors 'self'" in policy
    preview = client.get(f"/admin/pages/{course.pk}/edit/preview/")
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    public = client.get(course.url)
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"] and public["X-Frame-Options"] == "DENY"
