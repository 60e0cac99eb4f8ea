"""The site's fixed pages: a home page as the site root and the catalogue below it."""

from django.db import migrations


def create_site_tree(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("courses.HomePage")
    CatalogueIndexPage = apps.get_model("courses.CatalogueIndexPage")

    if HomePage.objects.exists():
        return
    locale, _ = Locale.objects.get_or_create(language_code="en")
    # Wagtail's first migration makes a placeholder welcome page; ours replaces it.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", content_type__model="page").delete()
    root = Page.objects.get(depth=1)
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="courses")
    catalogue_type, _ = ContentType.objects.get_or_create(model="catalogueindexpage", app_label="courses")
    siblings = Page.objects.filter(depth=2).count()
    home = HomePage.objects.create(
        title="Professional military education online",
        draft_title="Professional military education online",
        slug="home",
        content_type=home_type,
        path=f"{root.path}{siblings + 1:04d}",
        depth=2,
        numchild=1,
        url_path="/home/",
        locale=locale,
        intro="<p>Courses on civil-military relations, security sector reform and interoperability for "
        "international officers and officials.</p>",
    )
    root.numchild = siblings + 1
    root.save(update_fields=["numchild"])
    CatalogueIndexPage.objects.create(
        title="Course catalogue",
        draft_title="Course catalogue",
        slug="catalogue",
        content_type=catalogue_type,
        path=f"{home.path}0001",
        depth=3,
        numchild=0,
        url_path="/home/catalogue/",
        locale=locale,
        intro="<p>Choose a course by theme, level or language, or search the catalogue.</p>",
    )
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.update_or_create(
        hostname="localhost", port=80, defaults={"root_page_id": home.pk, "is_default_site": True, "site_name": "PME Learning"}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_site_tree, migrations.RunPython.noop)]
