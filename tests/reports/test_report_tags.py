"""The figures, bars and cells of the report screens, as the templates write them."""

import datetime

from django.template import Context, Template
from django.utils import translation

from lms.reports.reports import Link

LOAD = "{% load reports_tags %}"


def _render(source: str, **values) -> str:
    return Template(LOAD + source).render(Context(values))


def test_a_count_links_to_its_students_and_escapes_the_address():
    html = _render("{% report_count url count %}", url="/students/?stage=enrolled&a=<b>", count=42)
    assert html == '<a href="/students/?stage=enrolled&amp;a=&lt;b&gt;">42</a>'
    assert _render("{% report_count url count %}", url="", count=7) == "7"


def test_a_bar_is_hidden_from_screen_readers_and_its_width_is_never_localised():
    with translation.override("fr"):
        html = _render('{% report_bar width "hatched" %}', width=12.5)
    assert 'width="12.5%"' in html  # not 12,5 in French: SVG wants a dot
    assert 'aria-hidden="true"' in html
    assert "reports-bar--hatched" in html


def test_a_cell_is_a_dash_when_empty_a_link_when_a_link_and_escaped_otherwise():
    assert _render("{% report_cell value %}", value=None) == "\N{EN DASH}"
    assert _render("{% report_cell value %}", value="") == "\N{EN DASH}"
    assert _render("{% report_cell value %}", value=0) == "0"
    assert _render("{% report_cell value %}", value="<script>") == "&lt;script&gt;"
    link = Link("https://lms.example/verify/ABCD-1234/")
    assert _render("{% report_cell value %}", value=link) == (
        '<a href="https://lms.example/verify/ABCD-1234/">https://lms.example/verify/ABCD-1234/</a>'
    )


def test_a_date_cell_is_written_as_the_readers_language_writes_dates():
    day = datetime.date(2026, 3, 5)
    with translation.override("fr"):
        assert _render("{% report_cell value %}", value=day) == "5 mars 2026"
    with translation.override("en"):
        assert _render("{% report_cell value %}", value=day) == "March 5, 2026"
