"""Reads the demo question banks and assessments (lms/demo/curriculum/questions/*.txt).

One file per course. Line based, like the curriculum files: ``key: value``
header lines (``course:``, and one ``category:`` line per category), then
blocks opened by ``=== question: Title`` or ``=== assessment: Title``.
Lines starting with ``#`` are comments.

A question block holds ``category:``, ``type:`` (single, multiple,
true_false, short_answer, numeric, essay), ``points:``, ``prompt:``,
``explanation:``, and by type: options as ``* correct option`` and
``- wrong option``, each with an optional ``| feedback``; ``scoring:``
(partial or all_or_nothing) for multiple choice; ``answer: true|false`` for
true/false; ``accepted:`` lines and ``case sensitive: yes`` for short answers;
``answer:`` and ``tolerance:`` for numeric; ``rubric:`` for essays.

An assessment block holds ``module:`` (a module slug; none for the whole
course), ``required:``, ``pass mark:``, ``time limit:`` (minutes),
``attempts:``, ``shuffle questions:``, ``shuffle options:``, ``layout:`` (one
or all), ``feedback:`` (immediate, after_close, never), ``instructions:``,
then its questions in order: ``question: <title>`` for a fixed question and
``draw: <category> | <count>`` for questions drawn at random.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lms.demo.curriculum import CURRICULUM_DIR, CurriculumError, inline

QUESTIONS_DIR = CURRICULUM_DIR / "questions"

TYPES = ("single", "multiple", "true_false", "short_answer", "numeric", "essay")
OPTION_TYPES = ("single", "multiple", "true_false")
TRUE_FALSE_TEXTS = ("True", "False")


@dataclass
class Option:
    text: str
    is_correct: bool
    feedback: str = ""


@dataclass
class QuestionSpec:
    title: str
    line: int
    category: str = ""
    type: str = ""
    points: Decimal = Decimal("1")
    prompt: str = ""
    explanation: str = ""
    options: list = field(default_factory=list)
    scoring: str = "partial"
    accepted: list = field(default_factory=list)
    case_sensitive: bool = False
    number: Decimal | None = None
    tolerance: Decimal = Decimal("0")
    rubric: str = ""

    @property
    def prompt_html(self) -> str:
        return f"<p>{inline(self.prompt)}</p>"

    @property
    def explanation_html(self) -> str:
        return f"<p>{inline(self.explanation)}</p>" if self.explanation else ""


@dataclass
class AssessmentSpec:
    title: str
    line: int
    module: str = ""
    required: bool = True
    pass_mark: int = 70
    time_limit: int | None = None
    attempts: int | None = None
    shuffle_questions: bool = False
    shuffle_options: bool = False
    layout: str = "one"
    feedback: str = "immediate"
    instructions: str = ""
    # ("question", title) or ("draw", category, count), in order.
    items: list = field(default_factory=list)

    @property
    def instructions_html(self) -> str:
        return f"<p>{inline(self.instructions)}</p>" if self.instructions else ""


@dataclass
class Bank:
    course: str = ""
    categories: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    assessments: list = field(default_factory=list)


def _yes(value: str, where: str) -> bool:
    if value.lower() in ("yes", "true"):
        return True
    if value.lower() in ("no", "false"):
        return False
    raise CurriculumError(f"{where}: expected yes or no, got {value!r}")


def _decimal(value: str, where: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise CurriculumError(f"{where}: {value!r} is not a number") from error
    if not number.is_finite():
        raise CurriculumError(f"{where}: {value!r} is not a number")
    return number


def _integer(value: str, where: str) -> int:
    try:
        return int(value)
    except ValueError as error:
        raise CurriculumError(f"{where}: {value!r} is not a whole number") from error


def _question_line(question: QuestionSpec, line: str, where: str) -> None:
    if line.startswith(("* ", "- ")):
        text, _, feedback = line[2:].partition("|")
        question.options.append(Option(text.strip(), line.startswith("*"), feedback.strip()))
        return
    key, sep, value = line.partition(":")
    key, value = key.strip().lower(), value.strip()
    if not sep:
        raise CurriculumError(f"{where}: expected 'key: value', '* option' or '- option', got {line!r}")
    if key == "category":
        question.category = value
    elif key == "type":
        if value not in TYPES:
            raise CurriculumError(f"{where}: unknown question type {value!r} (one of {', '.join(TYPES)})")
        question.type = value
    elif key == "points":
        question.points = _decimal(value, where)
    elif key in ("prompt", "explanation", "rubric"):
        setattr(question, key, value)
    elif key == "scoring":
        if value not in ("partial", "all_or_nothing"):
            raise CurriculumError(f"{where}: scoring is 'partial' or 'all_or_nothing', got {value!r}")
        question.scoring = value
    elif key == "accepted":
        question.accepted.append(value)
    elif key == "case sensitive":
        question.case_sensitive = _yes(value, where)
    elif key == "answer" and question.type == "true_false":
        truth = _yes(value, where)
        question.options = [Option(TRUE_FALSE_TEXTS[0], truth), Option(TRUE_FALSE_TEXTS[1], not truth)]
    elif key == "answer":
        question.number = _decimal(value, where)
    elif key == "tolerance":
        question.tolerance = _decimal(value, where)
    else:
        raise CurriculumError(f"{where}: unknown question field {key!r}")


def _assessment_line(assessment: AssessmentSpec, line: str, where: str) -> None:
    key, sep, value = line.partition(":")
    key, value = key.strip().lower(), value.strip()
    if not sep:
        raise CurriculumError(f"{where}: expected 'key: value', got {line!r}")
    if key == "module":
        assessment.module = value
    elif key == "required":
        assessment.required = _yes(value, where)
    elif key == "pass mark":
        assessment.pass_mark = _integer(value.rstrip("%"), where)
    elif key == "time limit":
        assessment.time_limit = _integer(value, where) if value else None
    elif key == "attempts":
        assessment.attempts = _integer(value, where) if value else None
    elif key in ("shuffle questions", "shuffle options"):
        setattr(assessment, key.replace(" ", "_"), _yes(value, where))
    elif key == "layout":
        if value not in ("one", "all"):
            raise CurriculumError(f"{where}: layout is 'one' or 'all', got {value!r}")
        assessment.layout = value
    elif key == "feedback":
        if value not in ("immediate", "after_close", "never"):
            raise CurriculumError(f"{where}: feedback is 'immediate', 'after_close' or 'never', got {value!r}")
        assessment.feedback = value
    elif key == "instructions":
        assessment.instructions = value
    elif key == "question":
        assessment.items.append(("question", value))
    elif key == "draw":
        category, bar, count = value.partition("|")
        if not bar:
            raise CurriculumError(f"{where}: a draw needs 'category | count', got {value!r}")
        assessment.items.append(("draw", category.strip(), _integer(count.strip(), where)))
    else:
        raise CurriculumError(f"{where}: unknown assessment field {key!r}")


def _check_question(question: QuestionSpec, bank: Bank, where: str) -> None:
    if not question.type:
        raise CurriculumError(f"{where}: the question has no type")
    if not question.prompt:
        raise CurriculumError(f"{where}: the question has no prompt")
    if question.category and question.category not in bank.categories:
        raise CurriculumError(f"{where}: category {question.category!r} is not declared in the file's header")
    if question.points < Decimal("0.5"):
        raise CurriculumError(f"{where}: a question is worth at least 0.5 points")
    correct = sum(option.is_correct for option in question.options)
    if question.type in OPTION_TYPES:
        if len(question.options) < 2:
            raise CurriculumError(f"{where}: a {question.type} question needs at least two options")
        if question.type != "multiple" and correct != 1:
            raise CurriculumError(f"{where}: a {question.type} question needs exactly one correct option")
        if question.type == "multiple" and correct < 1:
            raise CurriculumError(f"{where}: a multiple choice question needs at least one correct option")
    elif question.options:
        raise CurriculumError(f"{where}: a {question.type} question has no options")
    if question.type == "short_answer" and not question.accepted:
        raise CurriculumError(f"{where}: a short answer question needs at least one 'accepted:' line")
    if question.type == "numeric" and question.number is None:
        raise CurriculumError(f"{where}: a numeric question needs 'answer:'")
    if question.type == "essay" and not question.rubric:
        raise CurriculumError(f"{where}: an essay question needs a 'rubric:' for its graders")


def _check_assessment(assessment: AssessmentSpec, bank: Bank, where: str) -> None:
    titles = {question.title for question in bank.questions}
    if not assessment.items:
        raise CurriculumError(f"{where}: the assessment has no 'question:' or 'draw:' lines")
    if not 0 <= assessment.pass_mark <= 100:
        raise CurriculumError(f"{where}: the pass mark is a percentage (0 to 100)")
    for item in assessment.items:
        if item[0] == "question" and item[1] not in titles:
            raise CurriculumError(f"{where}: no question titled {item[1]!r} in this bank")
        if item[0] == "draw":
            pool = [q for q in bank.questions if q.category == item[1]]
            if not pool:
                raise CurriculumError(f"{where}: category {item[1]!r} holds no questions")
            if not 1 <= item[2] <= len(pool):
                raise CurriculumError(f"{where}: cannot draw {item[2]} of the {len(pool)} questions in {item[1]!r}")


def parse(path: Path) -> Bank:
    """One course's bank and assessments; CurriculumError names the file and line of any mistake."""
    bank = Bank()
    current = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("=== question:"):
            current = QuestionSpec(title=line[len("=== question:") :].strip(), line=number)
            if any(question.title == current.title for question in bank.questions):
                raise CurriculumError(f"{where}: a second question titled {current.title!r}")
            bank.questions.append(current)
        elif line.startswith("=== assessment:"):
            current = AssessmentSpec(title=line[len("=== assessment:") :].strip(), line=number)
            bank.assessments.append(current)
        elif current is None:
            key, sep, value = line.partition(":")
            if key.strip() == "course" and sep:
                bank.course = value.strip()
            elif key.strip() == "category" and sep:
                bank.categories.append(value.strip())
            else:
                raise CurriculumError(f"{where}: expected 'course:' or 'category:' before the first question")
        elif isinstance(current, QuestionSpec):
            _question_line(current, line, where)
        else:
            _assessment_line(current, line, where)
    if not bank.course:
        raise CurriculumError(f"{path.name}: header 'course' is missing")
    for question in bank.questions:
        _check_question(question, bank, f"{path.name}:{question.line} ({question.title})")
    for assessment in bank.assessments:
        _check_assessment(assessment, bank, f"{path.name}:{assessment.line} ({assessment.title})")
    return bank


