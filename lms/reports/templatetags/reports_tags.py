"""Numbers on the report screens, written as the reader's language writes them."""

from django import template

from lms.core.templatetags.lms_formats import percent

register = template.Library()

# The report screens' own name for the site-wide filter (lms.core.templatetags.lms_formats).
register.filter("percent", percent)
