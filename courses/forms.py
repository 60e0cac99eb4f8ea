from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Cohort, Level
from .services.imports import MAX_FILE_BYTES, MAX_ROWS


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
        # The template writes the options itself, each with the language of its words (a theme not
        # translated for the reader keeps the source's name, marked as such for screen readers).
        self.theme_options = [
            (t.slug, t.name, getattr(t, "content_language", ""), getattr(t, "content_direction", "")) for t in themes
        ]


class StudentImportForm(forms.Form):
    """The bulk import screen: a cohort of a published course that has not ended, and a file."""

    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        empty_label=_("Choose a cohort"),
        help_text=_("Cohorts of published courses that have not ended, by course."),
    )
    file = forms.FileField(
        label=_("File of students"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = MAX_FILE_BYTES
        self.fields["cohort"].queryset = (
            Cohort.objects.filter(ends_on__gte=timezone.localdate(), course__live=True)
            .select_related("course")
            .order_by("course__title", "starts_on", "name")
        )
        self.fields["file"].help_text = _(
            "CSV (UTF-8, comma-, semicolon- or tab-separated) or Excel workbook (.xlsx), "
            "at most %(size)s MB and %(rows)s students."
        ) % {"size": MAX_FILE_BYTES // 1024 // 1024, "rows": f"{MAX_ROWS:,}"}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is %(size)s MB; files of at most %(limit)s MB are accepted. Split it into smaller files.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": self.max_bytes // 1024 // 1024}
            )
        return upload
