"""Accounts in the Wagtail admin: the scopes that limit program managers to their own students."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.viewsets.model import ModelViewSet

from .models import ManagerScope, User
from .roles import Role


class ManagerScopeForm(WagtailAdminModelForm):
    class Meta:
        model = ManagerScope
        fields = ["user", "countries", "sponsoring_programs"]
        widgets = {"sponsoring_programs": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(groups__name=Role.PROGRAM_MANAGER.value, is_active=True)
        self.fields["user"].help_text = _("Only program managers can be limited.")
        self.fields["user"].error_messages["invalid_choice"] = _(
            "Only program managers can be limited: this person is not an active program manager."
        )
        self.fields["countries"].help_text = _("The students of these countries (their profile's country).")
        self.fields["sponsoring_programs"].help_text = _("The students these programs sponsor.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("countries") and not cleaned.get("sponsoring_programs"):
            raise forms.ValidationError(
                _("Choose at least one country or sponsoring program; a program manager without a scope sees everyone.")
            )
        return cleaned


class ManagerScopeViewSet(ModelViewSet):
    model = ManagerScope
    icon = "globe"
    menu_label = _("Manager scopes")
    add_to_settings_menu = True
    list_display = ["user", "country_names", "sponsoring_program_names"]
    form_fields = ["user", "countries", "sponsoring_programs"]

    def get_form_class(self, for_update=False):
        return ManagerScopeForm


@hooks.register("register_admin_viewset")
def register_manager_scope_viewset():
    return ManagerScopeViewSet("manager_scopes")
