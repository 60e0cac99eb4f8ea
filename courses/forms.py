from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Level


class CatalogueFilterForm(forms.Form):
    """The catalogue's query string. Invalid values are reported and ignored, never a 500."""

    q = forms.CharField(label=_("Search courses"), max_length=200, required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("Any level")), *Level.choices])
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *settings.LANGUAGES]
    )
    page = forms.IntegerField(label=_("Page number"), required=False, min_value=1, max_value=100_000)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Any theme")), *((t.slug, t.name) for t in themes)]
