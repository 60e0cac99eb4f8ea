from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.api import completion_requirement_register

        completion_requirement_register("assessments-required-passed", _required_assessments_unmet)


def _required_assessments_unmet(enrolment) -> list[str]:
    from django.utils.translation import gettext

    from .selectors import assessments_required_unmet

    return [
        gettext("Pass the assessment “%(title)s”.") % {"title": assessment.title}
        for assessment in assessments_required_unmet(enrolment=enrolment)
    ]
