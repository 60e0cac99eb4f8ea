"""Question banks, categories and assessments as snippets, each narrowed to the courses the person teaches.

Who may do what: instructors (the *Instructors* group holds add, change, view
and delete, granted after every migrate by ``assessments.apps``) on the
courses they are assigned to (``CoursePage.instructors``); administrators on
everything; program managers and students on nothing (they never see the
banks: an answer key is for the people who teach). Lists, filters, choosers
and the choices inside the forms start from ``assessments.staff``; every view
of one object (edit, inspect, history, revisions, compare, revert, delete,
usage) is refused for another course's object, whatever its URL.
"""

import functools

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet, SnippetChosenView
from wagtail.snippets.views.snippets import EditView, InspectView, SnippetViewSet, SnippetViewSetGroup

import django_filters

from ..models import Assessment, Question, QuestionCategory, QuestionType
from ..staff import (
    assessment_list_for_staff,
    category_list_for_staff,
    course_list_taught_by,
    question_list_for_staff,
    user_may_teach,
)
from .forms import TYPE_HELP, AssessmentForm, AssessmentItemForm, QuestionCategoryForm, QuestionForm, ScopedInlinePanel

# Permission policy -----------------------------------------------------------------


class CourseScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions (from the Instructors group, or a superuser's), on the courses the person teaches."""

    def __init__(self, model, scoped):
        super().__init__(model)
        self.scoped = scoped  # user -> the queryset of objects of their courses

    def user_has_permission(self, user, action):
        return user_may_teach(user=user) and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and course_is_taught_by(user, instance.course_id)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission(user, action) for action in actions) and course_is_taught_by(
            user, instance.course_id
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return self.model.objects.none()
        return self.scoped(user=user)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])


def course_is_taught_by(user, course_id) -> bool:
    if not user_may_teach(user=user):
        return False
    return user.is_superuser or course_list_taught_by(user=user).filter(pk=course_id).exists()


question_policy = CourseScopedPermissionPolicy(Question, question_list_for_staff)
category_policy = CourseScopedPermissionPolicy(QuestionCategory, category_list_for_staff)
assessment_policy = CourseScopedPermissionPolicy(Assessment, assessment_list_for_staff)
# Registered before any view asks, or Wagtail would fall back to plain model permissions.
for _policy in (question_policy, category_policy, assessment_policy):
    register_permission_policy(_policy.model, _policy)


def _scoped_view(view, model, policy):
    """Refuse a view of one object (its ``pk`` in the URL) of a course the person does not teach."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None:
            instance = model.objects.filter(pk=unquote(str(pk))).only("pk", "course_id").first()
            if instance is not None and not policy.user_has_any_permission_for_instance(
                request.user, ["view", "change", "delete"], instance
            ):
                raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# Choosers: the modal lists only the person's courses' objects --------------------


def _scoped_chooser_viewset(model, policy):
    class ScopedChooseView(ChooseView):
        def get_object_list(self):
            return policy.instances_user_has_any_permission_for(self.request.user, ["view", "change"])

    class ScopedChooseResultsView(ChooseResultsView):
        def get_object_list(self):
            return policy.instances_user_has_any_permission_for(self.request.user, ["view", "change"])

    class ScopedChosenView(SnippetChosenView):
        def get_object(self, pk):
            return policy.instances_user_has_any_permission_for(self.request.user, ["view", "change"]).get(pk=pk)

    class ScopedChooserViewSet(SnippetChooserViewSet):
        choose_view_class = ScopedChooseView
        choose_results_view_class = ScopedChooseResultsView
        chosen_view_class = ScopedChosenView

    ScopedChooserViewSet.__name__ = f"{model.__name__}ChooserViewSet"
    return ScopedChooserViewSet


class CourseScopedSnippetViewSet(SnippetViewSet):
    """A snippet view set whose every list and object view keeps to the person's courses."""

    policy: CourseScopedPermissionPolicy

    def get_queryset(self, request):
        return self.policy.instances_user_has_any_permission_for(request.user, ["view", "change", "delete"])

    @property
    def chooser_viewset_class(self):
        return _scoped_chooser_viewset(self.model, self.policy)

    def get_urlpatterns(self):
        patterns = super().get_urlpatterns()
        for pattern in patterns:
            if "pk" in pattern.pattern.regex.groupindex:
                pattern.callback = _scoped_view(pattern.callback, self.model, self.policy)
        return patterns


