"""What a program manager's scope lets them see, read by the selectors every list starts from."""

from courses.api import enrolment_list_visible_to
from courses.factories import EnrolmentFactory
from lms.accounts.api import ManagerScope, manager_scope_describe, manager_scope_filter
from lms.accounts.factories import SponsoringProgramFactory, UserFactory


def _student(email, country, program):
    return UserFactory(email=email, country=country, sponsoring_program=program)


def test_a_scope_emptied_behind_the_forms_back_shows_nobody_not_everybody(manager, course):
    program = SponsoringProgramFactory(code="imet", name="IMET")
    ghana = _student("ama@example.org", "GH", program)
    EnrolmentFactory(user=ghana, course=course)
    scope = ManagerScope.objects.create(user=manager)
    scope.sponsoring_programs.set([program])
    # The program is deleted (or a shell clears the scope): the scope names nothing any more.
    scope.sponsoring_programs.clear()
    manager = type(manager).objects.get(pk=manager.pk)  # a new request: the scope is read again
    assert manager_scope_filter(user=manager) is not None
    assert not enrolment_list_visible_to(user=manager).exists()
    assert manager_scope_describe(user=manager) == {"countries": [], "program_ids": [], "programs": []}


def test_a_scope_of_countries_and_programs_shows_students_who_match_both(manager, course):
    imet, national = SponsoringProgramFactory(code="imet", name="IMET"), SponsoringProgramFactory(code="nat", name="N")
    both = _student("both@example.org", "GH", imet)
    country_only = _student("country@example.org", "GH", national)
    program_only = _student("program@example.org", "SN", imet)
    for student in (both, country_only, program_only):
        EnrolmentFactory(user=student, course=course)
    scope = ManagerScope.objects.create(user=manager, countries=["GH"])
    scope.sponsoring_programs.set([imet])
    manager = type(manager).objects.get(pk=manager.pk)
    assert set(enrolment_list_visible_to(user=manager).values_list("user__email", flat=True)) == {both.email}


def test_an_administrator_is_never_limited(admin_user, course):
    EnrolmentFactory(user=_student("sn@example.org", "SN", None), course=course)
    ManagerScope.objects.create(user=admin_user, countries=["GH"])
    assert manager_scope_filter(user=admin_user) is None
    assert enrolment_list_visible_to(user=admin_user).count() == 1