def load_all(directory: Path = QUESTIONS_DIR) -> list[Bank]:
    return [parse(path) for path in sorted(directory.glob("*.txt"))]


def answer_for(snapshot: dict, *, correct: bool = True):
    """What a student would send for a question (an attempt's snapshot): the right answer, or a wrong one.

    Used by the demo's history of attempts, and by tests and benchmarks that
    need answers whose score they know. An essay gets a short text either way.
    """
    kind = snapshot["type"]
    right = [option["id"] for option in snapshot["options"] if option["is_correct"]]
    wrong = [option["id"] for option in snapshot["options"] if not option["is_correct"]]
    if kind in ("single", "true_false"):
        return right[0] if correct else wrong[0]
    if kind == "multiple":
        return right if correct else wrong[:1]
    if kind == "short_answer":
        return snapshot["accepted_answers"][0] if correct else "I do not know"
    if kind == "numeric":
        number = Decimal(snapshot["numeric_answer"])
        wrong_number = number + Decimal(snapshot["numeric_tolerance"]) + 1000
        return format((number if correct else wrong_number).normalize(), "f")
    return "Civilian oversight depends on law, institutions and skilled people on both sides."


# Translated banks ---------------------------------------------------------------------------
#
# lms/demo/curriculum/<language>/questions/<same name>.txt holds the same bank in another language: the
# same questions, categories and assessments in the same order, with the same types and answers; only
# the wording (titles included) is translated, and short answers' ``accepted:`` lines are the answers
# accepted in that language. They become translations of the source questions (assessments.translation),
# matched by position in the file; the options by position within their question.


