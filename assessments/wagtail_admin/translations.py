"""Translators' screens: a course's questions, categories and assessments with their state per language, and a
form per object and language that shows the source beside the translation.

Who: the people who may change the course's bank (its instructors, and administrators). Every view checks the
object's course against ``assessments.staff``; another course's object is refused, one that does not exist is
not found. Saving goes through the services in ``assessments.translation``, whose refusals are form errors.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.rich_text import get_rich_text_editor_widget

from ..models import Assessment, AssessmentTranslation, Question, QuestionCategory, QuestionTranslation
from ..models.bank import PROMPT_FEATURES
from ..staff import course_list_taught_by, user_may_teach
from ..translation import (
    STATE_LABELS,
    OptionWording,
    TranslationRefused,
    assessment_digest,
    assessment_translation_save,
    category_digest,
    category_translation_save,
    content_languages,
    course_source_language,
    language_direction,
    question_digest,
    question_translation_save,
    state_of,
    translation_overview,
)
from .views import NAMESPACE, StaffMixin

MODELS = {"question": Question, "category": QuestionCategory, "assessment": Assessment}


def translation_url(kind: str, pk: int, language: str) -> str:
    return reverse(f"{NAMESPACE}:translate_{kind}", args=[pk, language])


def overview_url(course_id: int | None = None) -> str:
    url = reverse(f"{NAMESPACE}:translations")
    return f"{url}?{urlencode({'course': course_id})}" if course_id else url


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


class TranslationsView(StaffMixin, TemplateView):
    """Per course: every question, category and assessment, and in each language whether it is translated."""

    template_name = "assessments/admin/translations.html"
    page_title = gettext_lazy("Translations")
    header_icon = "globe"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        courses = list(course_list_taught_by(user=self.request.user).order_by("title"))
        raw = self.request.GET.get("course", "")
        course = next((c for c in courses if raw.isascii() and raw.isdigit() and c.pk == int(raw)), None)
        rows, languages = [], []
        if course is not None:
            source = course_source_language(course.pk)
            languages = [code for code in content_languages() if code != source]
            rows = translation_overview(course_id=course.pk, languages=languages)
            for row in rows:
                row.cells = [
                    {
                        "language": language,
                        "state": row.states[language],
                        "label": STATE_LABELS[row.states[language]],
                        "url": translation_url(row.kind, row.object.pk, language),
                    }
                    for language in languages
                ]
        return super().get_context_data(
            courses=courses,
            course=course,
            rows=rows,
            languages=[{"code": code, "name": _language_name(code)} for code in languages],
            kind_labels={"question": _("Question"), "category": _("Category"), "assessment": _("Assessment")},
            **kwargs,
        )


class _TranslateView(StaffMixin, FormView):
    """One object in one language: the source's wording, the translation's fields, and its state."""

    template_name = "assessments/admin/translate.html"
    page_title = gettext_lazy("Translate")
    header_icon = "globe"
    kind = ""

    def dispatch(self, request, *args, pk, language, **kwargs):
        if not user_may_teach(user=request.user):
            raise PermissionDenied
        model = MODELS[self.kind]
        self.object = self.get_object(model, pk)
        if self.object is None:
            raise Http404
        if not course_list_taught_by(user=request.user).filter(pk=self.object.course_id).exists():
            raise PermissionDenied
        self.source_language = course_source_language(self.object.course_id)
        if language not in content_languages() or language == self.source_language:
            raise Http404
        self.language = language
        self.translation = self.get_translation()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, model, pk):
        return model.objects.filter(pk=pk).first()

    def get_page_subtitle(self):
        return f"{self.label()} · {_language_name(self.language)}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": overview_url(self.object.course_id), "label": _("Translations")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        state = state_of(self.translation, self.digest())
        return super().get_context_data(
            object=self.object,
            label=self.label(),
            state=state,
            state_label=STATE_LABELS[state],
            language=self.language,
            language_name=_language_name(self.language),
            language_dir=language_direction(self.language),
            source_language=self.source_language,
            source_dir=language_direction(self.source_language),
            source_rows=self.source_rows(),
            overview_url=overview_url(self.object.course_id),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.save(form)
        except TranslationRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(label)s” saved in %(language)s.")
            % {"label": self.label(), "language": _language_name(self.language)},
        )
        return redirect(overview_url(self.object.course_id))


class QuestionTranslationForm(forms.Form):
    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["prompt"] = forms.CharField(
            label=gettext_lazy("Question"), widget=get_rich_text_editor_widget(features=PROMPT_FEATURES)
        )
        self.option_ids = []
        for number, option in enumerate(question.options.all(), start=1):
            self.option_ids.append(option.pk)
            self.fields[f"option-{option.pk}-text"] = forms.CharField(
                label=_("Option %(number)d") % {"number": number}, max_length=500, required=False
            )
            self.fields[f"option-{option.pk}-feedback"] = forms.CharField(
                label=_("Feedback on option %(number)d") % {"number": number}, max_length=500, required=False
            )
        if question.type == "short_answer":
            self.fields["accepted_answers"] = forms.CharField(
                label=gettext_lazy("Accepted answers in this language"),
                help_text=gettext_lazy("One per line; accepted as well as the source's accepted answers."),
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
            )
        self.fields["explanation"] = forms.CharField(
            label=gettext_lazy("Explanation"),
            widget=get_rich_text_editor_widget(features=PROMPT_FEATURES),
            required=False,
        )


class QuestionTranslateView(_TranslateView):
    kind = "question"
    form_class = QuestionTranslationForm

    def get_object(self, model, pk):
        return model.objects.prefetch_related("options").filter(pk=pk).first()

    def get_translation(self):
        return (
            QuestionTranslation.objects.prefetch_related("options")
            .filter(question=self.object, language=self.language)
            .first()
        )

    def label(self):
        return self.object.title

    def digest(self):
        return question_digest(self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "question": self.object}

    def get_initial(self):
        translation = self.translation
        if translation is None:
            return {}
        initial = {
            "prompt": translation.prompt,
            "explanation": translation.explanation,
            "accepted_answers": translation.accepted_answers,
        }
        for option in translation.options.all():
            initial[f"option-{option.option_id}-text"] = option.text
            initial[f"option-{option.option_id}-feedback"] = option.feedback
        return initial

    def source_rows(self):
        question = self.object
        rows = [{"label": _("Question"), "html": question.prompt}]
        for number, option in enumerate(question.options.all(), start=1):
            mark = _(" (correct)") if option.is_correct else ""
            rows.append({"label": _("Option %(number)d") % {"number": number} + mark, "text": option.text})
            if option.feedback:
                rows.append({"label": _("Feedback on option %(number)d") % {"number": number}, "text": option.feedback})
        if question.type == "short_answer":
            rows.append({"label": _("Accepted answers"), "text": ", ".join(question.accepted_answer_list)})
        if question.explanation:
            rows.append({"label": _("Explanation"), "html": question.explanation})
        return rows

    def save(self, form):
        data = form.cleaned_data
        question_translation_save(
            question=self.object,
            language=self.language,
            prompt=data["prompt"],
            explanation=data.get("explanation", ""),
            accepted_answers=data.get("accepted_answers", ""),
            options=[
                OptionWording(pk, data.get(f"option-{pk}-text", ""), data.get(f"option-{pk}-feedback", ""))
                for pk in form.option_ids
            ],
            by=self.request.user,
        )


class CategoryTranslationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)


class CategoryTranslateView(_TranslateView):
    kind = "category"
    form_class = CategoryTranslationForm

    def get_translation(self):
        return self.object.translations.filter(language=self.language).first()

    def label(self):
        return self.object.name

    def digest(self):
        return category_digest(self.object)

    def get_initial(self):
        return {"name": self.translation.name} if self.translation else {}

    def source_rows(self):
        return [{"label": _("Name"), "text": self.object.name}]

    def save(self, form):
        category_translation_save(
            category=self.object, language=self.language, name=form.cleaned_data["name"], by=self.request.user
        )


class AssessmentTranslationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    instructions = forms.CharField(
        label=gettext_lazy("Instructions"),
        widget=get_rich_text_editor_widget(features=["bold", "italic", "link", "ol", "ul"]),
        required=False,
    )


class AssessmentTranslateView(_TranslateView):
    kind = "assessment"
    form_class = AssessmentTranslationForm

    def get_translation(self):
        return AssessmentTranslation.objects.filter(assessment=self.object, language=self.language).first()

    def label(self):
        return self.object.title

    def digest(self):
        return assessment_digest(self.object)

    def get_initial(self):
        if self.translation is None:
            return {}
        return {"title": self.translation.title, "instructions": self.translation.instructions}

    def source_rows(self):
        rows = [{"label": _("Title"), "text": self.object.title}]
        if self.object.instructions:
            rows.append({"label": _("Instructions"), "html": self.object.instructions})
        return rows

    def save(self, form):
        assessment_translation_save(
            assessment=self.object,
            language=self.language,
            title=form.cleaned_data["title"],
            instructions=form.cleaned_data.get("instructions", ""),
            by=self.request.user,
        )
