"""Numbers as the reader's language writes them: decimal separators from Django's formats, and the
percent sign placed by the catalogue ("12.5%" in English, "12,5 %" in French)."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()

NO_FIGURE = "\u2013"  # an en dash


def percent_text(number_text: str) -> str:
    """A number already written in the reader's way, with the percent sign placed as their language places it."""
    # The msgid holds no escape: an escaped no-break space in it reaches the catalogue as the six
    # characters "\u00a0" and would never match. Languages that space the sign put a real no-break
    # space in their translation.
    # Translators: a percentage, e.g. "45%" (%% is the sign itself). Write it as your language does,
    # e.g. French "45 %" with a no-break space; some languages put the sign first.
    return gettext("%(number)s%%") % {"number": number_text}


@register.filter
def percent(value, decimals=0):
    """A share (0..1) or, with ``decimals``, a value already in percent, in the reader's way ("12.5%", "12,5 %").

    ``share|percent`` for a ratio; ``value|percent:1`` for a figure already in percent, one decimal.
    """
    if value is None:
        return NO_FIGURE
    number = float(value) if decimals else float(value) * 100
    return percent_text(number_format(round(number, int(decimals)), int(decimals)))


@register.filter
def percent_score(value, decimals="-2"):
    """A score already in percent (an attempt's 87.5), up to two decimals and no trailing zeros: "87,5 %"."""
    if value is None:
        return NO_FIGURE
    return percent_text(floatformat(value, decimals))
