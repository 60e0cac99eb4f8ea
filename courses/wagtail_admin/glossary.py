"""The glossary in the admin: a snippet list per language, with each translation's approval.

Instructors and program managers add, edit and translate terms (the
snippets' own "Translate" and wagtail-localize's editor); a translation is
shown to students once someone holding the edit permission approves it,
from its row's menu or its edit form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from ..models import GlossaryTerm
from ..selectors.translation import default_language
from ..services.glossary import GlossaryRefused, glossary_translation_approve

# Snippet view sets name their addresses after the model.
APPROVE_URL_NAME = "wagtailsnippets_courses_glossaryterm:approve"


class GlossaryIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        is_translation = instance.locale.language_code != default_language()
        if is_translation and self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            url = reverse(APPROVE_URL_NAME, args=[instance.pk])
            if instance.approved:  # rarely wanted: in the row's menu
                buttons.append(MenuItem(_("Withdraw approval"), url=url, icon_name="cross", priority=15))
            else:  # what a reviewer is looking for: on the row
                buttons.append(ListingButton(_("Approve translation"), url=url, icon_name="tick", priority=15))
        return buttons


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    menu_label = _("Glossary")
    menu_order = 210
    index_view_class = GlossaryIndexView
    list_display = [
        "term",
        "abbreviation",
        "theme",
        BooleanColumn("approved", label=_("Approved")),
        "updated_at",
    ]
    list_filter = ["approved", "theme"]
    search_fields = ["term", "abbreviation", "definition"]
    ordering = ["term"]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("approve/<int:pk>/", self.approve_view, name="approve")]

    def approve_view(self, request, pk):
        """A confirmation (GET), then the change (POST): approve a translation, or withdraw its approval."""
        term = get_object_or_404(GlossaryTerm.objects.select_related("locale"), pk=pk)
        if not self.permission_policy.user_has_permission_for_instance(request.user, "change", term):
            raise PermissionDenied
        back = reverse(self.get_url_name("list")) + f"?locale={term.locale.language_code}"
        if request.method == "POST":
            try:
                term = glossary_translation_approve(term_id=term.pk, approved=not term.approved)
            except GlossaryRefused as refusal:
                messages.error(request, str(refusal))
                return redirect(back)
            if term.approved:
                messages.success(request, gettext("“%(term)s” is approved: students now see it.") % {"term": term})
            else:
                messages.success(
                    request,
                    gettext("Approval of “%(term)s” withdrawn: students see the original's definition.")
                    % {"term": term},
                )
            return redirect(back)
        return TemplateResponse(
            request,
            "courses/admin/glossary_approve_confirm.html",
            {"term": term, "back": back, "action": request.path},
        )
