"""Grading rules, as pure functions of a question snapshot and an answer.

A snapshot is the frozen form of a question (``question_snapshot``); an answer
is what the student sent, already checked by ``answer_clean``:

- single choice, true/false: ``{"option": <option id>}``
- multiple choice: ``{"options": [<option id>, ...]}``
- short answer, essay: ``{"text": "..."}``
- numeric: ``{"number": "12.5"}`` (a decimal as a string)

``grade`` returns the points earned, or None for an essay (graded by hand).

A short answer is right when it is one of the accepted answers once both are
put in the same form (lms.core.text.answer_normalise): Unicode compatibility
forms (NFKC), typographic apostrophes, quotes and dashes, runs of spaces and
punctuation around the answer set aside; in Arabic the harakat, the tatweel,
the alef's hamza, alef maqsura and yeh, taa marbuta and heh, and Arabic-Indic
digits; in Russian the dots of yo. Latin accents never count (élite = elite): students on
a foreign keyboard often cannot type them, and on this platform no answer turns
on an accent. Case counts only when the question says "case matters". An answer
(or an accepted answer) of nothing but spaces and punctuation matches nothing.

The comparison is made at grading time from the accepted answers the attempt
froze; nothing normalised is stored, so a change to these rules reaches old
attempts only when a question is regraded (``question_regrade``), which
records every grade it changes. These rules accept every answer the earlier
ones did (bar an answer of nothing but punctuation), so such a regrade can only
give points, never take them away.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from lms.core.text import answer_normalise

from .models import QuestionType, ScoringRule
from .translation import question_translation_usable

MAX_TEXT = 20_000  # characters of an essay or short answer


class AnswerInvalid(ValueError):
    """An answer that does not fit its question; the message says why, for the student."""


def question_snapshot(question, *, option_order=None, translation=None, source_language=None) -> dict:
    """Everything needed to show and grade the question later, whatever happens to it.

    ``translation``: the question's wording in the student's language (a
    ``QuestionTranslation`` with its options), used only when it is up to date
    with the source and covers every option (``question_translation_usable``);
    otherwise the snapshot is the source's, wording and key. The options keep
    the source's ids and correctness, matched by id; their source text stays
    beside the translated one (``source_text``) for the statistics. A short
    answer accepts the source's accepted answers and the translation's.
    ``language`` says in which language the wording is.
    """
    options = list(question.options.all())
    if option_order is not None:
        by_id = {option.pk: option for option in options}
        options = [by_id[pk] for pk in option_order]
    snapshot = {
        "question_id": question.pk,
        "type": question.type,
        "title": question.title,
        "prompt": question.prompt,
        "image_id": question.image_id,
        "points": str(question.points),
        "options": [{"id": o.pk, "text": o.text, "is_correct": o.is_correct, "feedback": o.feedback} for o in options],
        "scoring_rule": question.scoring_rule,
        "accepted_answers": question.accepted_answer_list,
        "case_sensitive": question.case_sensitive,
        "numeric_answer": None if question.numeric_answer is None else str(question.numeric_answer),
        "numeric_tolerance": str(question.numeric_tolerance),
        "rubric": question.rubric,
        "explanation": question.explanation,
        "language": source_language or settings.LANGUAGE_CODE,
    }
    if question_translation_usable(question, translation):
        wording = {option.option_id: option for option in translation.options.all()}
        snapshot["language"] = translation.language
        snapshot["prompt"] = translation.prompt
        snapshot["explanation"] = translation.explanation
        snapshot["options"] = [
            dict(o, text=wording[o["id"]].text, feedback=wording[o["id"]].feedback, source_text=o["text"])
            for o in snapshot["options"]
        ]
        extra = [text for text in translation.accepted_answer_list if text not in snapshot["accepted_answers"]]
        snapshot["accepted_answers_shown"] = translation.accepted_answer_list or snapshot["accepted_answers"]
        snapshot["accepted_answers"] = snapshot["accepted_answers"] + extra
    return snapshot


def answer_clean(snapshot: dict, raw) -> dict | None:
    """The answer in its stored form, or None for "no answer"; AnswerInvalid when it cannot be."""
    return answer_shape_clean(snapshot["type"], {option["id"] for option in snapshot["options"]}, raw)


def answer_shape_clean(kind: str, option_ids, raw) -> dict | None:
    """``answer_clean`` from the question's type and option ids alone (what autosave keeps per attempt)."""
    if raw is None or raw == "" or raw == []:
        return None
    if kind in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        option = _integer(raw)
        if option not in option_ids:
            raise AnswerInvalid(_("That option is not one of this question's options."))
        return {"option": option}
    if kind == QuestionType.MULTIPLE:
        values = raw if isinstance(raw, list) else [raw]
        chosen = {_integer(value) for value in values}
        if not all(option in option_ids for option in chosen):  # None (not an id) is in no question
            raise AnswerInvalid(_("That option is not one of this question's options."))
        return {"options": sorted(chosen)}
    if kind in (QuestionType.SHORT_ANSWER, QuestionType.ESSAY):
        if not isinstance(raw, str):
            raise AnswerInvalid(_("The answer must be text."))
        if len(raw) > MAX_TEXT:
            raise AnswerInvalid(_("The answer is too long (at most %(count)s characters).") % {"count": MAX_TEXT})
        return {"text": raw} if raw.strip() else None
    if kind == QuestionType.NUMERIC:
        text = str(raw).strip().replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation as error:
            raise AnswerInvalid(_("Enter a number, for example 12.5.")) from error
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise AnswerInvalid(_("Enter a number, for example 12.5."))
        return {"number": str(number)}
    raise AnswerInvalid(_("Unknown question type."))


