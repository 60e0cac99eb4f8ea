"""Courses behind a view restriction (signed-in readers, some groups, a password) work for the readers they admit.

Modules inherit their course's restriction: the course's address has checked
the reader, so its outline, its modules' navigation, enrolling and completing
modules follow for them. A module restricted beyond its course stays out of the
outline for everyone (courses.selectors.catalogue.course_outline). Offline PDFs
stay for public courses only: a restricted course offers no download link.
"""

import re

from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Locale, PageViewRestriction

import pytest

from courses.factories import EnrolmentFactory, ModulePageFactory, view_restriction_create
from courses.models import Enrolment, EnrolmentStatus, GlossaryTerm, ModuleProgress
from courses.selectors import course_outline
from courses.services import page_translation_save
from lms.accounts.services import user_profile_update

pytestmark = pytest.mark.django_db

LOGIN, GROUPS, PASSWORD, NONE = (
    PageViewRestriction.LOGIN,
    PageViewRestriction.GROUPS,
    PageViewRestriction.PASSWORD,
    PageViewRestriction.NONE,
)
PREPARING = "The modules of this course are being prepared."


def _outline(html: str) -> list[str]:
    """The module titles listed in the course page's outline, in order."""
    found = re.search(r'<ol class="outline">(.*?)</ol>', html, re.S)
    return re.findall(r'<a href="[^"]*">([^<]*)</a>', found.group(1)) if found else []


def _progress(html: str) -> list[str]:
    return re.findall(r"\d+ of \d+ required modules complete", html)


@pytest.fixture
def partners(db):
    return Group.objects.create(name="Partners")


@pytest.fixture
def member(student, partners):
    student.groups.add(partners)
    return student


# The outline ----------------------------------------------------------------------------------


def test_a_course_for_signed_in_readers_lists_its_modules_to_them(client, student, course, modules):
    view_restriction_create(course, LOGIN)
    anonymous = client.get(course.url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(student)
    page = client.get(course.url).text
    assert _outline(page) == ["Part 1", "Part 2", "Part 3"]
    assert PREPARING not in page


def test_a_course_for_some_groups_lists_its_modules_to_their_members_and_no_one_else(
    client, member, other_student, course, modules, partners
):
    view_restriction_create(course, GROUPS, groups=[partners])
    client.force_login(member)
    assert _outline(client.get(course.url).text) == ["Part 1", "Part 2", "Part 3"]
    client.force_login(other_student)
    refused = client.get(course.url)  # the outline was cached for the member a moment ago
    assert refused.status_code != 200 and "Part 1" not in refused.content.decode()


def test_a_password_protected_course_lists_its_modules_once_the_password_is_given(client, course, modules):
    restriction = view_restriction_create(course, PASSWORD, password="s3cret")
    assert "Part 1" not in client.get(course.url).text  # the password form
    wrong = client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]),
        {"password": "guess", "return_url": course.url},
    )
    assert wrong.status_code == 200 and "Part 1" not in wrong.text
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]),
        {"password": "s3cret", "return_url": course.url},
    )
    assert _outline(client.get(course.url).text) == ["Part 1", "Part 2", "Part 3"]


def test_the_outline_lists_a_module_whose_own_restriction_the_course_already_imposes(
    client, member, course, modules, partners
):
    view_restriction_create(course, GROUPS, groups=[partners])
    view_restriction_create(modules[0], LOGIN)  # every member of the group is signed in
    view_restriction_create(modules[1], GROUPS, groups=[partners])  # the same group again (a copy)
    view_restriction_create(modules[2], NONE)  # "public": admits everyone
    client.force_login(member)
    assert _outline(client.get(course.url).text) == ["Part 1", "Part 2", "Part 3"]