def _translation_check(source: Bank, translated: Bank, where: str) -> None:
    """The translated file must be the source's bank, question for question and option for option."""
    if translated.course != source.course:
        raise CurriculumError(f"{where}: course {translated.course!r}, the source's is {source.course!r}")
    for kind, ours, theirs in (
        ("questions", source.questions, translated.questions),
        ("categories", source.categories, translated.categories),
        ("assessments", source.assessments, translated.assessments),
    ):
        if len(ours) != len(theirs):
            raise CurriculumError(f"{where}: {len(theirs)} {kind}, the source has {len(ours)}")
    for original, question in zip(source.questions, translated.questions, strict=True):
        at = f"{where}:{question.line} ({question.title})"
        if question.type != original.type:
            raise CurriculumError(f"{at}: type {question.type}, the source's {original.title!r} is {original.type}")
        if len(question.options) != len(original.options):
            raise CurriculumError(
                f"{at}: {len(question.options)} options, the source's {original.title!r} has {len(original.options)}"
            )
        if [o.is_correct for o in question.options] != [o.is_correct for o in original.options]:
            raise CurriculumError(f"{at}: the correct options are not the source's {original.title!r} correct ones")


def translations_load(*, source_dir: Path = QUESTIONS_DIR, root: Path = CURRICULUM_DIR) -> dict[str, int]:
    """Load every translated bank found as translations of the source questions; new translations per language.

    Safe to run again: a question, category or assessment that already has a translation in a
    language keeps it (a translator may have corrected it since). A file that does not match its
    source raises CurriculumError and nothing of any file is written (one transaction).
    """
    from django.conf import settings
    from django.db import transaction

    from assessments.api import TranslationRefused

    counts: dict[str, int] = {}
    with transaction.atomic():
        for language, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            directory = root / language / "questions"
            if not directory.is_dir():
                continue
            counts[language] = 0
            for path in sorted(directory.glob("*.txt")):
                source_path = source_dir / path.name
                if not source_path.exists():
                    raise CurriculumError(f"{language}/questions/{path.name}: no source bank of that name")
                source, translated = parse(source_path), parse(path)
                _translation_check(source, translated, f"{language}/questions/{path.name}")
                try:
                    counts[language] += _bank_translate(source.course, source, translated, language)
                except TranslationRefused as refusal:
                    raise CurriculumError(f"{language}/questions/{path.name}: {refusal}") from refusal
    return counts


