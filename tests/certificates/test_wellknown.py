"""/.well-known/did.json: the issuer's public key, where did:web says it is, for anyone."""

import json

import pytest

from certificates import keys
from certificates.signing import credential_issue, credential_verify, pdf_verify
from tests.certificates.test_signing import sample_content, signed_pdf

URL = "/.well-known/did.json"


def test_did_json_is_public_cacheable_and_readable_from_any_origin(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies  # no session, no CSRF cookie: nothing personal
    document = json.loads(response.content)
    assert document["id"] == "did:web:testserver"
    [method] = document["verificationMethod"]
    assert method == {
        "id": "did:web:testserver#key-1",
        "type": "Multikey",
        "controller": "did:web:testserver",
        "publicKeyMultibase": keys.public_key_multibase(keys.public_key()),
    }
    assert document["assertionMethod"] == ["did:web:testserver#key-1"]
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_did_json_is_served_the_same_to_a_signed_in_visitor(client, django_user_model, db):
    user = django_user_model.objects.create_user(email="someone@example.org", password="x")
    client.force_login(user)
    first = client.get(URL)
    assert first.status_code == 200
    assert json.loads(first.content)["id"] == "did:web:testserver"


def test_the_published_key_verifies_our_credentials_and_pdfs(client):
    published = keys.did_document_keys(json.loads(client.get(URL).content))
    credential_verify(credential_issue(sample_content()), published)
    assert pdf_verify(signed_pdf(), public_key=published).ok


def test_did_json_follows_the_site_address(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://lms.example.org:8443"
    document = json.loads(client.get(URL).content)
    assert document["id"] == "did:web:lms.example.org%3A8443"
    assert document["assertionMethod"] == ["did:web:lms.example.org%3A8443#key-1"]


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"id": "did:web:x", "verificationMethod": [{"id": "#key-1", "publicKeyMultibase": "zXYZ"}]},
        # A key listed but not for assertions may not sign credentials.
        {"id": "did:web:x", "verificationMethod": [{"id": "#k", "publicKeyMultibase": "z6Mk"}], "assertionMethod": []},
    ],
)
def test_did_document_keys_refuses_a_document_without_an_assertion_key(document):
    with pytest.raises(ValueError, match="no Ed25519 key"):
        keys.did_document_keys(document)


def test_did_document_keys_reads_relative_ids_and_json_web_keys():
    key = keys.public_key()
    document = {
        "id": "did:web:example.org",
        "verificationMethod": [{"id": "#key-2", "type": "JsonWebKey", "publicKeyJwk": keys.public_key_jwk(key)}],
        "assertionMethod": ["#key-2"],
    }
    found = keys.did_document_keys(document)
    assert list(found) == ["did:web:example.org#key-2"]
    assert keys.public_key_raw(found["did:web:example.org#key-2"]) == keys.public_key_raw(key)
