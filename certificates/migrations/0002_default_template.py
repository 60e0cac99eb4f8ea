"""Every site starts with a default certificate template: English, one signatory without an image."""

from django.db import migrations

DEFAULT_NAME = "Default"


def default_template_create(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    TemplateSignatory = apps.get_model("certificates", "TemplateSignatory")
    if CertificateTemplate.objects.filter(is_default=True).exists():
        return
    # The model's own defaults are the default wording, so leave them to it.
    template, _created = CertificateTemplate.objects.get_or_create(
        name=DEFAULT_NAME, defaults={"is_default": True, "language": "en"}
    )
    if not template.is_default:
        template.is_default = True
        template.save(update_fields=["is_default"])
    if not TemplateSignatory.objects.filter(template=template).exists():
        TemplateSignatory.objects.create(
            template=template, sort_order=0, name="Director of Studies", title="PME Learning"
        )


def default_template_remove(apps, schema_editor):
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    CertificateTemplate.objects.filter(name=DEFAULT_NAME, is_default=True, certificates__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(default_template_create, default_template_remove)]
