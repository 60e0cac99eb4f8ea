"""Certificate templates in the Wagtail admin: a snippet with revisions and a live PDF preview.

Administrators create and change templates; program managers may look at them
(``certificates.view_certificatetemplate``, granted in ``certificates.apps``) but
not change them; instructors do not see them. The form refuses at save what would
fail or misprint later (``certificates.rendering_checks``): the model's ``clean()``
checks the template's own fields, and the form below checks the signatories'
signature images and names, which live in inline forms the model cannot see yet.
"""

from django.utils.translation import gettext_lazy

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, UpdatedAtColumn
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


class _CspEditMixin:
    """Wagtail's preview panel frames the preview URL: let this screen frame its own origin."""

    def dispatch(self, request, *args, **kwargs):
        return edit_screen_csp_allow(super().dispatch(request, *args, **kwargs))


class TemplateCreateView(_CspEditMixin, CreateView):
    pass


class TemplateEditView(_CspEditMixin, EditView):
    pass


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
        UpdatedAtColumn(),
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
