"""Certificates in the Wagtail admin."""

from wagtail.snippets.models import register_snippet

# The certificate screens register their hooks and view set when imported.
from .wagtail_admin import certificates  # noqa: F401

# Certificate templates: a snippet with revisions and a live PDF preview.
from .wagtail_admin.templates import CertificateTemplateViewSet

register_snippet(CertificateTemplateViewSet)
