"""Grading rules for every question type, on snapshots (no database needed for the rules themselves)."""

from decimal import Decimal

import pytest

from assessments.grading import AnswerInvalid, answer_clean, grade, student_view


def _snapshot(kind, options=(), points="2", **rules):
    snapshot = {
        "type": kind,
        "points": points,
        "options": [{"id": i, "text": t, "is_correct": c, "feedback": ""} for i, (t, c) in enumerate(options, 1)],
        "scoring_rule": "partial",
        "accepted_answers": [],
        "case_sensitive": False,
        "numeric_answer": None,
        "numeric_tolerance": "0",
        "prompt": "<p>?</p>",
        "image_id": None,
        "explanation": "<p>Because.</p>",
    }
    snapshot.update(rules)
    return snapshot


SINGLE = _snapshot("single", [("A", False), ("B", True)])
MULTI = _snapshot("multiple", [("A", True), ("B", True), ("C", False), ("D", False)], points="4")


def test_single_choice_full_or_nothing():
    assert grade(SINGLE, answer_clean(SINGLE, "2")) == Decimal("2.00")
    assert grade(SINGLE, answer_clean(SINGLE, 1)) == Decimal("0.00")
    assert grade(SINGLE, None) == Decimal("0.00")


@pytest.mark.parametrize(
    "chosen,points",
    [([1, 2], "4.00"), ([1], "2.00"), ([1, 3], "0.00"), ([1, 2, 3], "2.00"), ([3, 4], "0.00"), ([], "0.00")],
)
def test_multiple_choice_partial_credit_never_below_zero(chosen, points):
    # +1/2 of the points per correct option chosen, -1/2 per wrong option chosen, floored at zero.
    assert grade(MULTI, answer_clean(MULTI, chosen)) == Decimal(points)


def test_multiple_choice_all_or_nothing():
    strict = dict(MULTI, scoring_rule="all_or_nothing")
    assert grade(strict, answer_clean(strict, [1, 2])) == Decimal("4.00")
    assert grade(strict, answer_clean(strict, [1])) == Decimal("0.00")


def test_short_answer_ignores_case_and_extra_spaces_unless_told():
    snapshot = _snapshot("short_answer", accepted_answers=["Security sector reform", "SSR"])
    assert grade(snapshot, answer_clean(snapshot, "  security   SECTOR reform ")) == Decimal("2.00")
    assert grade(snapshot, answer_clean(snapshot, "ssr")) == Decimal("2.00")
    strict = dict(snapshot, case_sensitive=True)
    assert grade(strict, answer_clean(strict, "ssr")) == Decimal("0.00")


def test_numeric_within_tolerance_and_decimal_commas():
    snapshot = _snapshot("numeric", numeric_answer="2.5", numeric_tolerance="0.1")
    assert grade(snapshot, answer_clean(snapshot, "2,45")) == Decimal("2.00")
    assert grade(snapshot, answer_clean(snapshot, "2.61")) == Decimal("0.00")


def test_essays_wait_for_an_instructor():
    snapshot = _snapshot("essay")
    assert grade(snapshot, answer_clean(snapshot, "My essay")) is None


@pytest.mark.parametrize(
    "snapshot,raw",
    [
        (SINGLE, "99"),
        (SINGLE, "abc"),
        (MULTI, [1, 99]),
        (_snapshot("numeric"), "twelve"),
        (_snapshot("numeric"), "NaN"),
        (_snapshot("numeric"), "1e400"),
        (_snapshot("essay"), 12),
        (_snapshot("essay"), "x" * 20_001),
    ],
)
def test_bad_answers_are_refused_with_a_message(snapshot, raw):
    with pytest.raises(AnswerInvalid) as error:
        answer_clean(snapshot, raw)
    assert str(error.value)


def test_the_student_view_gives_nothing_away():
    view = student_view(MULTI)
    text = repr(view)
    assert "is_correct" not in text and "explanation" not in text and "Because" not in text
    assert [o["text"] for o in view["options"]] == ["A", "B", "C", "D"]


@pytest.mark.parametrize("raw", [True, 2.9, "²", "2.0"])
def test_option_ids_must_be_whole_numbers(raw):
    with pytest.raises(AnswerInvalid):
        answer_clean(SINGLE, raw)
