"""The public verification URLs, /verify/ (see certificates.verify)."""

from django.urls import path

from . import verify

urlpatterns = [
    path("", verify.verify_lookup, name="certificate_verify_lookup"),
    path("<str:code>/", verify.verify_detail, name="certificate_verify"),
    path("<str:code>.json", verify.verify_json, name="certificate_verify_json"),
]