# Filters ------------------------------------------------------------------------


def _courses(request):
    return course_list_taught_by(user=request.user)


def _categories(request):
    return category_list_for_staff(user=request.user)


class QuestionFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Course"), queryset=_courses, empty_label=gettext_lazy("All")
    )
    category = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Category"), queryset=_categories, empty_label=gettext_lazy("All")
    )
    type = django_filters.ChoiceFilter(
        label=gettext_lazy("Type"), choices=QuestionType.choices, empty_label=gettext_lazy("All")
    )

    class Meta:
        model = Question
        fields = []


class CourseFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Course"), queryset=_courses, empty_label=gettext_lazy("All")
    )


class CategoryFilterSet(CourseFilterSet):
    class Meta:
        model = QuestionCategory
        fields = []


class AssessmentFilterSet(CourseFilterSet):
    class Meta:
        model = Assessment
        fields = []


# Questions ----------------------------------------------------------------------


def regrade_url(question_id) -> str:
    return reverse("assessments_staff:question_regrade", args=[question_id])


def _translation_summary(question) -> str:
    """“fr: Translated · ar: Out of date · es: Not translated” for the list (prefetched rows only)."""
    from ..translation import STATE_LABELS, question_translation_states

    states = question_translation_states(question, source_language=question.course.locale.language_code)
    return " · ".join(f"{language}: {STATE_LABELS[state]}" for language, state in states.items())


def translations_url(course_id) -> str:
    return reverse("assessments_staff:translations") + f"?course={course_id}"


