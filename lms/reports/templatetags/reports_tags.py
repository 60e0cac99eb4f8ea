"""Numbers on the report screens, written as the reader's language writes them."""

from django import template
from django.template.base import render_value_in_context
from django.templatetags.l10n import unlocalize
from django.utils.html import format_html

from lms.core.templatetags.lms_formats import percent

register = template.Library()

# The report screens' own name for the site-wide filter (lms.core.templatetags.lms_formats).
register.filter("percent", percent)


# The figures and cells below are written by Python rather than an included template each: a whole
# history's dashboard has hundreds of them, and a page of a roster a few hundred cells. Values go
# through render_value_in_context, as {{ value }} would: localised, and escaped.


@register.simple_tag(takes_context=True)
def report_count(context, url, count):
    """A count, linked to the students behind it when there is a list to show."""
    shown = render_value_in_context(count, context)
    return format_html('<a href="{}">{}</a>', url, shown) if url else shown


@register.simple_tag
def report_bar(width, kind):
    """A bar of ``width`` per cent, beside its figure; hidden from assistive technologies (the figure says it)."""
    return format_html(
        '<svg class="reports-bar reports-bar--{}" aria-hidden="true" focusable="false" width="100%" height="12"'
        ' preserveAspectRatio="none"><rect x="0" y="0" height="12" width="{}%"/></svg>',
        kind,
        unlocalize(width),
    )


@register.simple_tag(takes_context=True)
def report_cell(context, value):
    """A cell of a report's table: a dash when empty, a link when the value is one (a verification link)."""
    if value is None or value == "":
        return "\N{EN DASH}"
    shown = render_value_in_context(value, context)
    return format_html('<a href="{}">{}</a>', value, shown) if getattr(value, "is_link", False) else shown
