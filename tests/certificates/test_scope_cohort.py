"""A program manager limited to a country, on a cohort's certificates: the figures, issuing for the whole
cohort and Wagtail's Site history cover their own students only; unscoped managers and administrators
still see and issue for everyone.

One cohort with four students who completed the course: two from Kenya, two from Ghana. The scoped
manager is limited to Kenya.
"""

from django.test import Client
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from certificates.models import Certificate, HolderName
from courses.factories import CohortFactory, EnrolmentFactory
from courses.models import EnrolmentStatus
from lms.accounts.factories import UserFactory
from lms.accounts.models import ManagerScope
from lms.accounts.roles import Role
from tests.certificates.test_admin import certificate_issued

pytestmark = pytest.mark.django_db

COHORT = "/admin/certificates/cohort/"
SITE_HISTORY = "/admin/reports/site-history/"


@pytest.fixture
def cohort(course):
    return CohortFactory(course=course, name="Spring intake")


@pytest.fixture
def students(course, cohort):
    """Completed enrolments by country; one Kenyan has confirmed the name to print."""
    enrolments = {"KE": [], "GH": []}
    for n, country in enumerate(("KE", "KE", "GH", "GH")):
        user = UserFactory(email=f"student{n}@example.org", country=country)
        enrolments[country].append(
            EnrolmentFactory(user=user, course=course, cohort=cohort, status=EnrolmentStatus.COMPLETED)
        )
    kenyan = enrolments["KE"][0].user
    HolderName.objects.create(
        user=kenyan, name="Wanjiru Kamau", name_latin="Wanjiru Kamau", confirmed_at=timezone.now()
    )
    return enrolments


@pytest.fixture
def kenya_manager():
    user = UserFactory(email="kenya.manager@example.org", roles=[Role.PROGRAM_MANAGER])
    ManagerScope.objects.create(user=user, countries=["KE"])
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _issued_for(enrolments) -> set[int]:
    return set(Certificate.objects.filter(enrolment__in=enrolments).values_list("enrolment_id", flat=True).distinct())


