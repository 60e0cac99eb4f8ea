"""Keep on each enrolment how many of its course's live required modules the student has completed
(``Enrolment.required_modules_done``, kept true by ``courses.facts`` from now on), filled here for the progress
already recorded."""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def required_done_fill(apps, schema_editor):
    Enrolment = apps.get_model("courses", "Enrolment")
    CoursePage = apps.get_model("courses", "CoursePage")
    ModulePage = apps.get_model("courses", "ModulePage")
    ModuleProgress = apps.get_model("courses", "ModuleProgress")
    course_ids = Enrolment.objects.values_list("course_id", flat=True).distinct()
    for course in CoursePage.objects.filter(pk__in=course_ids).only("path", "depth"):
        module_ids = list(
            ModulePage.objects.filter(
                live=True, is_required=True, path__startswith=course.path, depth=course.depth + 1
            ).values_list("pk", flat=True)
        )
        done = Subquery(
            ModuleProgress.objects.filter(
                enrolment=OuterRef("pk"), completed_at__isnull=False, module_id__in=module_ids
            )
            .order_by()
            .values("enrolment")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        )
        Enrolment.objects.filter(course_id=course.pk).update(required_modules_done=Coalesce(done, 0) if module_ids else 0)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0011_translatable_theme"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="required_modules_done",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="required modules completed"
            ),
        ),
        migrations.RunPython(required_done_fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="enrolment",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["last_activity_at"],
                include=("activated_at", "required_modules_done", "course", "cohort", "user"),
                name="enrolment_active",
            ),
        ),
    ]
