import re

from django.core.management import call_command
from django.utils.html import strip_tags

import pytest

from courses.models import Cohort, CoursePage, ModulePage
from lms.accounts.models import User
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = ("student@example.org", "instructor@example.org", "manager@example.org", "admin@example.org")


@pytest.fixture
def seeded(catalogue):
    call_command("seed_demo", verbosity=0)


def test_seed_demo_builds_five_substantive_courses(seeded):
    courses = CoursePage.objects.live()
    assert courses.count() >= 5
    for course in courses:
        assert course.url == f"/catalogue/{course.slug}/"
        assert course.cover_image is not None
        assert course.themes.exists()
        modules = ModulePage.objects.child_of(course).live()
        assert modules.count() >= 4
        for module in modules:
            words = len(re.findall(r"\w+", strip_tags(str(module.body))))
            assert words >= 400, f"{course.slug}/{module.slug} has {words} words"
            assert any(block.block_type == "image" for block in module.body)


def test_seed_demo_is_safe_to_run_twice(seeded):
    counts = (CoursePage.objects.count(), ModulePage.objects.count(), User.objects.count(), Cohort.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        CoursePage.objects.count(),
        ModulePage.objects.count(),
        User.objects.count(),
        Cohort.objects.count(),
    ) == counts


def test_seed_demo_opens_a_cohort_for_every_course(seeded):
    for course in CoursePage.objects.all():
        cohort = Cohort.objects.get(course=course)
        assert cohort.ends_on > cohort.starts_on
        assert cohort.capacity == 30


def test_seed_demo_creates_the_demo_sign_ins_for_each_role(seeded):
    for email in DEMO_ACCOUNTS:
        assert User.objects.get(email=email).check_password("pme-demo")
    assert User.objects.get(email="admin@example.org").is_superuser
    assert User.objects.get(email="manager@example.org").groups.filter(name=Role.PROGRAM_MANAGER.value).exists()
    arabic = User.objects.filter(name_native__regex=r"[\u0600-\u06FF]")
    assert arabic.exists()
    assert User.objects.filter(groups__name=Role.STUDENT.value).values("country").distinct().count() >= 5


def test_the_demo_instructor_teaches_some_courses_not_all(seeded, client):
    instructor = User.objects.get(email="instructor@example.org")
    taught = CoursePage.objects.filter(instructors=instructor)
    assert 0 < taught.count() < CoursePage.objects.count()
    client.force_login(instructor)
    mine, theirs = taught.first(), CoursePage.objects.exclude(instructors=instructor).first()
    assert client.get(f"/admin/pages/{mine.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{theirs.pk}/edit/").status_code in (302, 403)


def test_seed_demo_makes_no_demo_accounts_outside_development(catalogue, settings):
    settings.LMS_DEMO_USERS = False
    call_command("seed_demo", verbosity=0)
    assert CoursePage.objects.count() >= 5
    assert not User.objects.filter(email__in=DEMO_ACCOUNTS).exists()


def test_demo_course_pages_render(seeded, client):
    for course in CoursePage.objects.live():
        assert client.get(course.url).status_code == 200
    module = ModulePage.objects.live().first()
    assert "<figure" not in client.get(module.url).text  # module text is for enrolled students
    client.force_login(User.objects.get(email="student@example.org"))
    response = client.get(module.url)
    assert response.status_code == 200
    assert "<figure" in response.text


def test_demo_students_have_places_progress_and_requests(seeded, client):
    from courses.api import Enrolment, EnrolmentStatus

    statuses = set(Enrolment.objects.values_list("status", flat=True))
    assert {EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED, EnrolmentStatus.PENDING} <= statuses
    client.force_login(User.objects.get(email="student@example.org"))
    dashboard = client.get("/dashboard/").text
    assert "Resume:" in dashboard
    # A second run changes nothing.
    before = Enrolment.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Enrolment.objects.count() == before
