from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import facts, offline_views, parts, signals

        # Every app's post_migrate, not only ours: permissions of apps listed after
        # this one exist only once their own post_migrate has run.
        post_migrate.connect(_ensure_permissions, dispatch_uid="courses_ensure_permissions")
        signals.connect()
        facts.connect()
        parts.register()
        offline_views.register()


def _ensure_permissions(sender, **kwargs):
    from .services import course_roles_permissions_ensure
    from .services.glossary import glossary_permissions_ensure

    course_roles_permissions_ensure()
    glossary_permissions_ensure()