def test_a_module_restricted_beyond_its_course_is_left_out_of_the_outline_for_everyone(
    client, member, instructor, course, modules, partners
):
    view_restriction_create(course, LOGIN)
    staff_notes = ModulePageFactory(parent=course, title="Staff notes", slug="staff-notes")
    view_restriction_create(staff_notes, GROUPS, groups=[Group.objects.get(name="Instructors")])
    view_restriction_create(modules[1], PASSWORD, password="s3cret")  # a password of its own: not implied by signing in
    for reader in (member, instructor):
        client.force_login(reader)
        assert _outline(client.get(course.url).text) == ["Part 1", "Part 3"], reader
    # Its own address still admits whom its restriction lets in, and no one else.
    client.force_login(instructor)
    assert client.get(staff_notes.url).status_code == 200
    client.force_login(member)
    assert client.get(staff_notes.url).status_code != 200
    # On the outline's terms, Part 3 is the second module: it says so.
    EnrolmentFactory(user=member, course=course)
    assert "Module 2 of 2" in client.get(modules[2].url).text


def test_a_public_course_still_leaves_out_a_module_restricted_on_its_own(client, student, course, modules):
    view_restriction_create(modules[1], LOGIN)
    assert _outline(client.get(course.url).text) == ["Part 1", "Part 3"]  # anonymous
    client.force_login(student)
    assert _outline(client.get(course.url).text) == ["Part 1", "Part 3"]
    assert [module.number for module in course_outline(course=course)] == [1, 2]


def test_the_outline_of_a_restricted_course_in_french_uses_the_modules_translated_titles(
    client, member, course, modules, partners
):
    view_restriction_create(course, GROUPS, groups=[partners])
    page_translation_save(source=course, language="fr", fields={"title": "Contrôle civil"})
    page_translation_save(source=modules[0], language="fr", fields={"title": "Première partie"})
    user_profile_update(user=member, preferred_language="fr")
    client.force_login(member)
    assert _outline(client.get(course.url).text) == ["Première partie", "Part 2", "Part 3"]


# Modules: navigation, enrolling, completing -----------------------------------------------------


def test_a_module_of_a_restricted_course_shows_its_place_and_its_neighbours(client, member, course, modules, partners):
    view_restriction_create(course, GROUPS, groups=[partners])
    EnrolmentFactory(user=member, course=course)
    client.force_login(member)
    page = client.get(modules[1].url).text
    assert "Module 2 of 3" in page
    assert f'rel="prev" href="{modules[0].url}"' in page and f'rel="next" href="{modules[2].url}"' in page
    sidebar = re.search(r'<nav class="module-outline".*?</nav>', page, re.S).group(0)
    assert re.findall(r">(Part \d)</a>", sidebar) == ["Part 1", "Part 2", "Part 3"]


def test_a_member_enrols_on_a_course_for_their_group_and_others_are_refused(
    client, member, other_student, course, partners
):
    view_restriction_create(course, GROUPS, groups=[partners])
    client.force_login(other_student)
    assert client.post(reverse("course_enrol", args=[course.pk])).status_code == 404
    assert not Enrolment.objects.filter(user=other_student).exists()
    client.force_login(member)
    response = client.post(reverse("course_enrol", args=[course.pk]))
    assert response.status_code == 302 and response["Location"] == course.url
    assert Enrolment.objects.get(user=member, course=course).status == EnrolmentStatus.ACTIVE


def test_a_password_protected_course_takes_enrolments_only_from_readers_who_gave_the_password(client, student, course):
    restriction = view_restriction_create(course, PASSWORD, password="s3cret")
    client.force_login(student)
    assert client.post(reverse("course_enrol", args=[course.pk])).status_code == 404
    assert not Enrolment.objects.filter(user=student).exists()
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]),
        {"password": "s3cret", "return_url": course.url},
    )
    assert client.post(reverse("course_enrol", args=[course.pk])).status_code == 302
    assert Enrolment.objects.filter(user=student, course=course).exists()


def test_completing_modules_of_a_restricted_course_leads_on_and_shows_on_the_dashboard(
    client, member, course, modules, partners
):
    view_restriction_create(course, GROUPS, groups=[partners])
    enrolment = EnrolmentFactory(user=member, course=course)
    client.force_login(member)
    assert _progress(client.get(course.url).text) == ["0 of 3 required modules complete"]
    response = client.post(reverse("module_complete", args=[modules[0].pk]))
    assert response.status_code == 302 and response["Location"] == modules[1].url
    assert ModuleProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).count() == 1
    assert _progress(client.get(course.url).text) == ["1 of 3 required modules complete"]
    dashboard = client.get("/dashboard/").text
    assert _progress(dashboard) == ["1 of 3 required modules complete"]
    assert f'href="{modules[1].url}"' in dashboard  # "Resume: Part 2"


