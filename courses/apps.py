from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        post_migrate.connect(_ensure_permissions, sender=self)
        signals.connect()


def _ensure_permissions(sender, **kwargs):
    from .services import course_roles_permissions_ensure

    course_roles_permissions_ensure()
