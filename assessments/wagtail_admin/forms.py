"""Authoring forms: choices narrowed to the author's courses, and the rules a question or assessment must keep.

The querysets come from ``assessments.staff``, so a tampered form naming
another course's question, category, course or module is refused as an
invalid choice; the rules below explain in words what is missing.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel

from ..models import QuestionType
from ..models.bank import OPTION_TYPES, accepted_answer_lines, accepted_answers_unmatchable
from ..staff import (
    assessment_course_taken_in,
    category_list_for_staff,
    course_list_taught_by,
    module_list_taught_by,
    question_list_for_staff,
)
from ..translation import unmatchable_message


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


def _course_field_narrow(form) -> None:
    user = form.for_user
    if "course" in form.fields and user is not None:
        form.fields["course"].queryset = course_list_taught_by(user=user)
        form.fields["course"].label_from_instance = lambda course: course.title


def _live_forms(formset) -> list:
    """The formset's forms that will be kept: valid, not marked for deletion, not left empty."""
    formset.is_valid()
    kept = []
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or not form.cleaned_data:
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        kept.append(form)
    return kept


class QuestionCategoryForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _course_field_narrow(self)


class QuestionForm(WagtailAdminModelForm):
    """A question that can be answered and graded: the key its type needs, in the course's own bank."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _course_field_narrow(self)
        if "category" in self.fields and self.for_user is not None:
            self.fields["category"].queryset = category_list_for_staff(user=self.for_user)

    def clean(self):
        cleaned_data = super().clean()
        course, category = cleaned_data.get("course"), cleaned_data.get("category")
        if course and category and category.course_id != course.pk:
            self.add_error(
                "category",
                _("This category belongs to another course's bank: choose a category of “%(course)s”.")
                % {"course": course.title},
            )
        kind = cleaned_data.get("type")
        options = (
            [form.cleaned_data for form in _live_forms(self.formsets["options"])] if "options" in self.formsets else []
        )
        errors = []
        if kind in OPTION_TYPES:
            correct = sum(1 for option in options if option.get("is_correct"))
            if len(options) < 2:
                errors.append(_("Options: a choice or true/false question needs at least two options."))
            if kind == QuestionType.TRUE_FALSE and len(options) > 2:
                errors.append(_("Options: a true/false question has exactly two options, true and false."))
            if correct == 0:
                errors.append(_("Options: mark at least one option as correct."))
            elif kind in (QuestionType.SINGLE, QuestionType.TRUE_FALSE) and correct > 1:
                errors.append(
                    _(
                        "Options: a single-choice or true/false question has exactly one correct option "
                        "(%(count)d marked)."
                    )
                    % {"count": correct}
                )
        elif options:
            errors.append(
                _("Options: only choice and true/false questions have options; remove them or change the type.")
            )
        accepted = accepted_answer_lines(cleaned_data.get("accepted_answers") or "")
        if kind == QuestionType.SHORT_ANSWER and not accepted:
            self.add_error("accepted_answers", _("A short-answer question needs at least one accepted answer."))
        elif kind == QuestionType.SHORT_ANSWER:
            # A line of nothing but spaces and punctuation would only look like an accepted answer.
            for line in accepted_answers_unmatchable(accepted):
                self.add_error("accepted_answers", unmatchable_message(line))
        if kind == QuestionType.NUMERIC and cleaned_data.get("numeric_answer") is None:
            self.add_error("numeric_answer", _("A numeric question needs its correct number."))
        if errors:
            raise ValidationError(errors)
        return cleaned_data


class AssessmentItemForm(WagtailAdminModelForm):
    """One fixed question or one draw from a category, among the author's own courses' banks."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["question"].queryset = question_list_for_staff(user=self.for_user).order_by(
                "course__title", "title"
            )
            self.fields["question"].label_from_instance = lambda q: f"{q.title} · {q.get_type_display()}"
            self.fields["category"].queryset = category_list_for_staff(user=self.for_user)

    def clean(self):
        cleaned_data = super().clean()
        question, category = cleaned_data.get("question"), cleaned_data.get("category")
        if question is None and category is None and not self.errors:
            raise ValidationError(_("Choose a question, or a category to draw from."))
        if question is not None and category is not None:
            raise ValidationError(_("Choose either one question or a category to draw from, not both."))
        return cleaned_data


class AssessmentForm(WagtailAdminModelForm):
    """An assessment of one of the author's courses, asking only that course's questions."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _course_field_narrow(self)
        if "module" in self.fields and self.for_user is not None:
            self.fields["module"].queryset = module_list_taught_by(user=self.for_user)

    def clean(self):
        cleaned_data = super().clean()
        course, module = cleaned_data.get("course"), cleaned_data.get("module")
        # Attempts, results and certificates count under the course of the places they were taken
        # from: an assessment students have taken stays in its course. Compared with the stored course,
        # not the instance's: restoring a revision edits the revision's copy, with its old course.
        taken_in = assessment_course_taken_in(assessment_id=self.instance.pk) if self.instance.pk else None
        if course is not None and taken_in is not None and course.pk != taken_in:
            self.add_error(
                "course",
                _(
                    "Students have already taken this assessment in its course, so it stays there. "
                    "For another course, create a new assessment."
                ),
            )
        if course and module and not module.path.startswith(course.path):
            self.add_error("module", _("Choose a module of this course, or none."))
        if course and "items" in self.formsets:
            for form in _live_forms(self.formsets["items"]):
                question, category = form.cleaned_data.get("question"), form.cleaned_data.get("category")
                if question is not None and question.course_id != course.pk:
                    form.add_error(
                        "question",
                        _("“%(title)s” is in another course's bank; an assessment asks its own course's questions.")
                        % {"title": question.title},
                    )
                if category is not None and category.course_id != course.pk:
                    form.add_error(
                        "category",
                        _("“%(name)s” is another course's category; draw from a category of this course.")
                        % {"name": category.name},
                    )
        return cleaned_data


class ScopedInlinePanel(InlinePanel):
    """An InlinePanel whose child forms are ``form_class`` and know the user, to narrow their choices."""

    def __init__(self, *args, form_class=None, **kwargs):
        self.form_class = form_class
        super().__init__(*args, **kwargs)

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "form_class": self.form_class}

    def get_form_options(self):
        options = super().get_form_options()
        if self.form_class is not None:
            formset = options["formsets"][self.relation_name]
            formset["form"] = self.form_class
            formset["inherit_kwargs"] = ["for_user"]
        return options


TYPE_HELP = gettext_lazy(
    "Single choice and true/false: exactly one correct option. Multiple choice: at least one. "
    "Short answer: accepted answers. Numeric: the correct number. Essay: graded by hand with the rubric."
)
