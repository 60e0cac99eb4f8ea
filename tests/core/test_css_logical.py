"""Right-to-left pages mirror only if no rule pins anything to the physical left or right.

The stylesheet and every template's inline styles use logical properties
(``margin-inline-start``, ``inset-inline-end``, ``text-align: start``…), which the
browser maps to left or right from the page's ``dir``. A physical ``left``/``right``
rule stays put in Arabic, so one slipping in is caught here rather than by a reader.
"""

import re
from pathlib import Path

from django.conf import settings

import pytest

ROOT = Path(settings.BASE_DIR)

# Files that may keep physical sides, each with the reason. Paths are relative to the repository.
ALLOWED = {
    # The certificate and transcript PDFs are fixed A4 sheets drawn by WeasyPrint: the page
    # background sits at the sheet's corner and the footer bands are inset equally from both
    # edges, so the layout is symmetric and identical in either direction.
    "certificates/templates/certificates/pdf/certificate.css",
}

PHYSICAL = re.compile(
    r"""
    (?<![\w-])(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:left|right)(?![\w-])
    | (?<![\w-])border-(?:top|bottom)-(?:left|right)-radius
    | (?<![\w-])(?:left|right)\s*:
    | (?<![\w-])(?:text-align|float|clear|caption-side)\s*:\s*(?:left|right)\b
    | (?<![\w-])background-position(?:-x)?\s*:[^;"]*\b(?:left|right)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)

# In templates only the styling counts: prose such as "Time left: 5 minutes" is not CSS.
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*(["'])(.*?)\1""", re.DOTALL | re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def physical_rules(css: str) -> list[str]:
    """The physical left/right declarations in a piece of CSS, comments left out."""
    return [match.group(0) for match in PHYSICAL.finditer(COMMENT.sub("", css))]


def template_styles(html: str) -> str:
    """Everything in a template that is CSS: style attributes and <style> elements."""
    parts = [match.group(2) for match in STYLE_ATTRIBUTE.finditer(html)]
    parts += [match.group(1) for match in STYLE_ELEMENT.finditer(html)]
    return "\n".join(parts)


def _project_files(pattern: str) -> list[Path]:
    skipped = {".venv", "node_modules", ".git", "staticfiles", "media"}
    return sorted(path for path in ROOT.rglob(pattern) if not skipped.intersection(path.relative_to(ROOT).parts))


def _offences(paths, extract) -> dict[str, list[str]]:
    offences = {}
    for path in paths:
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED:
            continue
        found = physical_rules(extract(path.read_text(encoding="utf-8")))
        if found:
            offences[relative] = found
    return offences


def test_stylesheets_use_logical_properties_only():
    stylesheets = _project_files("*.css")
    assert ROOT / "static/css/site.css" in stylesheets
    offences = _offences(stylesheets, lambda text: text)
    assert not offences, f"physical left/right rules (use logical properties): {offences}"


def test_templates_use_logical_properties_in_inline_styles():
    templates = _project_files("*.html")
    assert ROOT / "lms/templates/base.html" in templates
    offences = _offences(templates, template_styles)
    assert not offences, f"physical left/right rules in templates (use logical properties): {offences}"


def test_allow_list_names_files_that_exist():
    """A stale entry would let a new file of the same name through unnoticed."""
    missing = [path for path in ALLOWED if not (ROOT / path).is_file()]
    assert not missing


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-left: 1rem }",
        ".a { padding-right:0 }",
        ".a { border-left: 3px solid red }",
        ".a { border-top-right-radius: 4px }",
        ".a { position: absolute; left: 0 }",
        ".a { right:2px }",
        ".a { text-align: right }",
        ".a { float: left }",
        ".a { clear: right }",
        ".a { background-position: right 1rem center }",
    ],
)
def test_physical_rules_are_found(css):
    assert physical_rules(css)


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-inline-start: 1rem; padding-inline-end: 0 }",
        ".a { border-inline-start: 3px solid red; inset-inline-end: 0 }",
        ".a { text-align: start; float: inline-start }",
        "/* margin-left is what we used to write */ .a { margin: 0 }",
        ".time-left { color: red }",
    ],
)
def test_logical_rules_pass(css):
    assert not physical_rules(css)


def test_template_prose_is_not_mistaken_for_css():
    html = '<p>Time left: 5 minutes</p><div style="margin-right: 1rem"></div><style>.x{left:0}</style>'
    assert physical_rules(template_styles(html)) == ["margin-right", "left:"]
