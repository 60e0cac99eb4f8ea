from django.conf import settings
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import offline_views
from courses import views as course_views
from lms.accounts import views as accounts_views
from lms.core import routing
from lms.core import views as core_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("lms.accounts.urls")),
    path("dashboard/", course_views.dashboard, name="dashboard"),
    path("assessments/", include("assessments.urls")),
    path("dashboard/certificates/", include("certificates.urls")),
    path("verify/", include("certificates.urls_verify")),
    path("glossary/", include("courses.glossary_views")),
    path("dashboard/courses/<int:course_id>/enrol/", course_views.course_enrol, name="course_enrol"),
    path("dashboard/courses/<int:course_id>/withdraw/", course_views.course_withdraw, name="course_withdraw"),
    path("dashboard/modules/<int:module_id>/complete/", course_views.module_complete_view, name="module_complete"),
    path("dashboard/modules/<int:module_id>/offline.pdf", offline_views.module_pdf, name="module_pdf"),
    path("dashboard/courses/<int:course_id>/offline.pdf", offline_views.course_pdf, name="course_pdf"),
    path("i18n/language/", accounts_views.language_switch, name="language_switch"),
    path("health/live/", core_views.minimal, name="health_live"),
    path(".well-known/", include("certificates.wellknown")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages are served by Wagtail's view with a cached route (lms.core.routing);
# Wagtail's own patterns stay behind it for password-protected pages (its
# ``_util/`` addresses, which the pages' pattern must leave to them).
urlpatterns += [
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]

handler404 = "lms.core.views.page_not_found"
handler500 = "lms.core.views.server_error"
