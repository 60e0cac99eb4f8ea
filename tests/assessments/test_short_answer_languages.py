# ruff: noqa: RUF001 - typographic apostrophes and Cyrillic letters are what is tested here
"""Short answers in every language: what a student types on their own keyboard is graded as they meant it."""

from decimal import Decimal

import pytest

from assessments.factories import AssessmentFactory, QuestionFactory
from assessments.models import AttemptQuestion, GradeChange
from assessments.services import answer_save, attempt_start, attempt_submit, question_regrade
from assessments.translation import question_translation_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_plans")]


def _short(course, accepted, **fields):
    return QuestionFactory(course=course, type="short_answer", accepted_answers=accepted, **fields)


def _scores(student, quiz, answers, language=None):
    """Submit one attempt per answer (each question answered in turn); the points of each."""
    points = []
    for text in answers:
        attempt = attempt_start(user=student, assessment=quiz, language=language)
        answer_save(user=student, attempt_id=attempt.pk, position=1, raw=text)
        attempt_submit(user=student, attempt_id=attempt.pk)
        points.append(attempt.questions.get(position=1).points_awarded)
    return points


def test_french_answers_match_without_accents_and_with_any_apostrophe(student, enrolment, course):
    question = _short(course, "the army")
    question_translation_save(
        question=question, language="fr", prompt="<p>Qui sert la nation ?</p>", accepted_answers="l’armée"
    )
    quiz = AssessmentFactory(course=course, questions=[question], attempts_allowed=None)
    typed = ["l'armée", "l’armée", "L'ARMEE", "l`armee", " « l’armée » . ", "la armée", "larmée"]
    assert _scores(student, quiz, typed, language="fr") == [Decimal("1.00")] * 5 + [Decimal("0.00")] * 2


def test_an_accent_insensitive_match_counts_even_when_case_matters(student, enrolment, course):
    question = _short(course, "Élite", case_sensitive=True)
    quiz = AssessmentFactory(course=course, questions=[question], attempts_allowed=None)
    assert _scores(student, quiz, ["Elite", "Élite", "élite", "ELITE"]) == [
        Decimal("1.00"),
        Decimal("1.00"),
        Decimal("0.00"),  # case matters: the capital is missing
        Decimal("0.00"),
    ]


def test_arabic_answers_match_with_or_without_harakat_hamza_and_tatweel(student, enrolment, course):
    question = _short(course, "civilian control")
    question_translation_save(
        question=question,
        language="ar",
        prompt="<p>ما المبدأ؟</p>",
        accepted_answers="الرقابة المدنية\nأمن",
    )
    quiz = AssessmentFactory(course=course, questions=[question], attempts_allowed=None)
    typed = [
        "الرَّقَابَةُ المَدَنِيَّةُ",  # fully vowelled
        "الرقـــابة المدنية",  # tatweel
        "الرقابه المدنيه",  # heh for taa marbuta
        "امن",  # alef without its hamza
        "أَمْن",
        "الرقابة المدنية؟",  # an Arabic question mark after it
        "الرقابة العسكرية",
        "آمن",  # "safe", not "security": the same letters once the hamza is set aside (the price of it)
    ]
    assert _scores(student, quiz, typed, language="ar") == [Decimal("1.00")] * 6 + [Decimal("0.00"), Decimal("1.00")]


def test_russian_yo_is_ye_but_short_i_is_its_own_letter(student, enrolment, course):
    question = _short(course, "ёмкость\nмой")
    quiz = AssessmentFactory(course=course, questions=[question], attempts_allowed=None)
    assert _scores(student, quiz, ["емкость", "Ёмкость", "мой", "мои"]) == [
        Decimal("1.00"),
        Decimal("1.00"),
        Decimal("1.00"),
        Decimal("0.00"),
    ]


def test_arabic_indic_digits_match_western_ones(student, enrolment, course):
    question = _short(course, "1949")
    quiz = AssessmentFactory(course=course, questions=[question], attempts_allowed=None)
    assert _scores(student, quiz, ["١٩٤٩", "۱۹۴۹", "1949.", "1950"]) == [Decimal("1.00")] * 3 + [Decimal("0.00")]


def test_blank_or_punctuation_only_answers_never_match(student, enrolment, course):
    # Even against an accepted answer that is itself only punctuation (a slip in the question bank).
    question = _short(course, "...\nParliament")
    quiz = AssessmentFactory(course=course, questions=[question], attempts_allowed=None)
    assert _scores(student, quiz, ["   ", "...", " ?! ", "«»", "\u200f"]) == [Decimal("0.00")] * 5


def test_regrading_applies_the_same_rules_to_attempts_graded_before_them(student, enrolment, course, instructor):
    question = _short(course, "élite\nl’armée")
    quiz = AssessmentFactory(course=course, questions=[question], attempts_allowed=None, pass_mark_percent=100)
    attempts = []
    for text in ("elite", "l'armée", "the navy"):
        attempt = attempt_start(user=student, assessment=quiz)
        answer_save(user=student, attempt_id=attempt.pk, position=1, raw=text)
        attempts.append(attempt_submit(user=student, attempt_id=attempt.pk))
    assert [attempt.passed for attempt in attempts] == [True, True, False]
    # Graded before accents and apostrophes were set aside: the first two were marked wrong then.
    AttemptQuestion.objects.filter(attempt__in=attempts[:2]).update(points_awarded=Decimal("0.00"))
    for attempt in attempts[:2]:
        type(attempt).objects.filter(pk=attempt.pk).update(score=Decimal("0.00"), passed=False)

    assert question_regrade(actor=instructor, question_id=question.pk) == 2
    for attempt in attempts:
        attempt.refresh_from_db()
    assert [attempt.passed for attempt in attempts] == [True, True, False]
    assert [attempt.score for attempt in attempts] == [Decimal("1.00"), Decimal("1.00"), Decimal("0.00")]
    changes = GradeChange.objects.filter(attempt_question__question=question, reason="regraded after a key change")
    assert sorted(change.attempt_question.attempt_id for change in changes) == sorted(a.pk for a in attempts[:2])
    # Regrading again changes nothing: the rules give the same grade every time.
    assert question_regrade(actor=instructor, question_id=question.pk) == 0
