"""Reads the demo curriculum files (lms/demo/curriculum/*.txt) into page data.

The format is line based: ``key: value`` header lines, then modules opened by
``=== module: Title``; a module body holds ``## headings``, paragraphs,
``- `` bullets, ``!callout <kind>: Title | text``, ``!terms:`` blocks of
``term | definition`` lines and ``!case: Title`` ... ``!endcase``.

A callout's kind is written out, never guessed from its title, so that a
translation keeps it whatever its title says ("Remember", "À retenir" and
"تذكّر" are all ``!callout important:``): one of ``CALLOUT_KINDS``, the kinds of
courses.blocks.CalloutBlock. A callout without a kind, or with another, is
refused with the file and line, like every other mistake in these files.
"""

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

CURRICULUM_DIR = Path(__file__).resolve().parent / "curriculum"

_BOLD = re.compile(r"\*\*(.+?)\*\*")
# The kinds of courses.blocks.CalloutBlock (tests/demo/test_curriculum_callouts.py checks they agree).
CALLOUT_KINDS = ("note", "important", "discussion")
_CALLOUT = re.compile(r"!callout(?:[ \t]+(?P<kind>[^\s:]*))?[ \t]*:(?P<rest>.*)", re.DOTALL)
_ITALIC = re.compile(r"\*(.+?)\*")


class CurriculumError(ValueError):
    pass


@dataclass
class Module:
    title: str
    slug: str = ""
    minutes: int = 10
    blocks: list = field(default_factory=list)
    words: int = 0


@dataclass
class Course:
    title: str = ""
    slug: str = ""
    theme: str = ""
    level: str = ""
    hours: int = 1
    language: str = "en"
    policy: str = "open"
    prerequisites: list = field(default_factory=list)
    summary: str = ""
    audience: str = ""
    outcomes: list = field(default_factory=list)
    modules: list = field(default_factory=list)


def inline(text: str) -> str:
    """Escape text and turn **bold** and *italic* into HTML."""
    escaped = html.escape(text, quote=False)
    return _ITALIC.sub(r"<i>\1</i>", _BOLD.sub(r"<b>\1</b>", escaped))


def _plain(text: str) -> str:
    return text.replace("**", "").replace("*", "")


def _paragraphs_html(chunks: list[list[str]]) -> str:
    parts = []
    for chunk in chunks:
        if chunk and all(line.startswith("- ") for line in chunk):
            parts.append("<ul>" + "".join(f"<li>{inline(line[2:].strip())}</li>" for line in chunk) + "</ul>")
        else:
            parts.append(f"<p>{inline(' '.join(line.strip() for line in chunk))}</p>")
    return "".join(parts)