def test_a_student_who_left_the_group_can_no_longer_complete_its_modules(client, member, course, modules, partners):
    view_restriction_create(course, GROUPS, groups=[partners])
    enrolment = EnrolmentFactory(user=member, course=course)
    member.groups.remove(partners)
    client.force_login(member)
    assert client.post(reverse("module_complete", args=[modules[0].pk])).status_code == 404
    assert not ModuleProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).exists()


def test_completing_a_module_restricted_beyond_its_course_needs_its_own_restriction_passed(
    client, student, instructor, course, modules
):
    staff_notes = ModulePageFactory(parent=course, title="Staff notes", slug="staff-notes")
    view_restriction_create(staff_notes, GROUPS, groups=[Group.objects.get(name="Instructors")])
    enrolment = EnrolmentFactory(user=student, course=course)
    client.force_login(student)
    assert client.post(reverse("module_complete", args=[staff_notes.pk])).status_code == 404
    assert not ModuleProgress.objects.filter(enrolment=enrolment, module=staff_notes).exists()
    assert client.post(reverse("module_complete", args=[10**9])).status_code == 404  # no such module


def test_terms_in_a_restricted_modules_text_link_to_the_glossary(client, member, course, partners):
    term = GlossaryTerm.objects.create(
        term="Security sector reform",
        definition="Reshaping the security sector under democratic control.",
        locale=Locale.objects.get(language_code="en"),
    )
    body = [{"type": "paragraph", "value": "<p>Security sector reform starts with oversight.</p>"}]
    module = ModulePageFactory(parent=course, title="Reform", slug="reform", body=body)
    view_restriction_create(course, GROUPS, groups=[partners])
    EnrolmentFactory(user=member, course=course)
    client.force_login(member)
    page = client.get(module.url).text
    anchor = f"term-{term.translation_key.hex[:12]}"
    assert f'class="glossary-term" href="#glossary-{anchor}"' in page
    assert f'href="/glossary/#{anchor}"' in page


# Offline PDFs: public courses only, and no link that would be refused -------------------------


def test_a_restricted_course_offers_no_pdf_and_refuses_the_address(client, member, course, modules, partners):
    EnrolmentFactory(user=member, course=course)
    client.force_login(member)
    assert "Download the whole course (PDF)" in client.get(course.url).text  # public: offered
    view_restriction_create(course, GROUPS, groups=[partners])
    course_page = client.get(course.url).text
    module_page = client.get(modules[0].url).text
    assert _outline(course_page) and "Download the whole course (PDF)" not in course_page
    assert "Module 1 of 3" in module_page and "Download this module (PDF)" not in module_page
    assert client.get(reverse("course_pdf", args=[course.pk])).status_code == 403
    assert client.get(reverse("module_pdf", args=[modules[0].pk])).status_code == 403


# Queries ---------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)
    caches["default"].clear()  # routes and content fragments rendered again
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_restricted_course_and_module_pages_cost_the_same_whatever_the_number_of_modules(
    client, member, course, modules, partners
):
    view_restriction_create(course, GROUPS, groups=[partners])
    view_restriction_create(modules[0], LOGIN)
    EnrolmentFactory(user=member, course=course)
    client.force_login(member)
    small = (_queries(client, course.url), _queries(client, modules[1].url))
    for n in range(12):
        extra = ModulePageFactory(parent=course, publish="direct")
        if n % 3 == 0:
            view_restriction_create(extra, GROUPS, groups=[Group.objects.get(name="Instructors")])
        elif n % 3 == 1:
            view_restriction_create(extra, LOGIN)
    large = (_queries(client, course.url), _queries(client, modules[1].url))
    assert small == large
    assert len(_outline(client.get(course.url).text)) == 3 + 8