# The two options of a true/false question, per language (the files say only ``answer: true``).
TRUE_FALSE_TRANSLATED = {
    "fr": ("Vrai", "Faux"),
    "es": ("Verdadero", "Falso"),
    "pt": ("Verdadeiro", "Falso"),
    "ru": ("Верно", "Неверно"),
    "ar": ("صحيح", "خطأ"),
}


def _bank_translate(course: str, source: Bank, translated: Bank, language: str) -> int:
    """One course's translations in one language; how many questions were newly translated.

    ``course`` is the slug: the bank belongs to the source course page (its translations share the
    slug but hold no questions). A bank not loaded yet is skipped.
    """
    from assessments.api import (
        Assessment,
        OptionWording,
        Question,
        QuestionCategory,
        TranslationRefused,
        assessment_translation_save,
        category_translation_save,
        question_translation_save,
    )

    new = 0
    for name, translated_name in zip(source.categories, translated.categories, strict=True):
        category = QuestionCategory.objects.filter(course__slug=course, name=name).first()
        if category is not None and not category.translations.filter(language=language).exists():
            category_translation_save(category=category, language=language, name=translated_name)
    for original, spec in zip(source.questions, translated.questions, strict=True):
        question = (
            Question.objects.filter(course__slug=course, title=original.title).prefetch_related("options").first()
        )
        if question is None or question.translations.filter(language=language).exists():
            continue
        options = sorted(question.options.all(), key=lambda option: (option.sort_order or 0, option.pk))
        if len(options) != len(spec.options):
            raise TranslationRefused(
                f"{spec.title!r} has {len(spec.options)} options, the question in the database has {len(options)}"
            )
        texts = [wording.text for wording in spec.options]
        if tuple(texts) == TRUE_FALSE_TEXTS and language in TRUE_FALSE_TRANSLATED:  # written as ``answer:``
            texts = list(TRUE_FALSE_TRANSLATED[language])
        question_translation_save(
            question=question,
            language=language,
            prompt=spec.prompt_html,
            explanation=spec.explanation_html,
            accepted_answers="\n".join(spec.accepted),
            options=[
                OptionWording(option.pk, text, wording.feedback)
                for option, wording, text in zip(options, spec.options, texts, strict=True)
            ],
        )
        new += 1
    for original, spec in zip(source.assessments, translated.assessments, strict=True):
        assessment = Assessment.objects.filter(course__slug=course, title=original.title).first()
        if assessment is not None and not assessment.translations.filter(language=language).exists():
            assessment_translation_save(
                assessment=assessment, language=language, title=spec.title, instructions=spec.instructions_html
            )
    return new