def _split_chunks(lines: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """Blank-line separated chunks of ``(line number, line)`` pairs: each chunk's first line number and lines."""
    chunks, current, first = [], [], 0

    def close():
        nonlocal current
        if current:
            chunks.append((first, current))
            current = []

    for number, line in lines:
        # Markers open a chunk of their own even without a blank line before them;
        # !endcase and callouts are a whole chunk.
        if line.startswith(("## ", "!case:", "!callout", "!terms:", "!endcase")):
            close()
        if line.startswith(("!endcase", "!callout")):
            chunks.append((number, [line.strip()]))
            continue
        if line.strip():
            if not current:
                first = number
            current.append(line)
        else:
            close()
    close()
    return chunks


def _callout(line: str, where: str) -> dict:
    """A ``!callout <kind>: Title | text`` line as a callout block."""
    match = _CALLOUT.fullmatch(line)
    kinds = ", ".join(CALLOUT_KINDS)
    if match is None or not match.group("kind"):
        raise CurriculumError(f"{where}: a callout is written '!callout <kind>: Title | text', the kind one of {kinds}")
    kind = match.group("kind")
    if kind not in CALLOUT_KINDS:
        raise CurriculumError(f"{where}: unknown callout kind {kind!r} (one of {kinds})")
    title, sep, text = match.group("rest").partition("|")
    if not sep or not title.strip() or not text.strip():
        raise CurriculumError(f"{where}: a callout needs 'Title | text' after its kind")
    value = {"kind": kind, "title": title.strip(), "text": f"<p>{inline(text.strip())}</p>"}
    return {"type": "callout", "value": value}


def _module_blocks(lines: list[tuple[int, str]], file: str) -> tuple[list, int]:
    """Turn a module body (numbered lines) into StreamField raw data and count its words."""
    blocks, pending, words = [], [], 0

    def flush():
        if pending:
            blocks.append({"type": "paragraph", "value": _paragraphs_html(pending)})
            pending.clear()

    chunks = _split_chunks(lines)
    i = 0
    while i < len(chunks):
        number, chunk = chunks[i]
        where = f"{file}:{number}"
        first = chunk[0]
        words += sum(len(_plain(line).replace("|", " ").split()) for line in chunk)
        if first.startswith("## "):
            flush()
            blocks.append({"type": "heading", "value": {"text": first[3:].strip(), "level": "h2"}})
            if len(chunk) > 1:
                pending.append(chunk[1:])
        elif first.startswith("!callout"):
            flush()
            blocks.append(_callout(first, where))
        elif first.startswith("!terms:"):
            flush()
            terms = []
            for offset, line in enumerate(chunk[1:], start=1):
                term, sep, definition = line.partition("|")
                if not sep:
                    raise CurriculumError(
                        f"{file}:{number + offset}: a key term needs 'term | definition', got {line!r}"
                    )
                terms.append({"term": term.strip(), "definition": definition.strip()})
            blocks.append({"type": "key_terms", "value": {"title": "", "terms": terms}})
        elif first.startswith("!case:"):
            flush()
            title = first[len("!case:") :].strip()
            body = [chunk[1:]] if len(chunk) > 1 else []
            while True:
                i += 1
                if i >= len(chunks):
                    raise CurriculumError(f"{where}: case study {title!r} has no !endcase")
                nxt = chunks[i][1]
                if nxt[0].strip() == "!endcase":
                    break
                words += sum(len(_plain(line).split()) for line in nxt)
                body.append(nxt)
            blocks.append(
                {"type": "case_study", "value": {"title": title, "body": _paragraphs_html(body), "questions": []}}
            )
        else:
            pending.append(chunk)
        i += 1
    flush()
    return blocks, words


def file_label(path: Path) -> str:
    """How errors name a curriculum file: with its folder, so the French file is not taken for the English."""
    return f"{path.parent.name}/{path.name}"


def parse(path: Path) -> Course:
    """A course file as a Course; CurriculumError names the file and line of any mistake."""
    course = Course()
    label = file_label(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines) and not lines[i].startswith("=== module:"):
        key, sep, value = lines[i].partition(":")
        if sep and key.strip():
            key, value = key.strip(), value.strip()
            if key == "outcome":
                course.outcomes.append(value)
            elif key == "prerequisites":
                course.prerequisites = [slug.strip() for slug in value.split(",") if slug.strip()]
            elif key == "hours":
                course.hours = int(value)
            elif hasattr(course, key):
                setattr(course, key, value)
            else:
                raise CurriculumError(f"{label}:{i + 1}: unknown header {key!r}")
        i += 1
    while i < len(lines):
        module = Module(title=lines[i][len("=== module:") :].strip())
        i += 1
        while i < len(lines) and lines[i].strip() and not lines[i].startswith("=== module:"):
            key, _, value = lines[i].partition(":")
            if key.strip() == "slug":
                module.slug = value.strip()
            elif key.strip() == "minutes":
                module.minutes = int(value)
            i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("=== module:"):
            body.append((i + 1, lines[i]))
            i += 1
        module.blocks, module.words = _module_blocks(body, label)
        course.modules.append(module)
    for required in ("title", "slug", "theme", "level", "summary"):
        if not getattr(course, required):
            raise CurriculumError(f"{label}: header {required!r} is missing")
    return course


def load_all(directory: Path = CURRICULUM_DIR) -> list[Course]:
    return [parse(path) for path in sorted(directory.glob("*.txt"))]