def _denied(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


# The cohort page and issuing ----------------------------------------------------------------------


def test_cohort_page_counts_only_the_scoped_managers_students(kenya_manager, manager, students, cohort):
    certificate_issued(students["GH"][0], pdf=b"%PDF-1.7\n%%EOF\n")

    page = _client(kenya_manager).get(COHORT, {"cohort": cohort.pk})
    counts = page.context["counts"]
    assert counts["completed"] == 2 and counts["without_certificate"] == 2 and counts["issued"] == 0
    assert "Your manager scope applies" in page.content.decode()

    everyone = _client(manager).get(COHORT, {"cohort": cohort.pk}).context["counts"]
    assert everyone["completed"] == 4 and everyone["without_certificate"] == 3 and everyone["issued"] == 1


def test_cohort_choice_offers_a_scoped_manager_only_cohorts_with_their_students(
    kenya_manager, manager, students, cohort, course
):
    elsewhere = CohortFactory(course=course, name="Ghana only")
    EnrolmentFactory(user=UserFactory(country="GH"), course=course, cohort=elsewhere, status=EnrolmentStatus.COMPLETED)

    offered = set(_client(kenya_manager).get(COHORT).context["form"].fields["cohort"].queryset)
    assert offered == {cohort}
    refused = _client(kenya_manager).get(COHORT, {"cohort": elsewhere.pk})
    assert refused.context["cohort"] is None and "counts" not in refused.context
    assert set(_client(manager).get(COHORT).context["form"].fields["cohort"].queryset) >= {cohort, elsewhere}


def test_cohort_issue_by_a_scoped_manager_covers_only_their_students(kenya_manager, students, cohort):
    response = _client(kenya_manager).post(f"{COHORT}{cohort.pk}/issue/", follow=True)
    assert response.status_code == 200
    assert _issued_for(students["KE"]) == {e.pk for e in students["KE"]}
    assert _issued_for(students["GH"]) == set()
    messages = [str(m) for m in response.context["messages"]]
    # Two new; the Kenyan without a confirmed name waits for it, the other is being prepared.
    assert any("2 new certificates" in m and "1 waiting" in m for m in messages), messages
    logged = ModelLogEntry.objects.filter(action="certificates.bulk_issue", user=kenya_manager)
    assert set(logged.values_list("object_id", flat=True)) == {
        str(pk) for pk in Certificate.objects.filter(enrolment__in=students["KE"]).values_list("pk", flat=True)
    }

    again = _client(kenya_manager).post(f"{COHORT}{cohort.pk}/issue/", follow=True)
    assert any("0 new certificates" in str(m) for m in again.context["messages"])
    assert _issued_for(students["GH"]) == set()


def test_cohort_issue_queues_again_only_the_scoped_managers_pending(kenya_manager, manager, students, cohort):
    from certificates.services import cohort_certificates_issue
    from courses.api import enrolment_list_visible_to

    for enrolment in students["GH"]:
        HolderName.objects.create(
            user=enrolment.user, name="Kwame Mensah", name_latin="Kwame Mensah", confirmed_at=timezone.now()
        )
    assert cohort_certificates_issue(cohort=cohort, actor=manager)["created"] == 4  # pending: 3, waiting: 1

    counts = cohort_certificates_issue(
        cohort=cohort, actor=kenya_manager, enrolments=enrolment_list_visible_to(user=kenya_manager)
    )
    assert counts == {"created": 0, "queued": 1, "awaiting_name": 1}


def test_cohort_issue_by_an_unscoped_manager_or_an_administrator_covers_everyone(
    manager, admin_user, students, cohort, course
):
    _client(manager).post(f"{COHORT}{cohort.pk}/issue/")
    everyone = students["KE"] + students["GH"]
    assert _issued_for(everyone) == {e.pk for e in everyone}

    later = EnrolmentFactory(user=UserFactory(country="GH"), course=course, cohort=cohort, status="completed")
    _client(admin_user).post(f"{COHORT}{cohort.pk}/issue/")
    assert _issued_for([later]) == {later.pk}


# Site history -------------------------------------------------------------------------------------


@pytest.fixture
def logged(manager, students, cohort):
    """Every student's certificate, in the audit log under its code."""
    _client(manager).post(f"{COHORT}{cohort.pk}/issue/")
    return {
        country: [Certificate.objects.get(enrolment=e).code for e in enrolments]
        for country, enrolments in students.items()
    }


def test_site_history_is_refused_to_a_scoped_manager_page_results_and_export(kenya_manager, logged):
    client = _client(kenya_manager)
    for url in (SITE_HISTORY, f"{SITE_HISTORY}results/", f"{SITE_HISTORY}?export=csv"):
        response = client.get(url)
        assert _denied(response), (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert not any(code.encode() in body for code in logged["GH"]), url


def test_site_history_is_not_in_a_scoped_managers_menu(kenya_manager, manager, admin_user, rf):
    from wagtail import hooks
    from wagtail.admin.menu import MenuItem

    def reports_menu_for(user) -> list[str]:
        # Wagtail shows the item only to people with pages to explore; start from a menu that has it.
        request = rf.get("/admin/")
        request.user = user
        items = [MenuItem("Site history", SITE_HISTORY, name="site-history"), MenuItem("Other", "/x/", name="other")]
        for construct in hooks.get_hooks("construct_reports_menu"):
            construct(request, items)
        return [item.name for item in items]

    assert reports_menu_for(kenya_manager) == ["other"]
    assert reports_menu_for(manager) == ["site-history", "other"]
    assert reports_menu_for(admin_user) == ["site-history", "other"]
    assert SITE_HISTORY in _client(admin_user).get("/admin/").content.decode()


@pytest.mark.parametrize("who", ["manager", "admin_user"])
def test_site_history_still_lists_every_certificate_for_unscoped_managers_and_administrators(who, request, logged):
    response = _client(request.getfixturevalue(who)).get(SITE_HISTORY)
    assert response.status_code == 200
    html = response.content.decode()
    assert all(code in html for code in logged["GH"] + logged["KE"])


def test_the_site_history_guard_is_in_place():
    from certificates.checks import site_history_guard_check

    assert site_history_guard_check() == []
