"""Certificate templates in the Wagtail admin: a snippet with revisions and a live PDF preview.

Administrators create and change templates; program managers may look at them
(``certificates.view_certificatetemplate``, granted in ``certificates.apps``) but
not change them; instructors do not see them. The form refuses at save what would
fail or misprint later (``certificates.rendering_checks``): the model's ``clean()``
checks the template's own fields, and the form below checks the signatories'
signature images and names, which live in inline forms the model cannot see yet.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, UpdatedAtColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from ..models import CertificateTemplate
from ..models.templates import MAX_SIGNATORIES
from ..preview import edit_screen_csp_allow


class CertificateTemplateForm(WagtailAdminModelForm):
    """Checks each signatory's image and name once the inline forms have been cleaned."""

    def is_valid(self):
        valid = super().is_valid()
        from ..rendering_checks import image_problem, text_problem

        formset = self.formsets.get("signatories")
        if formset is None:
            return valid
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            message = image_problem(data.get("signature"))
            if message:
                form.add_error("signature", message)
                valid = False
            for field in ("name", "title"):
                message = text_problem(data.get(field) or "")
                if message:
                    form.add_error(field, message)
                    valid = False
        return valid


def _translation_states(template) -> str:
    """“fr: Translated · ar: Out of date · es: Not translated” for the list (prefetched translations)."""
    from ..template_translations import STATE_LABELS, template_translation_states

    return " · ".join(
        f"{language}: {STATE_LABELS[state]}" for language, state in template_translation_states(template).items()
    )


class _CspEditMixin:
    """Wagtail's preview panel frames the preview URL: let this screen frame its own origin."""

    def dispatch(self, request, *args, **kwargs):
        return edit_screen_csp_allow(super().dispatch(request, *args, **kwargs))


class TemplateCreateView(_CspEditMixin, CreateView):
    pass


class TemplateEditView(_CspEditMixin, EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        url = reverse(CertificateTemplateViewSet().get_url_name("translations"), args=[self.object.pk])
        buttons.append(Button(_("Translations"), url=url, icon_name="globe", priority=65))
        return buttons


# Translations -------------------------------------------------------------------------------


class _TranslationMixin(WagtailAdminTemplateMixin):
    """Those who may change templates (administrators) translate them; anyone else is refused."""

    header_icon = "globe"

    def dispatch(self, request, *args, pk, **kwargs):
        from wagtail.permission_policies import ModelPermissionPolicy

        if not ModelPermissionPolicy(CertificateTemplate).user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.template = CertificateTemplate.objects.prefetch_related("translations").filter(pk=pk).first()
        if self.template is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def url(self, name, *args):
        return reverse(CertificateTemplateViewSet().get_url_name(name), args=[self.template.pk, *args])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(CertificateTemplateViewSet().get_url_name("list")), "label": _("Certificate templates")},
            {
                "url": reverse(CertificateTemplateViewSet().get_url_name("edit"), args=[self.template.pk]),
                "label": self.template.name,
            },
            {"url": "", "label": self.get_page_title()},
        ]


def _language_name(code: str) -> str:
    from django.utils.translation import get_language_info

    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


class TemplateTranslationsView(_TranslationMixin, TemplateView):
    """The template's state in every language it can be translated into."""

    template_name = "certificates/admin/template_translations.html"
    page_title = gettext_lazy("Translations")

    def get_context_data(self, **kwargs):
        from ..template_translations import STATE_LABELS, template_translation_states

        rows = [
            {
                "language": language,
                "name": _language_name(language),
                "state": state,
                "label": STATE_LABELS[state],
                "url": self.url("translate", language),
            }
            for language, state in template_translation_states(self.template).items()
        ]
        return super().get_context_data(object=self.template, rows=rows, **kwargs)


class TemplateTranslationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    wording = forms.CharField(
        label=gettext_lazy("Wording"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The same placeholders in braces as the template's wording."),
    )


class TemplateTranslateView(_TranslationMixin, FormView):
    """The template's own title and wording beside the translation's, and its state."""

    template_name = "certificates/admin/template_translate.html"
    page_title = gettext_lazy("Translate")
    form_class = TemplateTranslationForm

    def dispatch(self, request, *args, language, **kwargs):
        self.language = language
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        from ..template_translations import translation_languages

        if self.language not in translation_languages(self.template):
            raise Http404
        return super().get(request, *args, **kwargs)

    def existing(self):
        return next((t for t in self.template.translations.all() if t.language == self.language), None)

    def get_initial(self):
        existing = self.existing()
        return {"title": existing.title, "wording": existing.wording} if existing else {}

    def get_page_subtitle(self):
        return _language_name(self.language)

    def get_context_data(self, **kwargs):
        from ..template_translations import STATE_LABELS, template_translation_states

        state = template_translation_states(self.template).get(self.language, "missing")
        return super().get_context_data(
            object=self.template,
            language=self.language,
            language_name=_language_name(self.language),
            language_dir="rtl" if self.language in settings.LANGUAGES_BIDI else "ltr",
            state=state,
            state_label=STATE_LABELS[state],
            back_url=self.url("translations"),
            **kwargs,
        )

    def form_valid(self, form):
        from ..template_translations import TemplateTranslationRefused, template_translation_save

        try:
            template_translation_save(
                template=self.template,
                language=self.language,
                title=form.cleaned_data["title"],
                wording=form.cleaned_data["wording"],
                by=self.request.user,
            )
        except TemplateTranslationRefused as refusal:
            for field, message in refusal.errors.items():
                form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        name = _language_name(self.language)
        messages.success(self.request, _("Translation saved: %(language)s.") % {"language": name})
        return redirect(self.url("translations"))


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = gettext_lazy("Certificate templates")
    menu_name = "certificate-templates"
    menu_order = 261  # just after "Certificates"
    add_to_admin_menu = True
    url_prefix = "certificates/templates"
    inspect_view_enabled = True
    copy_view_enabled = True
    add_view_class = TemplateCreateView
    edit_view_class = TemplateEditView
    search_fields = ["name", "title"]
    list_display = [
        "name",
        "language",
        "second_language",
        BooleanColumn("is_default", label=gettext_lazy("Default")),
        Column("translations", label=gettext_lazy("Translations"), accessor=_translation_states),
        UpdatedAtColumn(),
    ]

    def get_queryset(self, request):
        return CertificateTemplate.objects.prefetch_related("translations")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/translations/", TemplateTranslationsView.as_view(), name="translations"),
            path("<int:pk>/translations/<str:language>/", TemplateTranslateView.as_view(), name="translate"),
        ]

    list_filter = ["language", "is_default"]
    inspect_view_fields = [
        "name",
        "is_default",
        "language",
        "title",
        "wording",
        "second_language",
        "second_title",
        "second_wording",
        "logo",
        "background",
        "page_size",
        "orientation",
    ]

    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("name"), FieldPanel("is_default")],
                heading=gettext_lazy("Template"),
            ),
            MultiFieldPanel(
                [FieldPanel("language"), FieldPanel("title"), FieldPanel("wording")],
                heading=gettext_lazy("Wording"),
            ),
            MultiFieldPanel(
                [FieldPanel("second_language"), FieldPanel("second_title"), FieldPanel("second_wording")],
                heading=gettext_lazy("Second language (optional)"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("page_size"), FieldPanel("orientation")]),
                    FieldPanel("logo"),
                    FieldPanel("background"),
                ],
                heading=gettext_lazy("Page and images"),
            ),
            InlinePanel(
                "signatories",
                heading=gettext_lazy("Signatories"),
                label=gettext_lazy("Signatory"),
                min_num=1,
                max_num=MAX_SIGNATORIES,
                panels=[FieldPanel("name"), FieldPanel("title"), FieldPanel("signature")],
            ),
        ],
        base_form_class=CertificateTemplateForm,
    )
