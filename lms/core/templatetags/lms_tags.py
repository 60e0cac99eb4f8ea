from django import template
from django.template.backends.utils import csrf_input
from django.utils.safestring import mark_safe

from lms.core.pagecache import CSRF_PLACEHOLDER, personal_marker

register = template.Library()


@register.simple_tag(takes_context=True)
def csrf_field(context):
    """``{% csrf_token %}`` that the signed-in page cache can fill in per visitor."""
    request = context.get("request")
    if request is not None and getattr(request, "_lms_csrf_placeholder", False):
        return mark_safe(CSRF_PLACEHOLDER)  # noqa: S308 - a fixed comment, replaced before sending
    return csrf_input(request)


@register.simple_tag
def personal(name, *args):
    """A part of the page rendered for each visitor after the page cache (see lms.core.pagecache).

    Its arguments (ids) reach the renderer joined by hyphens.
    """
    return mark_safe(personal_marker(name, "-".join(str(arg) for arg in args)))  # noqa: S308 - a fixed comment with a signed name
