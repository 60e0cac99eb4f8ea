"""Translated question banks: students read their language, attempts and grades keep to the source."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from assessments.factories import AssessmentFactory, QuestionCategoryFactory, QuestionFactory
from assessments.models import QuestionTranslation
from assessments.services import attempt_start, attempt_submit
from assessments.staff import question_statistics
from assessments.translation import (
    OptionWording,
    TranslationRefused,
    assessment_translation_save,
    question_translation_save,
)

FIXTURES = Path(__file__).parent / "fixtures" / "translated_bank"
pytestmark = pytest.mark.usefixtures("fresh_plans")


def _french(question, prompt, texts, *, accepted="", feedback=None):
    options = list(question.options.order_by("sort_order"))
    return question_translation_save(
        question=question,
        language="fr",
        prompt=prompt,
        explanation="<p>Explication en français.</p>",
        accepted_answers=accepted,
        options=[
            OptionWording(option.pk, text, (feedback or {}).get(text, ""))
            for option, text in zip(options, texts, strict=True)
        ],
    )


@pytest.fixture
def budget(course, single):
    _french(
        single,
        "<p>Quel organe approuve le budget de la défense ?</p>",
        ["Le parlement", "L'état-major", "Le président seul"],
    )
    return single


def _option_ids(question):
    return {option.text: option.pk for option in question.options.all()}


def test_french_student_reads_french_question_and_is_graded_against_the_source(
    student, french_client, enrolment, course, budget
):
    quiz = AssessmentFactory(course=course, questions=[budget], shuffle_options=True)
    assessment_translation_save(assessment=quiz, language="fr", title="Quiz sur le contrôle")
    response = french_client.post(f"/assessments/{quiz.pk}/start/", follow=True)
    page = response.text
    assert "Quel organe approuve le budget de la défense ?" in page
    assert "Le parlement" in page and "Parliament" not in page
    assert "Quiz sur le contrôle" in page
    attempt = student.attempts.get()
    item = attempt.questions.get()
    # The attempt keeps the source's question and option ids, whatever the shown wording and order.
    assert attempt.assessment_id == quiz.pk and item.question_id == budget.pk
    ids = _option_ids(budget)
    assert {o["id"] for o in item.snapshot["options"]} == set(ids.values())
    # The French label of the radio button carries the source option's id.
    parliament = ids["Parliament"]
    assert re.search(rf'value="{parliament}"[^>]*>\s*<label[^>]*>Le parlement</label>', page)
    french_client.post(f"/assessments/attempts/{attempt.pk}/answers/", {"position": 1, "answer": parliament})
    french_client.post(f"/assessments/attempts/{attempt.pk}/submit/")
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.00") and attempt.passed
    # The review is in the language the attempt was started in, with the French explanation.
    result = french_client.get(f"/assessments/attempts/{attempt.pk}/result/").text
    assert "Le parlement" in result and "Explication en français." in result


def test_the_attempt_stays_in_the_language_it_started_in(student, student_client, enrolment, course, budget):
    quiz = AssessmentFactory(course=course, questions=[budget])
    attempt = attempt_start(user=student, assessment=quiz, language="fr")
    # The interface is now English; the frozen question is still French, marked as such.
    page = student_client.get(f"/assessments/attempts/{attempt.pk}/").text
    assert '<div class="prose question__prompt" id="question-1-prompt" lang="fr" dir="ltr">' in page
    assert "Le parlement" in page


def test_short_answer_accepts_the_french_answers_and_the_source_ones(student, enrolment, course):
    question = QuestionFactory(
        course=course, type="short_answer", prompt="<p>Huntington's model?</p>", accepted_answers="objective"
    )
    question_translation_save(
        question=question,
        language="fr",
        prompt="<p>Le modèle de Huntington ?</p>",
        accepted_answers="objectif\nobjectif",
    )
    quiz = AssessmentFactory(course=course, questions=[question], attempts_allowed=None)
    scores = []
    for text in ("Objectif", "objective", "subjectif"):
        attempt = attempt_start(user=student, assessment=quiz, language="fr")
        item = attempt.questions.get()
        item.answer = {"text": text}
        item.save(update_fields=["answer"])
        scores.append(attempt_submit(user=student, attempt_id=attempt.pk).score)
    assert scores == [Decimal("1.00"), Decimal("1.00"), Decimal("0.00")]


def test_an_untranslated_question_falls_back_to_the_source_with_its_language(
    student, french_client, enrolment, course, budget, multiple
):
    quiz = AssessmentFactory(course=course, questions=[budget, multiple], layout="all")
    page = french_client.post(f"/assessments/{quiz.pk}/start/", follow=True).text
    assert "Quel organe approuve le budget" in page
    # The question nobody translated is shown in English, and says so to screen readers and browsers.
    assert re.search(
        r'<div class="prose question__prompt" id="question-2-prompt" lang="en" dir="ltr">\s*<p>Which bodies', page
    )
    assert re.search(r'<label for="q2-option-\d+" lang="en" dir="ltr">Audit office</label>', page)


def test_statistics_count_answers_in_every_language_together(student, other_student, course, budget):
    from courses.factories import EnrolmentFactory

    quiz = AssessmentFactory(course=course, questions=[budget])
    parliament = _option_ids(budget)["Parliament"]
    for user, language in ((student, "fr"), (other_student, "en")):
        EnrolmentFactory(user=user, course=course)
        attempt = attempt_start(user=user, assessment=quiz, language=language)
        item = attempt.questions.get()
        item.answer = {"option": parliament}
        item.save(update_fields=["answer"])
        attempt_submit(user=user, attempt_id=attempt.pk)
    [statistic] = question_statistics(assessment_id=quiz.pk)
    assert statistic.question_id == budget.pk and statistic.responses == 2
    chosen = {option.text: option.chosen for option in statistic.options}
    # One row per source option, in the source's words, counting the French and the English answer.
    assert chosen == {"Parliament": 2, "The general staff": 0, "The president alone": 0}


def test_a_translation_with_another_number_of_options_is_refused(course, single):
    options = list(single.options.order_by("sort_order"))
    with pytest.raises(TranslationRefused, match="has 3 options and the translation has 2"):
        question_translation_save(
            question=single,
            language="fr",
            prompt="<p>Quel organe ?</p>",
            options=[OptionWording(options[0].pk, "Le parlement"), OptionWording(options[1].pk, "L'état-major")],
        )
    assert not QuestionTranslation.objects.exists()


def test_a_translation_missing_the_correct_option_is_refused(course, single):
    options = list(single.options.order_by("sort_order"))
    wrong = [OptionWording(o.pk, o.text + " (fr)") for o in options if not o.is_correct]
    with pytest.raises(TranslationRefused, match="leaves out the correct option “Parliament”"):
        question_translation_save(question=single, language="fr", prompt="<p>Quel organe ?</p>", options=wrong)
    assert not QuestionTranslation.objects.exists()


def test_a_refused_update_keeps_the_previous_translation_whole(course, budget):
    options = list(budget.options.order_by("sort_order"))
    with pytest.raises(TranslationRefused, match="Every option needs its translated text"):
        question_translation_save(
            question=budget,
            language="fr",
            prompt="<p>Nouveau texte</p>",
            options=[OptionWording(o.pk, "") for o in options],
        )
    translation = QuestionTranslation.objects.get(question=budget, language="fr")
    assert "Quel organe approuve" in translation.prompt
    assert sorted(o.text for o in translation.options.all()) == ["L'état-major", "Le parlement", "Le président seul"]


def test_a_translated_accepted_answer_with_no_letters_or_digits_is_refused(course):
    question = QuestionFactory(course=course, type="short_answer", prompt="<p>Model?</p>", accepted_answers="objective")
    with pytest.raises(TranslationRefused, match="Accepted answer “…” has no letters or digits"):
        question_translation_save(
            question=question, language="fr", prompt="<p>Modèle ?</p>", accepted_answers="objectif\n…\n"
        )
    assert not QuestionTranslation.objects.exists()
    question_translation_save(question=question, language="fr", prompt="<p>Modèle ?</p>", accepted_answers="objectif")
    assert QuestionTranslation.objects.get(question=question).accepted_answer_list == ["objectif"]


def test_a_translation_in_the_source_language_is_refused(course, single):
    with pytest.raises(TranslationRefused, match="language the source is written in"):
        question_translation_save(question=single, language="en", prompt="<p>x</p>", options=[])


# The admin ----------------------------------------------------------------------------------


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


def _state(page: str, kind: str, pk: int, language: str) -> str:
    row = re.search(rf'<tr data-kind="{kind}" data-id="{pk}">(.*?)</tr>', page, re.S).group(1)
    return re.search(rf'data-language="{language}" data-state="(\w+)"', row).group(1)


def test_admin_shows_untranslated_and_out_of_date_after_the_source_changes(instructor_client, course, budget, multiple):
    url = f"/admin/assessments/translations/?course={course.pk}"
    page = instructor_client.get(url).text
    assert _state(page, "question", budget.pk, "fr") == "up_to_date"
    assert _state(page, "question", budget.pk, "ar") == "missing"
    assert _state(page, "question", multiple.pk, "fr") == "missing"
    # The instructor rewords an option of the source: the French translation is now out of date.
    option = budget.options.get(text="The general staff")
    option.text = "The chiefs of staff"
    option.save()
    page = instructor_client.get(url).text
    assert _state(page, "question", budget.pk, "fr") == "out_of_date"
    edit = instructor_client.get(f"/admin/assessments/translations/question/{budget.pk}/fr/").text
    assert "Out of date" in edit and "The chiefs of staff" in edit and "Le parlement" in edit
    # The questions list says so too.
    listing = instructor_client.get("/admin/snippets/assessments/question/").text
    assert "fr: Out of date" in listing and "ar: Not translated" in listing


def _draftail(text: str) -> str:
    """What the admin's rich text editor posts for one paragraph."""
    import json

    block = {"key": "a", "type": "unstyled", "text": text, "depth": 0, "inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


def test_admin_translation_form_saves_and_makes_it_up_to_date(instructor_client, course, multiple):
    options = list(multiple.options.order_by("sort_order"))
    data = {"prompt": _draftail("Quels organes ?"), "explanation": _draftail("")}
    texts = ["Le parlement", "La cour des comptes", "La fanfare", "Les tribunaux"]
    for option, text in zip(options, texts, strict=True):
        data[f"option-{option.pk}-text"] = text
        data[f"option-{option.pk}-feedback"] = ""
    url = f"/admin/assessments/translations/question/{multiple.pk}/fr/"
    response = instructor_client.post(url, data)
    assert response.status_code == 302
    translation = QuestionTranslation.objects.get(question=multiple, language="fr")
    assert "Quels organes ?" in translation.prompt
    page = instructor_client.get(f"/admin/assessments/translations/?course={course.pk}").text
    assert _state(page, "question", multiple.pk, "fr") == "up_to_date"
    # An empty option is refused with a message, and the saved translation stays as it was.
    data[f"option-{options[0].pk}-text"] = ""
    response = instructor_client.post(url, data)
    assert response.status_code == 200 and "Every option needs its translated text" in response.text
    assert translation.options.get(option=options[0]).text == "Le parlement"


def test_another_courses_instructor_cannot_translate(client, other_instructor, course, budget):
    client.force_login(other_instructor)
    refused = client.get(f"/admin/assessments/translations/question/{budget.pk}/fr/")
    assert refused.status_code == 302 and refused.url == "/admin/"  # the admin's "no permission"
    page = client.get(f"/admin/assessments/translations/?course={course.pk}").text
    assert "Quel organe" not in page and f'data-id="{budget.pk}"' not in page


# The demo's translated banks ------------------------------------------------------------


def test_demo_loader_adds_translations_once_and_refuses_a_mismatched_file(course, tmp_path):
    from lms.demo import curriculum, questions

    bank = questions.parse(FIXTURES / "questions" / "1-civilian-control.txt")
    category = QuestionCategoryFactory(course=course, name="Principles")
    made = {}
    for spec in bank.questions:
        made[spec.title] = QuestionFactory(
            course=course,
            category=category,
            title=spec.title,
            type=spec.type,
            prompt=spec.prompt_html,
            accepted_answers="\n".join(spec.accepted),
            options=[(o.text, o.is_correct) for o in spec.options],
        )
    AssessmentFactory(course=course, title=bank.assessments[0].title, questions=list(made.values()))
    counts = questions.translations_load(source_dir=FIXTURES / "questions", root=FIXTURES)
    assert counts == {"fr": 2}
    again = questions.translations_load(source_dir=FIXTURES / "questions", root=FIXTURES)
    assert again == {"fr": 0}
    translation = QuestionTranslation.objects.get(question=made["Who decides"], language="fr")
    assert {o.option.text: o.text for o in translation.options.all()} == {
        "Elected leaders": "Les élus",
        "The senior officer": "L'officier le plus ancien",
    }
    assert "objectif" in QuestionTranslation.objects.get(question=made["Huntington"], language="fr").accepted_answers
    # A translated file whose correct option is another one than the source's is refused, naming the file.
    broken = tmp_path / "fr" / "questions"
    broken.mkdir(parents=True)
    text = (FIXTURES / "fr" / "questions" / "1-civilian-control.txt").read_text()
    (broken / "1-civilian-control.txt").write_text(
        text.replace("* Les élus", "- Les élus").replace("- L'officier", "* L'officier")
    )
    QuestionTranslation.objects.all().delete()
    with pytest.raises(curriculum.CurriculumError, match=r"1-civilian-control\.txt.*correct"):
        questions.translations_load(source_dir=FIXTURES / "questions", root=tmp_path)
    assert not QuestionTranslation.objects.exists()


def test_regrading_a_french_attempt_keeps_accepting_the_french_answers(student, instructor, enrolment, course):
    from assessments.services import question_regrade

    question = QuestionFactory(
        course=course, type="short_answer", prompt="<p>Huntington's model?</p>", accepted_answers="objective"
    )
    question_translation_save(
        question=question, language="fr", prompt="<p>Le modèle de Huntington ?</p>", accepted_answers="objectif"
    )
    quiz = AssessmentFactory(course=course, questions=[question])
    attempt = attempt_start(user=student, assessment=quiz, language="fr")
    item = attempt.questions.get()
    item.answer = {"text": "professionnel"}
    item.save(update_fields=["answer"])
    assert attempt_submit(user=student, attempt_id=attempt.pk).score == Decimal("0.00")
    # The instructor widens the key in English, a translator brings the French up to date, then a regrade:
    # the French answer now counts.
    question.accepted_answers = "objective\nprofessional"
    question.save()
    question_translation_save(
        question=question,
        language="fr",
        prompt="<p>Le modèle de Huntington ?</p>",
        accepted_answers="objectif\nprofessionnel",
    )
    assert question_regrade(actor=instructor, question_id=question.pk) == 1
    attempt.refresh_from_db()
    item.refresh_from_db()
    assert attempt.score == Decimal("1.00") and item.snapshot["language"] == "fr"
    assert "Le modèle de Huntington" in item.snapshot["prompt"]  # the wording stays as the student read it


def test_regrading_after_the_source_drops_an_answer_drops_it_from_out_of_date_translations(
    student, other_student, instructor, course
):
    from assessments.services import question_regrade
    from courses.factories import EnrolmentFactory

    question = QuestionFactory(
        course=course,
        type="short_answer",
        prompt="<p>Which body approves the defence budget?</p>",
        accepted_answers="Parliament\nCongress",
    )
    question_translation_save(
        question=question,
        language="fr",
        prompt="<p>Quel organe approuve le budget de la défense ?</p>",
        accepted_answers="Parlement\nCongrès",
    )
    quiz = AssessmentFactory(course=course, questions=[question], attempts_allowed=None)
    attempts = {}
    for user, language, text in ((student, "fr", "Congrès"), (other_student, "en", "Congress")):
        EnrolmentFactory(user=user, course=course)
        attempt = attempt_start(user=user, assessment=quiz, language=language)
        item = attempt.questions.get()
        item.answer = {"text": text}
        item.save(update_fields=["answer"])
        assert attempt_submit(user=user, attempt_id=attempt.pk).score == Decimal("1.00")
        attempts[language] = attempt
    # "Congress" was a wrong answer: the instructor removes it from the source (the French one is now out of date).
    question.accepted_answers = "Parliament"
    question.save()
    assert question_regrade(actor=instructor, question_id=question.pk) == 2
    for attempt in attempts.values():
        attempt.refresh_from_db()
        assert attempt.score == Decimal("0.00")
    french = attempts["fr"].questions.get()
    assert "Quel organe approuve" in french.snapshot["prompt"]  # the frozen wording stays as the student read it
    review = student.attempts.get().questions.get().snapshot
    assert "Congrès" not in review["accepted_answers"] and "Congrès" not in review.get("accepted_answers_shown", [])
    # A new French attempt is asked in the source's words, and "Congrès" no longer counts.
    attempt = attempt_start(user=student, assessment=quiz, language="fr")
    item = attempt.questions.get()
    assert item.snapshot["language"] == "en" and "Which body approves" in item.snapshot["prompt"]
    item.answer = {"text": "Congrès"}
    item.save(update_fields=["answer"])
    assert attempt_submit(user=student, attempt_id=attempt.pk).score == Decimal("0.00")


def test_reworded_options_are_not_shown_in_an_out_of_date_translation(
    student, french_client, instructor, enrolment, course, budget
):
    from assessments.services import question_regrade

    quiz = AssessmentFactory(course=course, questions=[budget], attempts_allowed=None)
    ids = _option_ids(budget)
    before = attempt_start(user=student, assessment=quiz, language="fr")
    before_item = before.questions.get()
    before_item.answer = {"option": ids["Parliament"]}
    before_item.save(update_fields=["answer"])
    attempt_submit(user=student, attempt_id=before.pk)
    # The instructor rewords the options so that the first one ("Le parlement" in French) is now wrong.
    first, second = budget.options.order_by("sort_order")[:2]
    first.text, first.is_correct = "The general staff alone", False
    second.text, second.is_correct = "Parliament", True
    first.save()
    second.save()
    question_regrade(actor=instructor, question_id=budget.pk)
    # A new French attempt shows the source's options, marked as English, not the old French ones.
    page = french_client.post(f"/assessments/{quiz.pk}/start/", follow=True).text
    assert "Le parlement" not in page
    assert re.search(r'<div class="prose question__prompt" id="question-1-prompt" lang="en" dir="ltr">', page)
    attempt = student.attempts.get(status="in_progress")
    item = attempt.questions.get()
    assert item.snapshot["language"] == "en"
    texts = {option["text"]: option["is_correct"] for option in item.snapshot["options"]}
    assert texts == {"The general staff alone": False, "Parliament": True, "The president alone": False}
    # The attempt frozen earlier keeps its French wording.
    before_item.refresh_from_db()
    assert "Le parlement" in {option["text"] for option in before_item.snapshot["options"]}
