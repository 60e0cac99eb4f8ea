"""Themes become translatable snippets (wagtail's TranslatableMixin, translated with wagtail-localize).

The themes already there become sources: the default locale and a translation key each.
Names and slugs are unique per locale from now on (a translation keeps its source's slug).
Courses choose among source themes only.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import modelcluster.fields

import courses.models.catalogue


def _checks_now(schema_editor):
    """Foreign keys are checked at commit (deferred) and PostgreSQL alters no table with checks
    pending: the rows just written are checked now, so the table can change in this transaction."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def themes_to_default_locale(apps, schema_editor):
    from wagtail.coreutils import get_supported_content_language_variant

    Locale = apps.get_model("wagtailcore", "Locale")
    Theme = apps.get_model("courses", "Theme")
    if not Theme.objects.exists():
        return
    locale, _created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    for theme in Theme.objects.filter(translation_key__isnull=True).only("pk"):
        Theme.objects.filter(pk=theme.pk).update(translation_key=uuid.uuid4(), locale=locale)
    _checks_now(schema_editor)


def translations_removed(apps, schema_editor):
    """Going back, a name or slug is unique again across the table: only the sources stay."""
    from wagtail.coreutils import get_supported_content_language_variant

    Theme = apps.get_model("courses", "Theme")
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    Theme.objects.exclude(locale__language_code=default).delete()
    _checks_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0010_glossary_term"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="theme",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="theme",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.RunPython(themes_to_default_locale, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="theme",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="theme",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="theme",
            name="name",
            field=models.CharField(max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="theme",
            name="slug",
            field=models.SlugField(
                help_text="Used in the catalogue's addresses; translations keep the original's.",
                max_length=100,
                verbose_name="slug",
            ),
        ),
        migrations.AlterUniqueTogether(
            name="theme",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AddConstraint(
            model_name="theme",
            constraint=models.UniqueConstraint(fields=("name", "locale"), name="courses_theme_name_unique_per_locale"),
        ),
        migrations.AddConstraint(
            model_name="theme",
            constraint=models.UniqueConstraint(fields=("slug", "locale"), name="courses_theme_slug_unique_per_locale"),
        ),
        migrations.AlterField(
            model_name="coursepage",
            name="themes",
            field=modelcluster.fields.ParentalManyToManyField(
                blank=True,
                limit_choices_to=courses.models.catalogue.themes_of_default_locale,
                related_name="courses",
                to="courses.theme",
                verbose_name="themes",
            ),
        ),
        # Undone first when going back, before names and slugs are unique again.
        migrations.RunPython(migrations.RunPython.noop, translations_removed),
    ]
