from django import forms
from django.utils.translation import gettext_lazy as _


class HolderNameForm(forms.Form):
    name = forms.CharField(
        label=_("Your full name in your own script"),
        max_length=200,
        help_text=_(
            "As it should be printed, for example “Нгуен Ван Ань” or “محمد عبد الله”. Latin script is fine too."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    name_latin = forms.CharField(
        label=_("Your full name in Latin script"),
        max_length=200,
        help_text=_(
            "As in your passport's machine-readable zone or your usual Latin spelling. We suggest one: check it."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    confirm = forms.BooleanField(
        label=_("I confirm that my name is spelled as it should appear on my certificates."),
        error_messages={"required": _("Tick the box to confirm the spelling.")},
    )
