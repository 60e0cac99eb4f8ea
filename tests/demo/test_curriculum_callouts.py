"""The demo curriculum's callouts: their kind is written in the file, so translations keep it."""

import re
from pathlib import Path

import pytest

from courses.blocks import CalloutBlock
from lms.demo import curriculum
from lms.demo.curriculum import CALLOUT_KINDS, CURRICULUM_DIR, CurriculumError, parse

HEADER = "title: Mini\nslug: mini\ntheme: Governance\nlevel: Foundation\nsummary: A small course.\n\n"


def _course(tmp_path: Path, body: str, folder: str = "fr") -> Path:
    (tmp_path / folder).mkdir(exist_ok=True)
    path = tmp_path / folder / "1-mini.txt"
    path.write_text(HEADER + "=== module: One\nslug: one\n\n" + body, encoding="utf-8")
    return path


def _callouts(course):
    return [block["value"] for module in course.modules for block in module.blocks if block["type"] == "callout"]


def test_the_parser_knows_exactly_the_callout_blocks_kinds():
    assert set(CALLOUT_KINDS) == {value for value, _ in CalloutBlock().child_blocks["kind"].field.choices}


def test_a_callout_takes_the_kind_written_whatever_its_title_says(tmp_path):
    body = (
        "Some text.\n"
        "!callout important: À retenir | Le contrôle civil est une **relation**.\n"
        "!callout discussion: نقاش | ما رأيك؟\n"
        "!callout note: Remember | Not important, whatever the title says.\n"
        "!callout  important : Spaces | Around the kind.\n"
    )
    callouts = _callouts(parse(_course(tmp_path, body)))
    assert [(c["kind"], c["title"]) for c in callouts] == [
        ("important", "À retenir"),
        ("discussion", "نقاش"),
        ("note", "Remember"),
        ("important", "Spaces"),
    ]
    assert callouts[0]["text"] == "<p>Le contrôle civil est une <b>relation</b>.</p>"


@pytest.mark.parametrize(
    "line,message",
    [
        ("!callout remember: À retenir | Texte.", "fr/1-mini.txt:13: unknown callout kind 'remember'"),
        ("!callout Important: Remember | Text.", "fr/1-mini.txt:13: unknown callout kind 'Important'"),
        ("!callout: Remember | Text.", "fr/1-mini.txt:13: a callout is written '!callout <kind>: Title | text'"),
        ("!callout important Remember | Text.", "fr/1-mini.txt:13: a callout is written"),
        ("!callout important: Remember", "fr/1-mini.txt:13: a callout needs 'Title | text'"),
        ("!callout important: | Text.", "fr/1-mini.txt:13: a callout needs 'Title | text'"),
    ],
)
def test_a_callout_without_a_known_kind_is_refused_naming_file_and_line(tmp_path, line, message):
    path = _course(tmp_path, "A paragraph\non two lines.\n\n" + line + "\n\nMore text.\n")
    with pytest.raises(CurriculumError, match=re.escape(message)) as refused:
        parse(path)
    assert "note, important, discussion" in str(refused.value) or "Title | text" in str(refused.value)


def test_other_mistakes_also_name_the_file_and_line(tmp_path):
    with pytest.raises(CurriculumError, match=re.escape("ar/1-mini.txt:14: a key term needs 'term | definition'")):
        parse(_course(tmp_path, "Text.\n\n!terms:\nterm | definition\nno bar here\n", folder="ar"))
    with pytest.raises(CurriculumError, match=re.escape("fr/1-mini.txt:10: case study 'Case' has no !endcase")):
        parse(_course(tmp_path, "!case: Case\nIt never ends.\n"))


def _demo_files():
    sources = sorted(CURRICULUM_DIR.glob("*.txt"))
    translated = [path for path in sorted(CURRICULUM_DIR.glob("*/*.txt")) if path.parent.name != "questions"]
    return sources, translated


def test_every_demo_translation_has_its_sources_callout_kinds_in_order():
    _, translated = _demo_files()
    assert translated, "the demo has French and Arabic courses"
    for path in translated:
        source = parse(CURRICULUM_DIR / path.name)
        kinds = [c["kind"] for c in _callouts(parse(path))]
        assert kinds == [c["kind"] for c in _callouts(source)], path
    # The French "À retenir" and the Arabic "تذكّر" are the source's important "Remember".
    french = _callouts(parse(CURRICULUM_DIR / "fr" / "1-civilian-control.txt"))
    arabic = _callouts(parse(CURRICULUM_DIR / "ar" / "1-civilian-control.txt"))
    assert ("important", "À retenir") in [(c["kind"], c["title"]) for c in french]
    assert ("important", "تذكّر") in [(c["kind"], c["title"]) for c in arabic]
    assert {c["kind"] for c in arabic} == set(CALLOUT_KINDS)


def test_the_demo_curriculum_uses_every_kind_and_loads():
    courses = curriculum.load_all()
    kinds = {c["kind"] for course in courses for c in _callouts(course)}
    assert kinds == set(CALLOUT_KINDS)


def test_the_french_remember_callout_is_shown_as_important(tmp_path):
    course = parse(_course(tmp_path, "!callout important: À retenir | Le contrôle civil est une relation.\n"))
    block = CalloutBlock()
    html = block.render(block.to_python(_callouts(course)[0]))
    assert 'class="callout callout--important"' in html
    assert "À retenir" in html and "Le contrôle civil est une relation." in html


def test_a_translation_whose_callout_kinds_differ_from_its_sources_is_refused_before_loading(tmp_path):
    from lms.demo.translations import translated_files

    def write(path: Path, language: str, callouts: str) -> None:
        path.parent.mkdir(exist_ok=True)
        module = "=== module: One\nslug: one\n\nText.\n\n"
        path.write_text(f"language: {language}\n" + HEADER + module + callouts, encoding="utf-8")

    write(tmp_path / "1-mini.txt", "en", "!callout important: Remember | Text.\n!callout note: Note | More.\n")
    translation = tmp_path / "fr" / "1-mini.txt"
    write(translation, "fr", "!callout important: À retenir | Texte.\n!callout note: Note | Plus.\n")
    assert [item.language for item in translated_files(tmp_path)] == ["fr"]
    write(translation, "fr", "!callout note: À retenir | Texte.\n!callout note: Note | Plus.\n")
    message = "fr/1-mini.txt: module 'one' has callouts ['note', 'note'], the source's are ['important', 'note']"
    with pytest.raises(CurriculumError, match=re.escape(message)):
        translated_files(tmp_path)
    write(translation, "fr", "!callout important: À retenir | Texte.\n")
    with pytest.raises(CurriculumError, match=re.escape("has callouts ['important'], the source's are")):
        translated_files(tmp_path)
