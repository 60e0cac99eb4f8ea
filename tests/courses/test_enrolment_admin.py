"""The enrolment screens of the Wagtail admin: lists, filters, exports, decisions, history, manual enrolment."""

import csv
import io

from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from courses.factories import CohortFactory, CoursePageFactory, EnrolmentFactory, ModulePageFactory
from courses.models import Enrolment, EnrolmentEvent, EnrolmentStatus, ModuleProgress
from lms.accounts.factories import SponsoringProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/enrolments/"
APPROVE = "/admin/bulk/courses/enrolment/approve/"
REJECT = "/admin/bulk/courses/enrolment/reject/"


def _student(email, first_name, last_name="Student", **fields):
    return UserFactory(email=email, first_name=first_name, last_name=last_name, **fields)


def _rows(response):
    """The students' names in a listing, in order."""
    assert response.status_code == 200
    return [
        enrolment.user.get_full_name()
        for enrolment in response.context["object_list"]  # the page of rows the table shows
    ]


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _denied(response):
    """The admin refuses with a 403, or by sending the person back to the dashboard with a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _complete(enrolment, modules):
    now = timezone.now()
    for module in modules:
        ModuleProgress.objects.create(enrolment=enrolment, module=module, started_at=now, completed_at=now)


@pytest.fixture
def program(db):
    return SponsoringProgramFactory(code="imet", name="IMET")


@pytest.fixture
def cohort(course, program):
    return CohortFactory(course=course, name="Spring intake", sponsoring_program=program)


@pytest.fixture
def four_modules(course, modules):
    return [*modules, ModulePageFactory(parent=course, title="Part 4", slug="part-4")]


@pytest.fixture
def roster(course, other_course, cohort, four_modules, program):
    """Three students on the instructor's course (one pending), one on another instructor's course."""
    modules = four_modules
    ana = _student("ana@example.org", "Ana", "Silva", country="BR", sponsoring_program=program)
    kofi = _student("kofi@example.org", "Kofi", "Mensah", country="GH")
    lena = _student("lena@example.org", "Lena", "Novak", country="PL")
    omar = _student("omar@example.org", "Omar", "Haddad", country="JO")
    active = EnrolmentFactory(user=ana, course=course, cohort=cohort, last_activity_at=timezone.now())
    _complete(active, modules[:2])
    completed = EnrolmentFactory(user=kofi, course=course, status=EnrolmentStatus.COMPLETED)
    _complete(completed, modules)
    pending = EnrolmentFactory(user=lena, course=course, cohort=cohort, status=EnrolmentStatus.PENDING)
    elsewhere = EnrolmentFactory(user=omar, course=other_course, status=EnrolmentStatus.PENDING)
    return {"active": active, "completed": completed, "pending": pending, "elsewhere": elsewhere}


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


# Listing and filters ----------------------------------------------------------


def test_enrolment_list_shows_a_manager_every_student_with_status_progress_and_activity(manager_client, roster):
    response = manager_client.get(LIST, {"ordering": "user__last_name"})
    assert _rows(response) == ["Omar Haddad", "Kofi Mensah", "Lena Novak", "Ana Silva"]
    html = response.text
    assert "ana@example.org" in html and "Brazil" in html and "IMET" in html and "Spring intake" in html
    assert "Pending approval" in html and "Completed" in html
    assert "50%" in html and "2 of 4" in html
    assert "100%" in html
    ana = next(e for e in response.context["object_list"] if e.user.first_name == "Ana")
    assert ana.progress_percent == 50 and ana.last_activity_at is not None


def test_enrolment_list_shows_an_instructor_only_their_courses_students(instructor_client, other_instructor, roster):
    response = instructor_client.get(LIST)
    assert sorted(_rows(response)) == ["Ana Silva", "Kofi Mensah", "Lena Novak"]
    # Not even as a filter choice: another course's title and students' countries stay out.
    assert "Export Controls" not in response.text
    assert "Jordan" not in response.text
    # Instructors read; they get no selection boxes and no bulk actions.
    assert "data-bulk-action-checkbox" not in response.text
    assert "/admin/enrolments/enrol/" not in response.text

    instructor_client.force_login(other_instructor)
    assert _rows(instructor_client.get(LIST)) == ["Omar Haddad"]


def test_enrolment_list_filters_by_course_cohort_status_country_program_and_search(
    manager_client, roster, course, other_course, cohort, program
):
    def names(**params):
        return sorted(_rows(manager_client.get(LIST, params)))

    assert names(course=other_course.pk) == ["Omar Haddad"]
    assert names(cohort=cohort.pk) == ["Ana Silva", "Lena Novak"]
    assert names(status="pending") == ["Lena Novak", "Omar Haddad"]
    assert names(course=course.pk, status="pending") == ["Lena Novak"]
    assert names(country="GH") == ["Kofi Mensah"]
    assert names(sponsoring_program=program.pk) == ["Ana Silva"]
    assert names(q="silva") == ["Ana Silva"]
    assert names(q="kofi@example") == ["Kofi Mensah"]
    assert names(q="Lena Novak") == ["Lena Novak"]


def test_enrolment_list_sorts_by_progress_and_last_activity(manager_client, roster):
    assert _rows(manager_client.get(LIST, {"ordering": "-progress_percent"}))[:2] == ["Kofi Mensah", "Ana Silva"]
    # Students who never did anything come last, whichever way the column is sorted.
    assert _rows(manager_client.get(LIST, {"ordering": "-last_activity_at"}))[0] == "Ana Silva"
    assert _rows(manager_client.get(LIST, {"ordering": "last_activity_at"}))[0] == "Ana Silva"


def test_enrolment_list_is_refused_to_students_and_anonymous_visitors(client, student, roster):
    assert client.get(LIST).status_code == 302  # to sign in
    client.force_login(student)
    assert _denied(client.get(LIST))
    assert _denied(client.get(LIST, {"export": "csv"}))


def test_enrolment_admin_menu_offers_enrolments_to_instructors_and_managers(client, instructor, manager):
    for person in (instructor, manager):
        client.force_login(person)
        # The sidebar menu is JSON for Wagtail's script.
        assert '"label": "Enrolments"' in client.get("/admin/").text


def _build(course, cohort, modules, rows):
    programs = [SponsoringProgramFactory() for _ in range(3)]
    for n in range(rows):
        user = UserFactory(country=("GH", "BR", "PL")[n % 3], sponsoring_program=programs[n % 3])
        enrolment = EnrolmentFactory(
            user=user,
            course=course,
            cohort=cohort if n % 2 else None,
            status=(EnrolmentStatus.ACTIVE, EnrolmentStatus.PENDING)[n % 2],
            last_activity_at=timezone.now(),
        )
        _complete(enrolment, modules[: n % 3])


def _queries(client, params):
    client.get(LIST, params)  # warm process-level caches (content types, templates)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"status": "pending", "q": "example", "ordering": "-progress_percent"}])
def test_enrolment_list_query_count_does_not_grow_with_rows(client, manager, course, cohort, modules, params):
    client.force_login(manager)
    _build(course, cohort, modules, 2)
    small = _queries(client, params)
    _build(course, cohort, modules, 40)
    assert _queries(client, params) == small
    assert _queries(client, {**params, "export": "csv"}) <= small


# Export ---------------------------------------------------------------------


def test_enrolment_export_csv_keeps_the_filters_and_escapes_formulas(manager_client, roster, course, cohort):
    attacker = _student("eve@example.org", '=HYPERLINK("http://evil.example")', "@SUM(A1)", country="GH")
    EnrolmentFactory(user=attacker, course=course, cohort=cohort, status=EnrolmentStatus.PENDING)

    rows = _csv(manager_client.get(LIST, {"export": "csv", "course": course.pk, "status": "pending"}))

    assert sorted(row["Email"] for row in rows) == ["eve@example.org", "lena@example.org"]
    eve = next(row for row in rows if row["Email"] == "eve@example.org")
    assert eve["Student"] == '\'=HYPERLINK("http://evil.example") @SUM(A1)'
    assert eve["Course"] == "Civilian Control" and eve["Cohort"] == "Spring intake"
    assert eve["Status"] == "Pending approval" and eve["Country"] == "Ghana"
    lena = next(row for row in rows if row["Email"] == "lena@example.org")
    assert lena["Progress (%)"] == "0" and lena["Required modules"] == "4"
    assert lena["Requested"] != "" and lena["Enrolled"] == ""


def test_enrolment_export_csv_gives_an_instructor_only_their_courses(instructor_client, roster):
    rows = _csv(instructor_client.get(LIST, {"export": "csv"}))
    assert sorted(row["Email"] for row in rows) == ["ana@example.org", "kofi@example.org", "lena@example.org"]
    ana = next(row for row in rows if row["Email"] == "ana@example.org")
    assert (ana["Progress (%)"], ana["Required modules completed"], ana["Sponsoring program"]) == ("50", "2", "IMET")


def test_enrolment_export_xlsx_writes_formula_lookalikes_as_text(manager_client, course):
    EnrolmentFactory(user=_student("eve@example.org", "=1+2", "-cmd"), course=course)
    response = manager_client.get(LIST, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = (list(cells) for cells in sheet.iter_rows(min_row=1, max_row=2))
    name = row[[cell.value for cell in header].index("Student")]
    assert name.value == "=1+2 -cmd" and name.data_type == "s"


# Bulk decisions ---------------------------------------------------------------


def test_enrolment_bulk_approve_asks_first_then_approves_and_emails(
    manager_client, manager, roster, django_capture_on_commit_callbacks
):
    pending, elsewhere, active = roster["pending"], roster["elsewhere"], roster["active"]
    query = f"?id={pending.pk}&id={elsewhere.pk}&id={active.pk}&next=/admin/enrolments/"

    page = manager_client.get(APPROVE + query)
    assert page.status_code == 200
    assert "lena@example.org" in page.text and "omar@example.org" in page.text
    assert "not pending requests" in page.text  # the active one is named and left alone
    assert Enrolment.objects.get(pk=pending.pk).status == EnrolmentStatus.PENDING  # a GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(APPROVE + query, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/enrolments/"
    assert "2 requests approved." in response.text
    for enrolment in (pending, elsewhere):
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ACTIVE and enrolment.decided_by == manager
    assert Enrolment.objects.get(pk=active.pk).events.count() == 0
    assert sorted(message.to[0] for message in mail.outbox) == ["lena@example.org", "omar@example.org"]


def test_enrolment_bulk_approve_reports_each_request_a_full_cohort_refuses(
    manager_client, course, program, django_capture_on_commit_callbacks
):
    full = CohortFactory(course=course, name="Autumn intake", capacity=1)
    EnrolmentFactory(user=_student("held@example.org", "Held"), course=course, cohort=full)
    waiting = [
        EnrolmentFactory(user=_student(f"w{n}@example.org", f"Waiting{n}"), course=course, status="pending")
        for n in range(3)
    ]
    refused = EnrolmentFactory(user=_student("late@example.org", "Late"), course=course, cohort=full, status="pending")
    ids = "&".join(f"id={enrolment.pk}" for enrolment in [*waiting, refused])

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(f"{APPROVE}?{ids}&next=/admin/enrolments/", follow=True)

    assert "3 requests approved." in response.text
    assert "1 request could not be approved: The cohort “Autumn intake” is full. (Late Student (Civilian Control))" in (
        response.text
    )
    assert Enrolment.objects.filter(pk__in=[e.pk for e in waiting], status="active").count() == 3
    refused.refresh_from_db()
    assert refused.status == EnrolmentStatus.PENDING and not refused.events.exists()
    assert len(mail.outbox) == 3


def test_enrolment_bulk_reject_keeps_the_reason_and_emails_it(
    manager_client, manager, roster, django_capture_on_commit_callbacks
):
    pending = roster["pending"]
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            f"{REJECT}?id={pending.pk}&next=/admin/enrolments/",
            {"reason": "The spring intake is for officers of the rank of major and above."},
            follow=True,
        )
    assert "1 request rejected." in response.text
    pending.refresh_from_db()
    assert pending.status == EnrolmentStatus.REJECTED and pending.decided_by == manager
    assert pending.decision_reason == "The spring intake is for officers of the rank of major and above."
    event = pending.events.get()
    assert (event.to_status, event.actor, event.reason) == ("rejected", manager, pending.decision_reason)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lena@example.org"]
    assert "major and above" in mail.outbox[0].body


def test_enrolment_bulk_reject_of_a_request_no_longer_pending_says_so(manager_client, roster):
    done = roster["pending"]
    Enrolment.objects.filter(pk=done.pk).update(status=EnrolmentStatus.WITHDRAWN)
    response = manager_client.post(f"{REJECT}?id={done.pk}&next=/admin/enrolments/", {"reason": ""}, follow=True)
    assert "No pending request was selected: nothing changed." in response.text
    assert Enrolment.objects.get(pk=done.pk).status == EnrolmentStatus.WITHDRAWN


def test_enrolment_bulk_approve_all_in_listing_decides_only_what_the_filters_show(
    manager_client, roster, course, django_capture_on_commit_callbacks
):
    query = f"?course={course.pk}&status=pending&id=all&next=/admin/enrolments/"
    assert "omar@example.org" not in manager_client.get(APPROVE + query).text
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(APPROVE + query)
    assert Enrolment.objects.get(pk=roster["pending"].pk).status == EnrolmentStatus.ACTIVE
    assert Enrolment.objects.get(pk=roster["elsewhere"].pk).status == EnrolmentStatus.PENDING


def test_enrolment_decisions_are_refused_to_instructors(instructor_client, roster):
    pending = roster["pending"]  # on the instructor's own course
    for url in (APPROVE, REJECT):
        assert _denied(instructor_client.get(f"{url}?id={pending.pk}"))
        assert _denied(instructor_client.post(f"{url}?id={pending.pk}", {"reason": "no"}))
    pending.refresh_from_db()
    assert pending.status == EnrolmentStatus.PENDING and not EnrolmentEvent.objects.exists()


def test_enrolment_decisions_need_the_csrf_token(manager, roster):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(f"{APPROVE}?id={roster['pending'].pk}")
    assert response.status_code == 403
    assert Enrolment.objects.get(pk=roster["pending"].pk).status == EnrolmentStatus.PENDING


def test_enrolment_list_offers_managers_a_checkbox_on_pending_requests_only(manager_client, roster):
    html = manager_client.get(LIST).text
    assert html.count("data-bulk-action-checkbox ") == 2  # Lena's and Omar's requests
    assert f'data-object-id="{roster["pending"].pk}"' in html
    assert f'data-object-id="{roster["active"].pk}"' not in html
    assert "/admin/bulk/courses/enrolment/approve/" in html and "/admin/bulk/courses/enrolment/reject/" in html


# Detail and history -------------------------------------------------------------


def test_enrolment_detail_shows_its_history_to_those_who_may_see_it(
    client, manager, instructor, other_instructor, roster, django_capture_on_commit_callbacks
):
    pending = roster["pending"]
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{REJECT}?id={pending.pk}", {"reason": "Places are for the 2027 intake."})
    url = f"/admin/enrolments/{pending.pk}/"

    client.force_login(instructor)
    response = client.get(url)
    assert response.status_code == 200
    assert "Lena Novak" in response.text and "Rejected" in response.text
    assert "Places are for the 2027 intake." in response.text
    assert "manager@example.org" in response.text or str(manager) in response.text
    assert "/admin/bulk/courses/enrolment/approve/" not in response.text  # instructors do not decide

    client.force_login(other_instructor)
    assert _denied(client.get(url))
    assert client.get("/admin/enrolments/999999/").status_code == 404


def test_enrolment_detail_offers_a_manager_the_decision_on_a_pending_request(manager_client, roster):
    response = manager_client.get(f"/admin/enrolments/{roster['pending'].pk}/")
    assert response.status_code == 200
    assert f"/admin/bulk/courses/enrolment/approve/?id={roster['pending'].pk}" in response.text


# Enrolling by hand ------------------------------------------------------------------


def test_enrolment_by_hand_places_a_student_on_a_closed_course(manager_client, manager, catalogue, student):
    closed = CoursePageFactory(
        parent=catalogue, title="Conditionality", slug="conditionality", enrolment_policy="closed"
    )
    cohort = CohortFactory(course=closed, name="Embassy staff")
    response = manager_client.post(
        "/admin/enrolments/enrol/", {"student": "STUDENT@example.org ", "course": closed.pk, "cohort": cohort.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"/admin/enrolments/?course={closed.pk}"
    enrolment = Enrolment.objects.get(user=student, course=closed)
    assert (enrolment.status, enrolment.cohort, enrolment.source) == ("active", cohort, "manager")
    assert enrolment.events.get().actor == manager


def test_enrolment_by_hand_shows_refusals_as_form_errors(manager_client, course, student):
    full = CohortFactory(course=course, name="Autumn intake", capacity=1)
    EnrolmentFactory(user=_student("held@example.org", "Held"), course=course, cohort=full)

    response = manager_client.post(
        "/admin/enrolments/enrol/", {"student": student.email, "course": course.pk, "cohort": full.pk}
    )
    assert response.status_code == 200
    assert "The cohort “Autumn intake” is full." in response.text
    assert response.context["form"].errors["cohort"]

    response = manager_client.post("/admin/enrolments/enrol/", {"student": "nobody@example.org", "course": course.pk})
    assert "No active account uses this email address." in response.text
    assert not Enrolment.objects.filter(user=student).exists()


def test_enrolment_by_hand_is_for_managers_only(instructor_client, course, student):
    assert _denied(instructor_client.get("/admin/enrolments/enrol/"))
    response = instructor_client.post("/admin/enrolments/enrol/", {"student": student.email, "course": course.pk})
    assert _denied(response)
    assert not Enrolment.objects.exists()


# Courses with students are not deleted --------------------------------------------


def test_course_delete_is_refused_while_students_are_enrolled(client, admin_user, course, enrolment):
    client.force_login(admin_user)
    response = client.post(f"/admin/pages/{course.pk}/delete/", follow=True)
    assert response.redirect_chain[0][0] == f"/admin/pages/{course.pk}/edit/"
    assert "cannot be deleted: 1 student is enrolled" in response.text
    assert "Unpublish it instead" in response.text
    assert type(course).objects.filter(pk=course.pk).exists()


def test_catalogue_bulk_delete_is_refused_while_a_course_below_has_students(
    client, admin_user, catalogue, course, enrolment
):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/bulk/wagtailcore/page/delete/?id={course.pk}&next=/admin/pages/{catalogue.pk}/", follow=True
    )
    assert "cannot be deleted" in response.text
    assert type(course).objects.filter(pk=course.pk).exists()


def test_course_without_students_can_still_be_deleted(client, admin_user, catalogue):
    empty = CoursePageFactory(parent=catalogue, title="Draft course", slug="draft-course")
    ModulePageFactory(parent=empty)
    client.force_login(admin_user)
    client.post(f"/admin/pages/{empty.pk}/delete/")
    assert not type(empty).objects.filter(pk=empty.pk).exists()


def test_cohort_delete_is_refused_while_students_are_enrolled(manager_client, cohort, roster):
    response = manager_client.post(f"/admin/snippets/courses/cohort/delete/{cohort.pk}/", follow=True)
    assert response.redirect_chain[0][0] == "/admin/snippets/courses/cohort/"
    assert "The cohort “Spring intake” cannot be deleted: 2 students are enrolled in it." in response.text
    assert type(cohort).objects.filter(pk=cohort.pk).exists()


def test_course_pages_and_cohorts_link_to_their_students(
    client, admin_user, instructor, manager, catalogue, course, cohort
):
    students = f"/admin/enrolments/?course={course.pk}"
    client.force_login(admin_user)
    assert students in client.get(f"/admin/pages/{catalogue.pk}/").text  # the course's row in the explorer
    client.force_login(instructor)
    assert students in client.get(f"/admin/pages/{course.pk}/").text  # the course's own header
    client.force_login(manager)
    assert f"/admin/enrolments/?cohort={cohort.pk}" in client.get("/admin/snippets/courses/cohort/").text
