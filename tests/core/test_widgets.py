"""lms.core.widgets.Select writes the same <select> as Django's template-rendered Select, only faster."""

import re

from django import forms

import pytest

from lms.core.widgets import Select as ListSelect

CHOICES = [
    ("", "---------"),
    (1, "Civil-military relations"),
    (2, 'Cohort "A" <2026> & co'),
    ("Region", [("GH", "Ghana"), ("SN", "Sénégal")]),
    ("ar", "العربية"),
]


def _tags(html: str) -> str:
    # Django's templates put line breaks and indents between the tags; the browser ignores them.
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", 2, "SN", "nonexistent"])
def test_list_select_writes_what_djangos_select_writes(value):
    attrs = {"id": "id_cohort", "aria-describedby": "id_cohort-help", "aria-invalid": "true", "required": True}
    expected = forms.Select(choices=CHOICES).render("cohort", value, attrs=attrs)
    written = ListSelect(choices=CHOICES).render("cohort", value, attrs=attrs)
    assert _tags(written) == _tags(str(expected))


def test_list_select_marks_the_chosen_option_and_escapes_labels():
    written = ListSelect(choices=CHOICES).render("cohort", 2, attrs={"id": "id_cohort"})
    assert '<option value="2" selected>Cohort &quot;A&quot; &lt;2026&gt; &amp; co</option>' in written
    assert written.count(" selected") == 1
    assert '<optgroup label="Region"><option value="GH">Ghana</option>' in written
    assert "<2026>" not in written


def test_a_bound_form_field_renders_through_list_select_with_its_errors():
    class Form(forms.Form):
        cohort = forms.TypedChoiceField(choices=CHOICES, coerce=int, widget=ListSelect)

    form = Form(data={"cohort": "99"})
    assert not form.is_valid()
    html = str(form["cohort"])
    assert html.startswith('<select name="cohort"')
    assert 'aria-invalid="true"' in html
    assert 'id="id_cohort"' in html


def test_wagtail_wraps_it_as_a_select_so_the_admin_styles_it_as_one():
    from django.template import Context, Template

    class Form(forms.Form):
        cohort = forms.TypedChoiceField(choices=CHOICES, coerce=int, required=False, widget=ListSelect)

    html = Template("{% load wagtailadmin_tags %}{% formattedfield form.cohort %}").render(Context({"form": Form()}))
    assert "w-field--select" in html
