"""Fill the facts the reports read from each enrolment (``Enrolment.assessed_at`` and ``certified_at``)
for the attempts and certificates already there; from now on assessments and certificates keep them.

It lives here, in the app that reads them, because it needs the three apps' tables at once.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def facts_fill(apps, schema_editor):
    Enrolment = apps.get_model("courses", "Enrolment")
    Attempt = apps.get_model("assessments", "Attempt")
    Certificate = apps.get_model("certificates", "Certificate")
    first_graded = (
        Attempt.objects.filter(enrolment=OuterRef("pk"), status="graded").order_by("graded_at").values("graded_at")[:1]
    )
    valid = Certificate.objects.filter(enrolment=OuterRef("pk"), status="issued").values("issued_at")[:1]
    Enrolment.objects.update(assessed_at=Subquery(first_graded), certified_at=Subquery(valid))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("courses", "0007_enrolment_report_facts"),
        ("assessments", "0002_report_indexes"),
        ("certificates", "0002_default_template"),
    ]

    operations = [migrations.RunPython(facts_fill, migrations.RunPython.noop, elidable=True)]
