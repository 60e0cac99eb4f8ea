"""Numbers on the report screens, written as the reader's language writes them."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()


@register.filter
def percent(value, decimals=0):
    """A share (0..1) or, with ``decimals``, a value already in percent, as "45 %" in the reader's way.

    ``share|percent`` for a ratio; ``value|percent:1`` for a figure already in percent, one decimal.
    """
    if value is None:
        return "\u2013"  # an en dash: no figure
    number = float(value) if decimals else float(value) * 100
    # Translators: a percentage; some languages put the sign first (%% is the sign itself).
    return gettext("%(number)s\u00a0%%") % {"number": number_format(round(number, int(decimals)), int(decimals))}