class QuestionEditView(EditView):
    """The question's form, with a way to apply a fixed key to the answers already given."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(Button(_("Regrade answers"), url=regrade_url(self.object.pk), icon_name="resubmit", priority=60))
        buttons.append(
            Button(_("Translations"), url=translations_url(self.object.course_id), icon_name="globe", priority=65)
        )
        return buttons


class QuestionInspectView(InspectView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if question_policy.user_has_permission_for_instance(self.request.user, "change", self.object):
            buttons.append(
                Button(_("Regrade answers"), url=regrade_url(self.object.pk), icon_name="resubmit", priority=60)
            )
        return buttons


class QuestionViewSet(CourseScopedSnippetViewSet):
    model = Question
    policy = question_policy
    icon = "help"
    menu_label = gettext_lazy("Questions")
    menu_order = 100
    filterset_class = QuestionFilterSet
    search_fields = ["title"]
    inspect_view_enabled = True
    copy_view_enabled = True
    edit_view_class = QuestionEditView
    inspect_view_class = QuestionInspectView
    ordering = ["course__title", "title"]
    inspect_view_fields = ["title", "course", "category", "type", "points", "prompt", "explanation", "rubric"]

    @cached_property
    def list_display(self):
        return [
            "title",
            Column("type", label=_("Type"), accessor="get_type_display", sort_key="type"),
            Column("course", label=_("Course"), accessor="course.title", sort_key="course__title"),
            Column(
                "category",
                label=_("Category"),
                accessor=lambda question: question.category.name if question.category_id else "—",
                sort_key="category__name",
            ),
            Column("points", label=_("Points"), sort_key="points"),
            Column("translations", label=_("Translations"), accessor=_translation_summary),
            UpdatedAtColumn(),
        ]

    def get_queryset(self, request):
        # The translations column reads the options, translations and course language of each row with the list.
        return (
            super().get_queryset(request).select_related("course__locale").prefetch_related("options", "translations")
        )

    edit_handler = ObjectList(
        [
            FieldRowPanel(
                [FieldPanel("course", widget=forms.Select), FieldPanel("category", widget=forms.Select)],
            ),
            FieldPanel("title"),
            FieldPanel("type", help_text=TYPE_HELP),
            FieldPanel("prompt"),
            FieldPanel("image"),
            FieldPanel("points"),
            ScopedInlinePanel(
                "options",
                label=gettext_lazy("Options (choice and true/false questions)"),
                panels=[FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("feedback")],
            ),
            MultiFieldPanel(
                [FieldPanel("scoring_rule"), FieldPanel("accepted_answers"), FieldPanel("case_sensitive")],
                heading=gettext_lazy("Scoring"),
            ),
            MultiFieldPanel(
                [FieldPanel("numeric_answer"), FieldPanel("numeric_tolerance")], heading=gettext_lazy("Numeric")
            ),
            FieldPanel("rubric"),
            FieldPanel("explanation"),
        ],
        base_form_class=QuestionForm,
    )


class QuestionCategoryViewSet(CourseScopedSnippetViewSet):
    model = QuestionCategory
    policy = category_policy
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Question categories")
    menu_order = 200
    filterset_class = CategoryFilterSet
    search_fields = ["name"]

    @cached_property
    def list_display(self):
        return [
            "name",
            Column("course", label=_("Course"), accessor="course.title", sort_key="course__title"),
        ]

    edit_handler = ObjectList(
        [FieldPanel("course", widget=forms.Select), FieldPanel("name")], base_form_class=QuestionCategoryForm
    )


# Assessments --------------------------------------------------------------------


def statistics_url(assessment_id) -> str:
    return reverse("assessments_staff:statistics", args=[assessment_id])


def gradebook_url(course_id) -> str:
    return reverse("assessments_staff:gradebook", args=[course_id])


class AssessmentEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons += [
            Button(_("Question statistics"), url=statistics_url(self.object.pk), icon_name="table", priority=60),
            Button(_("Gradebook"), url=gradebook_url(self.object.course_id), icon_name="list-ul", priority=70),
        ]
        return buttons


class AssessmentViewSet(CourseScopedSnippetViewSet):
    model = Assessment
    policy = assessment_policy
    icon = "tasks"
    menu_label = gettext_lazy("Assessments")
    menu_order = 300
    filterset_class = AssessmentFilterSet
    search_fields = ["title"]
    edit_view_class = AssessmentEditView
    ordering = ["course__title", "title"]

    @cached_property
    def list_display(self):
        return [
            "title",
            Column("course", label=_("Course"), accessor="course.title", sort_key="course__title"),
            Column(
                "module",
                label=_("Module"),
                accessor=lambda assessment: assessment.module.title if assessment.module_id else "—",
            ),
            Column("pass_mark_percent", label=_("Pass mark (%)"), sort_key="pass_mark_percent"),
            Column(
                "is_required",
                label=_("Required"),
                accessor=lambda assessment: _("Yes") if assessment.is_required else _("No"),
            ),
            UpdatedAtColumn(),
        ]

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("course", widget=forms.Select), FieldPanel("module", widget=forms.Select)]),
            FieldPanel("title"),
            FieldPanel("instructions"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("pass_mark_percent"), FieldPanel("is_required")]),
                    FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("attempts_allowed")]),
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                ],
                heading=gettext_lazy("Rules"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("layout"),
                    FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                    FieldPanel("feedback_policy"),
                    FieldPanel("grade_rule"),
                ],
                heading=gettext_lazy("Presentation and feedback"),
            ),
            ScopedInlinePanel(
                "items",
                label=gettext_lazy("Questions: fixed ones, and/or a number drawn at random from a category"),
                form_class=AssessmentItemForm,
                panels=[
                    FieldPanel("question", widget=forms.Select),
                    FieldPanel("category", widget=forms.Select),
                    FieldPanel("draw_count"),
                ],
            ),
        ],
        base_form_class=AssessmentForm,
    )


class AssessmentsViewSetGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionCategoryViewSet, AssessmentViewSet)
    menu_icon = "tasks"
    menu_label = gettext_lazy("Assessments")
    menu_name = "assessments"
    menu_order = 260
