"""Factories for question banks and assessments, shared by the tests, the demo and the benchmarks."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from .models import Assessment, AssessmentItem, Question, QuestionCategory, QuestionOption


class QuestionCategoryFactory(DjangoModelFactory):
    class Meta:
        model = QuestionCategory

    name = factory.Sequence(lambda n: f"Category {n}")


class QuestionFactory(DjangoModelFactory):
    """A question; ``options=[("text", True), ...]`` adds its options in order."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Question {n}")
    type = "single"
    prompt = "<p>Which body approves the defence budget?</p>"
    points = Decimal("1")

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        for order, (text, correct) in enumerate(extracted or []):
            QuestionOption.objects.create(question=self, text=text, is_correct=correct, sort_order=order)


class AssessmentFactory(DjangoModelFactory):
    """An assessment; ``questions=[...]`` adds them as fixed items in order."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Quiz {n}")
    pass_mark_percent = 60

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        for order, question in enumerate(extracted or []):
            AssessmentItem.objects.create(assessment=self, question=question, sort_order=order)
