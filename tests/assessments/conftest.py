from django.conf import settings

import pytest

from assessments import frozen
from assessments.factories import AssessmentFactory, QuestionFactory


@pytest.fixture
def fresh_plans():
    """Each process keeps attempt plans per language; a test that translates starts and ends without them."""
    frozen.forget_all()
    yield
    frozen.forget_all()


@pytest.fixture
def french_client(student, student_client):
    """The student reads the interface in French (their profile's language, which wins when signed in, and
    the switcher's cookie)."""
    student.preferred_language = "fr"
    student.save(update_fields=["preferred_language"])
    student_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return student_client


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
