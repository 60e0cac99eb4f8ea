"""The live preview of a certificate template in the admin: the PDF, rendered for a sample student.

Wagtail shows a snippet's preview in an iframe of the edit screen; the preview
page here embeds the PDF itself as a data: URL, so what the author sees is the
very file a student would get (same renderer, same fonts), not an HTML
approximation. The site's Content-Security-Policy forbids frames from data: URLs
and being framed at all; ``preview_csp_allow`` loosens exactly those two
directives on the preview response only (framed by our own admin, framing a
data: PDF), and the template edit screens allow framing their own preview.
"""

import base64

from csp.constants import SELF

from .content import content_sample


def template_preview_context(template) -> dict:
    """The preview page's context: the PDF as a data: URL, or what stops it rendering."""
    from .rendering import CertificateRenderError, certificate_pdf

    # Wagtail validates the form (CertificateTemplate.clean, the signatories' form) before it
    # previews, so the save-time problems are shown on the edit form, not checked again here.
    sample = content_sample()
    pdf_url = error = None
    size = 0
    try:
        pdf = certificate_pdf(template, sample)
    except CertificateRenderError as failure:
        error = str(failure)
    else:
        size = len(pdf)
        pdf_url = "data:application/pdf;base64," + base64.b64encode(pdf).decode()
    return {
        "object": template,
        "pdf_url": pdf_url,
        "pdf_size_kb": round(size / 1024),
        "error": error,
        "sample": sample,
    }


def preview_csp_allow(response):
    """Let the admin frame this response, and let it frame a data: PDF (this response only)."""
    response._csp_update = {**(getattr(response, "_csp_update", None) or {}), "frame-src": ["data:"]}
    response._csp_replace = {**(getattr(response, "_csp_replace", None) or {}), "frame-ancestors": [SELF]}
    return response


def edit_screen_csp_allow(response):
    """An edit screen frames its own preview (Wagtail's preview panel): allow frames from our origin."""
    response._csp_update = {**(getattr(response, "_csp_update", None) or {}), "frame-src": [SELF]}
    return response
