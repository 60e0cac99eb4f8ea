"""Wagtail's Site history (Reports) is closed to program managers limited by a scope.

Every certificate's audit entry is labelled "CODE (course)", and ``/verify/CODE`` shows the
holder's name, so Site history would tell a manager limited to some countries or programs
the names of other countries' students. Wagtail decides which entries someone sees with
``viewable_by_user`` (``wagtail/models/audit_log.py``), that is by Django model permission
on each content type: one permission on certificates shows every certificate's entries.
A scope is not a model permission (program managers share one group, and the certificate
screens narrow it with ``certificate_list_visible_to``), and Wagtail's ``LogEntriesView``
checks no permission and calls no hook. So a scoped manager does not get Site history at
all: its menu item is taken out (``construct_reports_menu``), and its two URLs (the page
with its CSV/XLSX export, and the results fragment) are refused by a guard around
Wagtail's own view. Unscoped managers and administrators keep it; each certificate's own
page still shows its history to whoever may see that certificate.

The guard wraps the callbacks of Wagtail's URL patterns, found by name
(``wagtailadmin_reports:site_history`` and ``…_results``); a system check
(``certificates.checks.site_history_guard_check``) fails ``manage.py check`` and ``make test``
if a Wagtail upgrade renames them.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from wagtail import hooks

from lms.accounts.api import manager_scope_filter

MENU_ITEM = "site-history"
URL_NAMES = ("site_history", "site_history_results")


def user_sees_site_history(user) -> bool:
    """Everyone Wagtail lets in, except a program manager limited by a scope (administrators never are)."""
    return manager_scope_filter(user=user) is None


def _guarded(view):
    @wraps(view)
    def guarded_view(request, *args, **kwargs):
        if not user_sees_site_history(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    guarded_view.lms_site_history_guard = True
    return guarded_view


def site_history_guard_install() -> list[str]:
    """Wrap Wagtail's Site history views (once); returns the URL names it guards."""
    from wagtail.admin.urls import reports

    guarded = []
    for pattern in reports.urlpatterns:
        if getattr(pattern, "name", None) in URL_NAMES:
            if not getattr(pattern.callback, "lms_site_history_guard", False):
                pattern.callback = _guarded(pattern.callback)
            guarded.append(pattern.name)
    return guarded


@hooks.register("construct_reports_menu")
def _site_history_menu_item_hide(request, menu_items):
    if not user_sees_site_history(request.user):
        menu_items[:] = [item for item in menu_items if item.name != MENU_ITEM]


@hooks.register("register_admin_urls")
def _site_history_guard():
    # Wagtail calls this while it builds its admin URLs: its report patterns exist by then,
    # and they are not yet wrapped in its admin-access check, so the guard runs inside that.
    site_history_guard_install()
    return []