def _integer(value) -> int | None:
    """An option id: an int, or a string of ASCII digits; never a bool, a float or "²"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def short_answer_matches(given: str, accepted_answers, *, case_sensitive: bool) -> bool:
    """Whether ``given`` is one of ``accepted_answers`` (the module docstring says what is set aside)."""
    given = answer_normalise(given, case_sensitive=case_sensitive)
    if not given:
        return False
    return any(given == answer_normalise(text, case_sensitive=case_sensitive) for text in accepted_answers)


def grade(snapshot: dict, answer: dict | None) -> Decimal | None:
    """Points earned, rounded to hundredths; None for an essay (graded by an instructor)."""
    kind = snapshot["type"]
    points = Decimal(snapshot["points"])
    if kind == QuestionType.ESSAY:
        return None
    if answer is None:
        return Decimal("0.00")
    fraction = Decimal(0)
    if kind in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        correct = {o["id"] for o in snapshot["options"] if o["is_correct"]}
        fraction = Decimal(1) if answer.get("option") in correct else Decimal(0)
    elif kind == QuestionType.MULTIPLE:
        fraction = _multiple_fraction(snapshot, set(answer.get("options", [])))
    elif kind == QuestionType.SHORT_ANSWER:
        matches = short_answer_matches(
            answer.get("text", ""), snapshot["accepted_answers"], case_sensitive=snapshot["case_sensitive"]
        )
        fraction = Decimal(1) if matches else Decimal(0)
    elif kind == QuestionType.NUMERIC and snapshot["numeric_answer"] is not None:
        difference = abs(Decimal(answer["number"]) - Decimal(snapshot["numeric_answer"]))
        fraction = Decimal(1) if difference <= Decimal(snapshot["numeric_tolerance"]) else Decimal(0)
    return (points * fraction).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _multiple_fraction(snapshot: dict, chosen: set) -> Decimal:
    correct = {o["id"] for o in snapshot["options"] if o["is_correct"]}
    wrong = {o["id"] for o in snapshot["options"] if not o["is_correct"]}
    if snapshot["scoring_rule"] == ScoringRule.ALL_OR_NOTHING or not correct:
        return Decimal(1) if chosen == correct else Decimal(0)
    # Partial: +1/|correct| per correct option chosen, -1/|wrong| per wrong one, never below zero.
    earned = Decimal(len(chosen & correct)) / len(correct)
    lost = Decimal(len(chosen & wrong)) / len(wrong) if wrong else Decimal(0)
    return max(Decimal(0), earned - lost)


def is_correct(snapshot: dict, points_awarded) -> bool | None:
    if points_awarded is None:
        return None
    return Decimal(points_awarded) >= Decimal(snapshot["points"])


def student_view(snapshot: dict) -> dict:
    """The snapshot without anything that gives the answer away: what reaches the browser before grading."""
    return {
        "type": snapshot["type"],
        "prompt": snapshot["prompt"],
        "image_id": snapshot["image_id"],
        "points": snapshot["points"],
        "options": [{"id": o["id"], "text": o["text"]} for o in snapshot["options"]],
        "language": snapshot.get("language", settings.LANGUAGE_CODE),
    }
