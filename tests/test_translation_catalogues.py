"""The interface's translation catalogues are complete, current and safe to format.

A string left untranslated or fuzzy shows in English to a reader of another language; a
placeholder that differs from the source's raises at run time or prints the wrong value; a
string added to the code but not to the catalogues is untranslated everywhere. Each of these
fails here, naming the entries.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import polib
import pytest

BASE_DIR = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# %(name)s, %s, %d, %%… (Python's % formatting) and {name}, {0} (str.format).
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^{}]*\}")


# What `make messages` ignores, and what is no source at all.
SKIPPED_FOR_EXTRACTION = {
    *("tests", "docs", "scripts", "static"),
    *("staticfiles", "media", "media-test", "private-media", "var"),
}


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text)) - {"%%"}


def _name(entry) -> str:
    return f"{entry.msgctxt}|{entry.msgid!r}" if entry.msgctxt else repr(entry.msgid)


def _problems(entry) -> list[str]:
    problems = []
    if "fuzzy" in entry.flags:
        problems.append("fuzzy")
    if entry.msgid_plural:
        forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
        if not forms or not all(form.strip() for form in forms):
            problems.append("a plural form is untranslated")
        source = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural)
        for index, form in enumerate(forms):
            # A form may leave the count out ("one essay"), never bring in a placeholder of its own.
            if extra := _placeholders(form) - source:
                problems.append(f"plural form {index} has placeholders the source lacks: {sorted(extra)}")
        if forms and (missing := _placeholders(entry.msgid_plural) - _placeholders(forms[-1])):
            problems.append(f"the last plural form lacks {sorted(missing)}")
    else:
        if not entry.msgstr.strip():
            problems.append("untranslated")
        elif _placeholders(entry.msgstr) != _placeholders(entry.msgid):
            problems.append(
                f"placeholders {sorted(_placeholders(entry.msgstr))} differ from the source's "
                f"{sorted(_placeholders(entry.msgid))}"
            )
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_not_fuzzy_and_keeps_the_placeholders(language):
    catalogue = _catalogue(language)
    assert len(catalogue) > 1000, "the catalogue should hold the whole interface"
    assert catalogue.metadata.get("Language") == language
    assert "nplurals=" in catalogue.metadata.get("Plural-Forms", "")
    problems = [f"{_name(entry)}: {', '.join(found)}" for entry in catalogue if (found := _problems(entry))]
    assert not problems, f"{len(problems)} entries of the {language} catalogue need work:\n" + "\n".join(problems[:40])


def test_the_checks_catch_what_they_are_for():
    """The rules above, on entries made to break them (so the test above cannot pass by checking nothing)."""
    assert _problems(polib.POEntry(msgid="Enrolled", msgstr="")) == ["untranslated"]
    assert _problems(polib.POEntry(msgid="Enrolled", msgstr="Inscrit", flags=["fuzzy"])) == ["fuzzy"]
    assert _problems(polib.POEntry(msgid="Hello %(name)s", msgstr="Bonjour %(nom)s"))
    assert _problems(polib.POEntry(msgid="{count} left", msgstr="reste"))
    assert not _problems(polib.POEntry(msgid="%(number)s%%", msgstr="%(number)s %%"))
    plural = polib.POEntry(
        msgid="%(count)s essay", msgid_plural="%(count)s essays", msgstr_plural={0: "un essai", 1: "essais"}
    )
    assert _problems(plural) == ["the last plural form lacks ['%(count)s']"]
    plural.msgstr_plural = {0: "un essai", 1: "%(count)s essais"}
    assert not _problems(plural)


def test_the_catalogues_hold_every_string_of_the_code(tmp_path):
    """makemessages over a copy of the sources finds no string the catalogues lack (run `make messages`)."""
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext's xgettext is needed to extract strings: `make test` installs gettext")
    ignored = shutil.ignore_patterns(".*", "__pycache__", "*.mo")
    for entry in BASE_DIR.iterdir():
        if entry.name in SKIPPED_FOR_EXTRACTION or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, tmp_path / entry.name, ignore=ignored)
        elif entry.suffix == ".py":
            shutil.copy(entry, tmp_path / entry.name)
    language = LANGUAGES[0]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", language, "--no-obsolete", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "lms.settings.test", "SECRET_KEY": "catalogue-test"},
    )
    extracted = polib.pofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"))
    found = {(entry.msgctxt, entry.msgid) for entry in extracted}
    held = {(entry.msgctxt, entry.msgid) for entry in _catalogue(language) if not entry.obsolete}
    missing = sorted(found - held, key=str)
    assert not missing, f"{len(missing)} strings of the code are in no catalogue (run `make messages`):\n" + "\n".join(
        f"{context}|{msgid!r}" if context else repr(msgid) for context, msgid in missing[:40]
    )


def test_wagtails_admin_speaks_portuguese_though_it_ships_only_regional_portuguese():
    """Wagtail translates pt_BR and pt_PT, not "pt": catalogues_compile merges pt_BR for it (var/locale)."""
    from django.utils import translation

    import wagtail

    regional = polib.mofile(str(Path(wagtail.__file__).parent / "snippets/locale/pt_BR/LC_MESSAGES/django.mo"))
    expected = next(entry.msgstr for entry in regional if entry.msgid == "Snippets" and not entry.msgctxt)
    assert expected != "Snippets"
    with translation.override("pt"):
        assert translation.gettext("Snippets") == expected
    with translation.override("fr"):
        assert translation.gettext("Snippets") != expected, "other languages keep their own"
