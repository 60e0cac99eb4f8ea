"""``manage.py verify_certificate`` and ``certificate_key``: what an administrator and a third party run."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates import keys
from tests.certificates.test_signing import other_content, sample_content, signed_pdf

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def genuine_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("certificates") / "certificate.pdf"
    path.write_bytes(signed_pdf())
    return path


@pytest.fixture
def forged_file(tmp_path, genuine_file):
    """The genuine file with one byte of its signed part changed."""
    data = bytearray(genuine_file.read_bytes())
    data[len(data) // 3] ^= 0x01
    path = tmp_path / "forged.pdf"
    path.write_bytes(bytes(data))
    return path


def _run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_certificate", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_verify_certificate_reports_a_genuine_certificate_and_exits_0(genuine_file):
    code, out = _run(str(genuine_file))
    assert code == 0
    content = sample_content()
    assert content.code in out
    assert "Nguyễn Thị Minh Khai (Nguyen Thi Minh Khai)" in out
    assert content.course_title in out and "did:web:testserver" in out
    assert "✗" not in out
    assert "VALID: this file is the certificate as its issuer signed it." in out
    assert content.verify_url in out  # where to check whether it was revoked since


def test_verify_certificate_reports_an_altered_file_and_exits_1(forged_file):
    code, out = _run(str(forged_file))
    assert code == 1
    assert "✗ The signed content of the PDF was altered after signing." in out
    assert "NOT VALID" in out


def test_verify_certificate_reports_a_swapped_credential_and_exits_1(tmp_path):
    from certificates.signing import credential_issue

    path = tmp_path / "swapped.pdf"
    path.write_bytes(signed_pdf(sample_content(), credential=credential_issue(other_content())))
    code, out = _run(str(path))
    assert code == 1
    assert "✗ The credential is for certificate" in out and "NOT VALID" in out


def test_verify_certificate_with_the_published_did_json(client, tmp_path, genuine_file):
    did_json = tmp_path / "did.json"
    did_json.write_bytes(client.get("/.well-known/did.json").content)
    assert _run(str(genuine_file), "--did-json", str(did_json))[0] == 0

    stranger = {
        "id": "did:web:testserver",
        "verificationMethod": [
            {
                "id": "did:web:testserver#key-1",
                "type": "Multikey",
                "controller": "did:web:testserver",
                "publicKeyMultibase": keys.public_key_multibase(Ed25519PrivateKey.generate().public_key()),
            }
        ],
        "assertionMethod": ["did:web:testserver#key-1"],
    }
    did_json.write_text(json.dumps(stranger))
    code, out = _run(str(genuine_file), "--did-json", str(did_json))
    assert code == 1 and "not the issuer's" in out


def test_verify_certificate_with_a_public_key_file(tmp_path, genuine_file):
    pem = keys.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    key_file = tmp_path / "issuer.pub.pem"
    key_file.write_bytes(pem)
    assert _run(str(genuine_file), "--public-key", str(key_file))[0] == 0
    key_file.write_text(keys.public_key_multibase(keys.public_key()))
    assert _run(str(genuine_file), "--public-key", str(key_file))[0] == 0
    key_file.write_text(keys.public_key_multibase(Ed25519PrivateKey.generate().public_key()))
    assert _run(str(genuine_file), "--public-key", str(key_file))[0] == 1


def test_verify_certificate_names_a_file_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("verify_certificate", str(tmp_path / "missing.pdf"))
    bad_key = tmp_path / "key.txt"
    bad_key.write_text("nonsense")
    with pytest.raises(CommandError, match="issuer's key cannot be read"):
        call_command("verify_certificate", str(tmp_path / "missing.pdf"), "--public-key", str(bad_key))


def test_verify_certificate_runs_offline_as_a_separate_process_with_real_exit_codes(
    client, tmp_path, genuine_file, forged_file
):
    """A third party's run: another process (so another key file), only the saved did.json to go on."""
    did_json = tmp_path / "did.json"
    did_json.write_bytes(client.get("/.well-known/did.json").content)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        # No network: a proxy that does not exist makes any attempt to fetch fail.
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
    }
    command = [sys.executable, "manage.py", "verify_certificate", "--did-json", str(did_json)]
    valid = subprocess.run([*command, str(genuine_file)], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert "VALID" in valid.stdout
    forged = subprocess.run([*command, str(forged_file)], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert forged.returncode == 1, forged.stdout + forged.stderr
    assert "NOT VALID" in forged.stdout


def test_certificate_key_create_refuses_to_replace_without_force(tmp_path):
    path = tmp_path / "keys" / "certificate-key.pem"
    with override_settings(CERTIFICATE_SIGNING_KEY_FILE=str(path)):
        out = io.StringIO()
        call_command("certificate_key", "create", stdout=out)
        assert "Created the signing key" in out.getvalue() and "Back it up" in out.getvalue()
        first = path.read_bytes()
        with pytest.raises(CommandError, match="--force"):
            call_command("certificate_key", "create", stdout=io.StringIO())
        assert path.read_bytes() == first
        call_command("certificate_key", "create", "--force", stdout=io.StringIO())
        assert path.read_bytes() != first
        # The new key is the one in use at once (the per-process cache was cleared).
        assert keys.public_key_raw(keys.public_key()) == keys.public_key_raw(keys.key_load(path).public_key())


def test_certificate_key_show_prints_the_public_key_and_the_did(tmp_path):
    out = io.StringIO()
    call_command("certificate_key", "show", stdout=out)
    text = out.getvalue()
    assert "did:web:testserver#key-1" in text
    assert keys.public_key_multibase(keys.public_key()) in text
    assert "http://testserver/.well-known/did.json" in text
    out = io.StringIO()
    call_command("certificate_key", "show", "--json", stdout=out)
    assert json.loads(out.getvalue()) == keys.did_document()
    with override_settings(CERTIFICATE_SIGNING_KEY_FILE=str(tmp_path / "none.pem")):
        with pytest.raises(CommandError, match="certificate_key create"):
            call_command("certificate_key", "show", stdout=io.StringIO())
        assert not (tmp_path / "none.pem").exists()  # show never makes a key


def test_certificate_key_create_works_where_the_missing_key_fails_the_system_checks(tmp_path):
    """Production: the checks stop every other command until the key exists; this one makes it."""
    from django.core.management import execute_from_command_line

    import certificates.checks  # noqa: F401  (registered by the app; imported here in case it is not yet)

    path = tmp_path / "certificate-key.pem"
    with override_settings(CERTIFICATE_SIGNING_KEY_FILE=str(path), CERTIFICATE_SIGNING_KEY_CREATE_MISSING=False):
        with pytest.raises(SystemCheckError, match=r"certificates\.E001"):
            call_command("check", "--tag", "certificates")
        execute_from_command_line(["manage.py", "certificate_key", "create"])  # as from the shell, checks and all
        assert path.exists()
        call_command("check", "--tag", "certificates", stdout=io.StringIO())
