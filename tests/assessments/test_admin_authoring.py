"""Question banks and assessments in the admin: scoped to the instructor's courses, with rules explained."""

import json

from django.contrib.auth.models import Group

from wagtail.models import Revision

import pytest

from assessments.factories import AssessmentFactory, QuestionCategoryFactory, QuestionFactory
from assessments.models import Assessment, AssessmentItem, Question, QuestionOption
from courses.factories import CoursePageFactory, ModulePageFactory

pytestmark = pytest.mark.django_db

QUESTIONS = "/admin/snippets/assessments/question/"
CATEGORIES = "/admin/snippets/assessments/questioncategory/"
ASSESSMENTS = "/admin/snippets/assessments/assessment/"


def _rich(text: str) -> str:
    """Draftail's content state for one paragraph: what the admin's rich text editor posts."""
    block = {"key": "a1b2c", "type": "unstyled", "depth": 0, "text": text, "inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
        data[f"{prefix}-{index}-DELETE"] = ""
        data[f"{prefix}-{index}-id"] = ""
        for name, value in row.items():
            if value is True:
                data[f"{prefix}-{index}-{name}"] = "on"
            elif value not in (False, None):
                data[f"{prefix}-{index}-{name}"] = str(value)
    return data


def _question_data(course, *, kind="single", options=(("Parliament", True), ("The general staff", False)), **extra):
    data = {
        "course": str(course.pk),
        "category": "",
        "title": "Budget approval",
        "type": kind,
        "prompt": _rich("Which body approves the defence budget?"),
        "points": "1",
        "scoring_rule": "partial",
        "accepted_answers": "",
        "numeric_answer": "",
        "numeric_tolerance": "0",
        "rubric": "",
        "explanation": _rich(""),
        **_formset("options", [{"text": text, "is_correct": correct, "feedback": ""} for text, correct in options]),
    }
    data.update({key: str(value) for key, value in extra.items()})
    return data


def _assessment_data(course, items, **extra):
    data = {
        "course": str(course.pk),
        "module": "",
        "title": "Oversight quiz",
        "instructions": _rich(""),
        "pass_mark_percent": "60",
        "time_limit_minutes": "",
        "attempts_allowed": "",
        "opens_at": "",
        "closes_at": "",
        "layout": "one",
        "feedback_policy": "immediate",
        "grade_rule": "best",
        **_formset("items", items),
    }
    data.update({key: str(value) for key, value in extra.items()})
    return data


def _refused(response) -> bool:
    """The admin refuses with a 403, or (Wagtail's way) a redirect to the dashboard with a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"]) if response.context else ""


@pytest.fixture
def own_question(course):
    category = QuestionCategoryFactory(course=course, name="Budgets")
    return QuestionFactory(
        course=course,
        category=category,
        title="Budget approval",
        points=2,
        options=[("Parliament", True), ("Army", False)],
    )


@pytest.fixture
def foreign_question(other_course):
    category = QuestionCategoryFactory(course=other_course, name="Licences")
    return QuestionFactory(
        course=other_course,
        category=category,
        title="Dual-use licence",
        type="short_answer",
        accepted_answers="licence",
    )


def test_instructors_hold_the_bank_permissions_after_migrate():
    codenames = set(Group.objects.get(name="Instructors").permissions.values_list("codename", flat=True))
    for model in ("question", "questioncategory", "assessment"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}", f"delete_{model}"} <= codenames


def test_question_list_shows_own_courses_only_with_type_course_category_points(
    client, instructor, own_question, foreign_question
):
    client.force_login(instructor)
    response = client.get(QUESTIONS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Budget approval" in html and "Single choice" in html and "Civilian Control" in html
    assert "Budgets" in html and "2.00" in html
    assert "Dual-use licence" not in html and "Export Controls" not in html


def test_question_list_filters_offer_own_courses_and_filter_by_course_category_type(
    client, instructor, course, own_question, foreign_question
):
    second = CoursePageFactory(parent=course.get_parent(), title="Doctrine Basics", instructors=[instructor])
    QuestionFactory(course=second, title="Joint doctrine", type="essay")
    client.force_login(instructor)
    html = client.get(QUESTIONS).content.decode()
    assert "Doctrine Basics" in html and "Export Controls" not in html and "Licences" not in html
    by_course = client.get(QUESTIONS, {"course": second.pk}).content.decode()
    assert "Joint doctrine" in by_course and "Budget approval" not in by_course
    by_type = client.get(QUESTIONS, {"type": "essay"}).content.decode()
    assert "Joint doctrine" in by_type and "Budget approval" not in by_type
    by_category = client.get(QUESTIONS, {"category": own_question.category_id}).content.decode()
    assert "Budget approval" in by_category and "Joint doctrine" not in by_category
    # Another course's category is not a choice: the filter refuses it and shows nothing of it.
    foreign = client.get(QUESTIONS, {"category": foreign_question.category_id}).content.decode()
    assert "Dual-use licence" not in foreign


def test_question_search_finds_by_title(client, instructor, course, own_question):
    QuestionFactory(course=course, title="Civilian oversight")
    client.force_login(instructor)
    html = client.get(QUESTIONS, {"q": "oversight"}).content.decode()
    assert "Civilian oversight" in html and "Budget approval" not in html


def test_instructor_creates_a_single_choice_question_with_options_and_a_revision(client, instructor, course):
    client.force_login(instructor)
    response = client.post(QUESTIONS + "add/", _question_data(course))
    assert response.status_code == 302, _messages(response)
    question = Question.objects.get(title="Budget approval")
    assert question.course == course
    assert [(o.text, o.is_correct) for o in question.options.order_by("sort_order")] == [
        ("Parliament", True),
        ("The general staff", False),
    ]
    assert Revision.objects.for_instance(question).count() == 1


@pytest.mark.parametrize(
    "kind,options,extra,message",
    [
        ("single", [("Only one", True)], {}, "at least two options"),
        ("single", [("A", True), ("B", True)], {}, "exactly one correct option (2 marked)"),
        ("multiple", [("A", False), ("B", False)], {}, "mark at least one option as correct"),
        ("true_false", [("True", True), ("False", False), ("Maybe", False)], {}, "exactly two options"),
        ("short_answer", [], {"accepted_answers": "  \n "}, "at least one accepted answer"),
        ("short_answer", [], {"accepted_answers": "Parliament\n…?!\n"}, "Accepted answer “…?!” has no letters"),
        ("numeric", [], {}, "needs its correct number"),
        ("essay", [("A", True), ("B", False)], {}, "only choice and true/false questions have options"),
    ],
)
def test_a_question_that_cannot_be_graded_is_refused_with_a_message(
    client, instructor, course, kind, options, extra, message
):
    client.force_login(instructor)
    response = client.post(QUESTIONS + "add/", _question_data(course, kind=kind, options=options, **extra))
    assert response.status_code == 200
    page = response.content.decode() + _messages(response)
    assert message in page
    assert not Question.objects.exists() and not QuestionOption.objects.exists()


def test_a_question_in_another_courses_category_is_refused(client, instructor, course, catalogue):
    second = CoursePageFactory(parent=catalogue, title="Doctrine Basics", instructors=[instructor])
    elsewhere = QuestionCategoryFactory(course=second, name="Doctrine")
    client.force_login(instructor)
    response = client.post(QUESTIONS + "add/", _question_data(course, category=elsewhere.pk))
    assert response.status_code == 200
    assert "belongs to another course" in response.content.decode()
    assert not Question.objects.exists()


def test_a_question_cannot_be_put_in_a_course_the_instructor_does_not_teach(client, instructor, other_course):
    client.force_login(instructor)
    response = client.post(QUESTIONS + "add/", _question_data(other_course))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Question.objects.exists()


def test_forms_offer_only_the_instructors_own_courses_questions_and_categories(
    client, instructor, course, own_question, foreign_question
):
    client.force_login(instructor)
    for url in (QUESTIONS + "add/", ASSESSMENTS + "add/", CATEGORIES + "add/"):
        html = client.get(url).content.decode()
        assert "Civilian Control" in html, url
        assert "Export Controls" not in html and "Dual-use licence" not in html and "Licences" not in html, url
    assessment_form = client.get(ASSESSMENTS + "add/").content.decode()
    assert "Budget approval" in assessment_form


def test_choosers_list_only_the_instructors_own_questions(client, instructor, own_question, foreign_question):
    client.force_login(instructor)
    html = client.get("/admin/snippets/choose/assessments/question/").content.decode()
    assert "Budget approval" in html and "Dual-use licence" not in html
    assert client.get(f"/admin/snippets/choose/assessments/question/chosen/{foreign_question.pk}/").status_code == 404


def test_another_courses_question_is_refused_by_url_and_unchanged(client, instructor, foreign_question):
    client.force_login(instructor)
    Revision.objects.all().delete()
    revision = foreign_question.save_revision()
    pk = foreign_question.pk
    for url in (
        f"{QUESTIONS}edit/{pk}/",
        f"{QUESTIONS}inspect/{pk}/",
        f"{QUESTIONS}history/{pk}/",
        f"{QUESTIONS}delete/{pk}/",
        f"{QUESTIONS}copy/{pk}/",
        f"{QUESTIONS}usage/{pk}/",
        f"{QUESTIONS}history/{pk}/revisions/{revision.pk}/revert/",
        f"{QUESTIONS}history/{pk}/revisions/compare/earliest...latest/",
        f"/admin/assessments/questions/{pk}/regrade/",
    ):
        assert _refused(client.get(url)), url
    response = client.post(f"{QUESTIONS}edit/{pk}/", _question_data(foreign_question.course, kind="short_answer"))
    assert _refused(response)
    assert _refused(client.post(f"{QUESTIONS}delete/{pk}/"))
    foreign_question.refresh_from_db()
    assert foreign_question.title == "Dual-use licence"


def test_question_history_compare_and_revert(client, instructor, course):
    client.force_login(instructor)
    client.post(QUESTIONS + "add/", _question_data(course))
    question = Question.objects.get()
    options = list(question.options.order_by("sort_order"))
    data = _question_data(course, title="Budget approval (revised)")
    for index, option in enumerate(options):
        data[f"options-{index}-id"] = str(option.pk)
    data["options-INITIAL_FORMS"] = str(len(options))
    assert client.post(f"{QUESTIONS}edit/{question.pk}/", data).status_code == 302
    first, second = Revision.objects.for_instance(question).order_by("pk")
    assert client.get(f"{QUESTIONS}history/{question.pk}/").status_code == 200
    compare = client.get(f"{QUESTIONS}history/{question.pk}/revisions/compare/{first.pk}...{second.pk}/")
    assert compare.status_code == 200 and "revised" in compare.content.decode()
    revert = client.get(f"{QUESTIONS}history/{question.pk}/revisions/{first.pk}/revert/")
    assert revert.status_code == 200
    assert 'value="Budget approval"' in revert.content.decode()


def test_instructor_creates_an_assessment_of_fixed_questions_and_a_draw(client, instructor, course, own_question):
    client.force_login(instructor)
    items = [
        {"question": own_question.pk, "category": "", "draw_count": 1},
        {"question": "", "category": own_question.category_id, "draw_count": 2},
    ]
    response = client.post(ASSESSMENTS + "add/", _assessment_data(course, items))
    assert response.status_code == 302, _messages(response)
    assessment = Assessment.objects.get()
    assert [(i.question_id, i.category_id) for i in assessment.items.order_by("sort_order")] == [
        (own_question.pk, None),
        (None, own_question.category_id),
    ]


def test_an_assessment_asks_only_its_own_courses_questions(client, instructor, course, catalogue, own_question):
    second = CoursePageFactory(parent=catalogue, title="Doctrine Basics", instructors=[instructor])
    elsewhere = QuestionFactory(course=second, title="Joint doctrine", options=[("A", True), ("B", False)])
    other_category = QuestionCategoryFactory(course=second, name="Doctrine")
    client.force_login(instructor)
    items = [
        {"question": elsewhere.pk, "category": "", "draw_count": 1},
        {"question": "", "category": other_category.pk, "draw_count": 1},
    ]
    response = client.post(ASSESSMENTS + "add/", _assessment_data(course, items))
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Joint doctrine” is in another course" in html
    assert "“Doctrine” is another course" in html
    assert not Assessment.objects.exists() and not AssessmentItem.objects.exists()


def test_an_item_is_one_question_or_one_draw(client, instructor, course, own_question):
    client.force_login(instructor)
    both = [{"question": own_question.pk, "category": own_question.category_id, "draw_count": 1}]
    response = client.post(ASSESSMENTS + "add/", _assessment_data(course, both))
    assert "not both" in response.content.decode()
    neither = [{"question": "", "category": "", "draw_count": 1}]
    response = client.post(ASSESSMENTS + "add/", _assessment_data(course, neither))
    assert "Choose a question, or a category to draw from." in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_assessments_module_must_be_of_its_course(client, instructor, course, catalogue):
    second = CoursePageFactory(parent=catalogue, title="Doctrine Basics", instructors=[instructor])
    module = ModulePageFactory(parent=second, title="Joint operations")
    client.force_login(instructor)
    response = client.post(ASSESSMENTS + "add/", _assessment_data(course, [], module=module.pk))
    assert response.status_code == 200
    assert "Choose a module of this course" in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_assessment_students_have_taken_stays_in_its_course(client, instructor, course, catalogue, student):
    from assessments.services import attempt_start
    from courses.factories import EnrolmentFactory

    second = CoursePageFactory(parent=catalogue, title="Doctrine Basics", instructors=[instructor])
    question = QuestionFactory(course=course, title="Budget approval", options=[("A", True), ("B", False)])
    assessment = AssessmentFactory(course=course, title="Oversight quiz")
    client.force_login(instructor)
    edit = f"{ASSESSMENTS}edit/{assessment.pk}/"
    # Before anyone takes it, it may move (its questions must then be the other course's: none here).
    response = client.post(edit, _assessment_data(second, []))
    assert response.status_code == 302, _messages(response)
    assessment.refresh_from_db()
    assert assessment.course_id == second.pk
    response = client.post(edit, _assessment_data(course, []))
    assert response.status_code == 302, _messages(response)
    EnrolmentFactory(user=student, course=course)
    assessment.refresh_from_db()
    AssessmentItem.objects.create(assessment=assessment, question=question, sort_order=0)
    attempt_start(user=student, assessment=assessment)
    response = client.post(edit, _assessment_data(second, []))
    assert response.status_code == 200
    assert "Students have already taken this assessment in its course, so it stays there." in response.text
    assessment.refresh_from_db()
    assert assessment.course_id == course.pk
    # Nor by restoring a revision from when it was in the other course (the form then edits that copy).
    in_second = next(r for r in Revision.objects.for_instance(assessment) if r.content["course"] == second.pk)
    revert = f"{ASSESSMENTS}history/{assessment.pk}/revisions/{in_second.pk}/revert/"
    assert client.get(revert).status_code == 200
    response = client.post(revert, _assessment_data(second, []))
    assert response.status_code == 200
    assert "Students have already taken this assessment in its course, so it stays there." in response.text
    assessment.refresh_from_db()
    assert assessment.course_id == course.pk
    # Its other fields still change.
    response = client.post(edit, _assessment_data(course, [], title="Oversight quiz (revised)"))
    assert response.status_code == 302, _messages(response)
    assessment.refresh_from_db()
    assert assessment.title == "Oversight quiz (revised)"


def test_another_instructors_module_is_not_offered(client, instructor, course, other_course):
    ModulePageFactory(parent=other_course, title="Licensing regimes")
    ModulePageFactory(parent=course, title="Parliaments")
    client.force_login(instructor)
    html = client.get(ASSESSMENTS + "add/").content.decode()
    assert "Parliaments" in html and "Licensing regimes" not in html


def test_program_managers_and_students_do_not_see_the_banks(client, manager, student, own_question):
    for person in (manager, student):
        client.force_login(person)
        for url in (QUESTIONS, CATEGORIES, ASSESSMENTS, f"{QUESTIONS}edit/{own_question.pk}/"):
            response = client.get(url)
            assert response.status_code in (302, 403), (person, url)
            assert "Budget approval" not in response.content.decode()


def test_administrators_see_every_course(client, admin_user, own_question, foreign_question):
    client.force_login(admin_user)
    html = client.get(QUESTIONS).content.decode()
    assert "Budget approval" in html and "Dual-use licence" in html
    assert client.get(f"{QUESTIONS}edit/{foreign_question.pk}/").status_code == 200


def test_a_question_asked_by_an_assessment_is_not_deleted(client, instructor, course, own_question):
    AssessmentFactory(course=course, title="Oversight quiz", questions=[own_question])
    client.force_login(instructor)
    response = client.post(f"{QUESTIONS}delete/{own_question.pk}/", follow=True)
    assert "cannot be deleted: 1 assessment asks it" in _messages(response)
    assert Question.objects.filter(pk=own_question.pk).exists()
