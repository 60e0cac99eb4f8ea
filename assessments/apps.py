from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.api import completion_requirement_register

        completion_requirement_register("assessments-required-passed", _required_assessments_unmet)
        # Every app's post_migrate, as courses does: permissions exist only once their app's has run.
        post_migrate.connect(_instructor_permissions_grant, dispatch_uid="assessments_instructor_permissions")
        # The student side: the course page's assessments part, the dashboard's results, cache-version signals.
        from . import facts, parts

        parts.register()
        facts.connect()


def _instructor_permissions_grant(sender, **kwargs):
    """Instructors author question banks and assessments; the admin narrows them to their courses."""
    from lms.accounts.api import Role, group_permissions_grant, role_groups_ensure

    group_permissions_grant(
        group=role_groups_ensure()[Role.INSTRUCTOR],
        permissions=[
            f"assessments.{action}_{model}"
            for model in ("question", "questioncategory", "assessment")
            for action in ("add", "change", "view", "delete")
        ],
    )


def _required_assessments_unmet(enrolment) -> list[str]:
    from django.utils.translation import gettext

    from .selectors import assessments_required_unmet

    return [
        gettext("Pass the assessment “%(title)s”.") % {"title": assessment.title}
        for assessment in assessments_required_unmet(enrolment=enrolment)
    ]
