import pytest

from assessments.factories import AssessmentFactory, QuestionFactory


@pytest.fixture
def single(course):
    return QuestionFactory(
        course=course,
        title="Budget approval",
        options=[("Parliament", True), ("The general staff", False), ("The president alone", False)],
    )


@pytest.fixture
def multiple(course):
    return QuestionFactory(
        course=course,
        title="Oversight bodies",
        type="multiple",
        prompt="<p>Which bodies oversee the armed forces?</p>",
        points=2,
        options=[("Parliament", True), ("Audit office", True), ("Regimental band", False), ("Courts", True)],
    )


@pytest.fixture
def essay(course):
    return QuestionFactory(
        course=course, title="Reflection", type="essay", prompt="<p>Discuss.</p>", points=4, rubric="Two examples."
    )


@pytest.fixture
def quiz(course, single, multiple):
    return AssessmentFactory(course=course, title="Oversight quiz", questions=[single, multiple])
