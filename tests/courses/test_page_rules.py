from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CatalogueIndexPage, CoursePage, HomePage, ModulePage


class CataloguePageRulesTest(WagtailPageTestCase):
    """The tree is always home → catalogue → course → module."""

    def test_home_page_sits_at_the_root_and_holds_only_the_catalogue(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {CatalogueIndexPage})

    def test_catalogue_holds_only_courses(self):
        self.assertAllowedParentPageTypes(CatalogueIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CatalogueIndexPage, {CoursePage})

    def test_courses_hold_only_modules_and_modules_nothing(self):
        self.assertAllowedParentPageTypes(CoursePage, {CatalogueIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})
        self.assertAllowedParentPageTypes(ModulePage, {CoursePage})
        self.assertAllowedSubpageTypes(ModulePage, set())

    def test_the_migrated_site_serves_home_and_catalogue(self):
        home = HomePage.objects.get()
        catalogue = CatalogueIndexPage.objects.get()
        self.assertEqual(catalogue.get_parent().specific, home)
        self.assertEqual(catalogue.url, "/catalogue/")
        self.assertPageIsRoutable(catalogue)
        self.assertPageIsRenderable(home)
