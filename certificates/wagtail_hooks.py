"""Certificates in the Wagtail admin."""

from wagtail.snippets.models import register_snippet

# The certificate screens register their hooks and view set when imported; site_history keeps
# program managers limited by a scope out of Wagtail's Site history (see that module for why).
from .wagtail_admin import certificates, site_history  # noqa: F401

# Certificate templates: a snippet with revisions and a live PDF preview.
from .wagtail_admin.templates import CertificateTemplateViewSet

register_snippet(CertificateTemplateViewSet)
