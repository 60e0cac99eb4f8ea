"""Every URL, for every role, with the answer each must get.

Later work adds its URLs to ROUTES. LOGIN means a redirect to the sign-in page;
DENIED means the admin refused (Wagtail redirects with a message, or 403).
"""

import pytest

from courses.factories import EnrolmentFactory, ModulePageFactory

pytestmark = pytest.mark.django_db

OK, LOGIN, DENIED, AWAY = "ok", "login", "denied", "away"
PREPARING = "status 202"  # an offline PDF being made: a page that looks again
ROLES = ("anonymous", "student", "other_student", "instructor", "other_instructor", "manager", "admin")

# url template: expected answer per role, in ROLES order.
ROUTES = {
    "/": (OK, OK, OK, OK, OK, OK, OK),
    "/catalogue/": (OK, OK, OK, OK, OK, OK, OK),
    "/catalogue/?q=control&level=foundation": (OK, OK, OK, OK, OK, OK, OK),
    "{course}": (OK, OK, OK, OK, OK, OK, OK),
    "{module}": (OK, OK, OK, OK, OK, OK, OK),
    "/health/live/": (OK, OK, OK, OK, OK, OK, OK),
    "/accounts/login/": (OK, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    "/accounts/signup/": (OK, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    "/accounts/password-reset/": (OK, OK, OK, OK, OK, OK, OK),
    "/accounts/profile/": (LOGIN, OK, OK, OK, OK, OK, OK),
    "/accounts/two-factor/": (LOGIN, OK, OK, OK, OK, OK, OK),
    "/dashboard/": (LOGIN, OK, OK, OK, OK, OK, OK),
    "/admin/": (LOGIN, DENIED, DENIED, OK, OK, OK, OK),
    "/admin/pages/{course_id}/": (LOGIN, DENIED, DENIED, OK, DENIED, DENIED, OK),
    "/admin/pages/{course_id}/edit/": (LOGIN, DENIED, DENIED, OK, DENIED, DENIED, OK),
    "/admin/pages/{module_id}/edit/": (LOGIN, DENIED, DENIED, OK, DENIED, DENIED, OK),
    "/admin/pages/add/courses/modulepage/{course_id}/": (LOGIN, DENIED, DENIED, OK, DENIED, DENIED, OK),
    "/admin/pages/{course_id}/delete/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, OK),
    "/admin/pages/{catalogue_id}/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, OK),
    "/admin/snippets/courses/theme/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, OK),
    "/admin/snippets/courses/cohort/": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/snippets/courses/cohort/add/": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/users/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, OK),
    "/admin/groups/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, OK),
    "/admin/images/": (LOGIN, DENIED, DENIED, OK, OK, DENIED, OK),
    "/admin/students/import/": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/students/import/template.csv": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/enrolments/": (LOGIN, DENIED, DENIED, OK, OK, OK, OK),
    "/admin/enrolments/results/?course={course_id}&status=pending&q=a": (LOGIN, DENIED, DENIED, OK, OK, OK, OK),
    "/admin/enrolments/?export=csv": (LOGIN, DENIED, DENIED, OK, OK, OK, OK),
    "/admin/enrolments/{enrolment_id}/": (LOGIN, DENIED, DENIED, DENIED, OK, OK, OK),
    "/admin/enrolments/enrol/": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/bulk/courses/enrolment/approve/?id={enrolment_id}": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/bulk/courses/enrolment/reject/?id={enrolment_id}": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    # Assessments: the start page for students with a place; an attempt is its student's alone (404 to anyone else).
    "/assessments/{assessment_id}/": (LOGIN, OK, DENIED, DENIED, DENIED, DENIED, DENIED),
    "/assessments/attempts/{attempt_id}/": (LOGIN, OK, *["status 404"] * 5),
    "/assessments/attempts/{attempt_id}/?q=1": (LOGIN, OK, *["status 404"] * 5),
    "/assessments/attempts/{attempt_id}/submit/": (LOGIN, OK, *["status 404"] * 5),
    "/assessments/attempts/{submitted_attempt_id}/result/": (LOGIN, OK, *["status 404"] * 5),
    # Instructors' screens: banks and lists for instructors and administrators; one course's
    # objects (all on the other instructor's course) for its instructor and administrators only.
    "/admin/snippets/assessments/question/": (LOGIN, DENIED, DENIED, OK, OK, DENIED, OK),
    "/admin/snippets/assessments/question/add/": (LOGIN, DENIED, DENIED, OK, OK, DENIED, OK),
    "/admin/snippets/assessments/question/edit/{essay_question_id}/": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED, OK),
    "/admin/snippets/assessments/question/history/{essay_question_id}/": (LOGIN, *[DENIED] * 3, OK, DENIED, OK),
    "/admin/snippets/assessments/questioncategory/": (LOGIN, DENIED, DENIED, OK, OK, DENIED, OK),
    "/admin/snippets/assessments/assessment/": (LOGIN, DENIED, DENIED, OK, OK, DENIED, OK),
    "/admin/snippets/assessments/assessment/edit/{assessment_id}/": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED, OK),
    "/admin/assessments/grading/": (LOGIN, DENIED, DENIED, OK, OK, DENIED, OK),
    "/admin/assessments/grading/{essay_answer_id}/": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED, OK),
    "/admin/assessments/attempts/{submitted_attempt_id}/": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED, OK),
    "/admin/assessments/questions/{essay_question_id}/regrade/": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED, OK),
    "/admin/assessments/gradebooks/": (LOGIN, DENIED, DENIED, OK, OK, DENIED, OK),
    "/admin/assessments/gradebooks/{other_course_id}/": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED, OK),
    "/admin/assessments/gradebooks/{other_course_id}/?export=xlsx": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED, OK),
    "/admin/assessments/statistics/{assessment_id}/": (LOGIN, DENIED, DENIED, DENIED, OK, DENIED, OK),
    # Offline PDFs: whoever reads the module text (a place on the course, its instructor, managers,
    # administrators); the first request queues the PDF and every one answers "being prepared".
    "/dashboard/modules/{module_id}/offline.pdf": (LOGIN, DENIED, DENIED, PREPARING, DENIED, PREPARING, PREPARING),
    "/dashboard/courses/{course_id}/offline.pdf": (LOGIN, DENIED, DENIED, PREPARING, DENIED, PREPARING, PREPARING),
    "/dashboard/modules/{other_module_id}/offline.pdf": (LOGIN, PREPARING, DENIED, DENIED, *[PREPARING] * 3),
    "/dashboard/courses/{other_course_id}/offline.pdf": (LOGIN, PREPARING, DENIED, DENIED, *[PREPARING] * 3),
    "/dashboard/modules/999999999/offline.pdf": (LOGIN, *["status 404"] * 6),
    # wagtail-localize's snippet API and translations report: no course's bank or pages to whoever asks.
    "/admin/localize/api/snippets/assessments/question/": (LOGIN, *[DENIED] * 5, OK),
    "/admin/localize/api/snippets/assessments/question/{essay_question_id}/": (LOGIN, *[DENIED] * 5, OK),
    "/admin/localize/api/snippets/courses/glossaryterm/": (LOGIN, DENIED, DENIED, OK, OK, OK, OK),
    # Themes (translatable snippets): administrators alone edit and translate them.
    "/admin/localize/api/snippets/courses/theme/": (LOGIN, *[DENIED] * 5, OK),
    "/admin/localize/submit/snippet/courses/theme/{theme_id}/": (LOGIN, *[DENIED] * 5, OK),
    "/admin/snippets/courses/theme/edit/{theme_id}/": (LOGIN, *[DENIED] * 5, OK),
    "/admin/localize/reports/translations/": (LOGIN, *[DENIED] * 5, OK),
    "/admin/localize/reports/translations/results/": (LOGIN, *[DENIED] * 5, OK),
}


def _assessment_values(student, course) -> dict:
    """The student holds a place on ``course`` and has one open and one submitted attempt at its assessments."""
    from assessments.factories import AssessmentFactory, QuestionFactory
    from assessments.services import attempt_start, attempt_submit

    EnrolmentFactory(user=student, course=course)
    question = QuestionFactory(course=course, options=[("Parliament", True), ("The staff", False)])
    open_one, done = (AssessmentFactory(course=course, questions=[question]) for _ in range(2))
    submitted = attempt_start(user=student, assessment=done)
    attempt_submit(user=student, attempt_id=submitted.pk)
    return {
        "assessment_id": open_one.pk,
        "attempt_id": attempt_start(user=student, assessment=open_one).pk,
        "submitted_attempt_id": submitted.pk,
    }


def _staff_values(student, course) -> dict:
    """An essay the student (already on ``course``) submitted, awaiting its instructor's points."""
    from assessments.factories import AssessmentFactory, QuestionFactory
    from assessments.services import attempt_start, attempt_submit

    essay = QuestionFactory(course=course, type="essay", title="Reflection", prompt="<p>Discuss.</p>")
    attempt = attempt_start(user=student, assessment=AssessmentFactory(course=course, questions=[essay]))
    attempt_submit(user=student, attempt_id=attempt.pk)
    return {
        "other_course_id": course.pk,
        "essay_question_id": essay.pk,
        "essay_answer_id": attempt.questions.get().pk,
    }


# Certificates, on courses of their own (see _certificate_values): the valid certificate's course is
# the other instructor's only course, the revoked one's the instructor's only course. (An instructor
# teaching several courses may open the page explorer at their common parent, which would change
# the page rows of ROUTES above.)
CERTIFICATE_ROUTES = {
    # Certificates, the student's side: each person's name and transcript; a certificate's files
    # for its holder alone (404 to anyone else, as if it did not exist), and never once revoked.
    "/dashboard/certificates/name/": (LOGIN, OK, OK, OK, OK, OK, OK),
    "/dashboard/certificates/transcript.pdf": (LOGIN, OK, OK, OK, OK, OK, OK),
    "/dashboard/certificates/{certificate_code}/certificate.pdf": (LOGIN, OK, *["status 404"] * 5),
    "/dashboard/certificates/{certificate_code}/credential.json": (LOGIN, OK, *["status 404"] * 5),
    "/dashboard/certificates/{revoked_code}/certificate.pdf": (LOGIN, *["status 404"] * 6),
    "/dashboard/certificates/{revoked_code}/credential.json": (LOGIN, *["status 404"] * 6),
    # The public check: anyone, signed in or not; a certificate still being prepared is unknown.
    "/verify/": (OK, OK, OK, OK, OK, OK, OK),
    "/verify/?code={certificate_code_loose}": (AWAY, AWAY, AWAY, AWAY, AWAY, AWAY, AWAY),
    "/verify/{certificate_code}/": (OK, OK, OK, OK, OK, OK, OK),
    "/verify/{certificate_code}.json": (OK, OK, OK, OK, OK, OK, OK),
    "/verify/{revoked_code}/": (OK, OK, OK, OK, OK, OK, OK),
    "/verify/{pending_code}/": ("status 404",) * 7,
    "/verify/{pending_code}.json": ("status 404",) * 7,
    # Certificates in the admin: instructors read their courses' (all on the other instructor's
    # course); program managers and administrators read all and act.
    "/admin/certificates/": (LOGIN, DENIED, DENIED, OK, OK, OK, OK),
    "/admin/certificates/results/?status=issued&q=a": (LOGIN, DENIED, DENIED, OK, OK, OK, OK),
    "/admin/certificates/{certificate_id}/": (LOGIN, DENIED, DENIED, DENIED, OK, OK, OK),
    "/admin/certificates/{certificate_id}/revoke/": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/certificates/{certificate_id}/reissue/": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/certificates/cohort/": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/certificates/cohort/?cohort={certificate_cohort_id}": (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK),
    "/admin/certificates/cohort/{certificate_cohort_id}/certificates.zip": (LOGIN, *[DENIED] * 4, OK, OK),
}


def _certificate_values(people, catalogue, *, render=True) -> dict:
    """The student's valid certificate (in a cohort, on the other instructor's course) and revoked
    one (on the instructor's course); another student's certificate waiting for the name to print,
    and another completion in the cohort still without a certificate."""
    from certificates.models import Certificate, CertificateStatus
    from certificates.services import certificate_for_enrolment_create, certificate_revoke
    from courses.factories import CohortFactory, CoursePageFactory
    from courses.models import EnrolmentStatus
    from lms.accounts.factories import UserFactory
    from tests.certificates.test_admin import certificate_issued

    student, other_student = people["student"], people["other_student"]
    reform = CoursePageFactory(
        parent=catalogue, title="Security Sector Reform", slug="ssr", instructors=[people["other_instructor"]]
    )
    doctrine = CoursePageFactory(
        parent=catalogue, title="Doctrine", slug="doctrine", instructors=[people["instructor"]]
    )
    cohort = CohortFactory(course=reform, name="Spring intake")
    completed = EnrolmentStatus.COMPLETED
    pdf = None if render else b"%PDF-1.7\n%%EOF\n"
    valid = certificate_issued(
        EnrolmentFactory(user=student, course=reform, cohort=cohort, status=completed), latin="Amina Diallo", pdf=pdf
    )
    revoked = certificate_issued(EnrolmentFactory(user=student, course=doctrine, status=completed), pdf=pdf)
    certificate_revoke(certificate_id=revoked.pk, actor=None, reason="Issued in error.")
    pending, _made = certificate_for_enrolment_create(
        enrolment=EnrolmentFactory(user=other_student, course=doctrine, status=completed)
    )
    EnrolmentFactory(user=UserFactory(), course=reform, cohort=cohort, status=completed)
    assert pending.status == CertificateStatus.AWAITING_NAME and Certificate.objects.count() == 3
    return {
        "certificate_id": valid.pk,
        "certificate_code": valid.code,
        "certificate_code_loose": valid.code.lower().replace("-", "+"),
        "revoked_code": revoked.code,
        "pending_code": pending.code,
        "certificate_cohort_id": cohort.pk,
    }


def _outcome(response):
    if response.status_code == 200:
        return OK
    if response.status_code == 403:
        return DENIED
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/admin/") or location.startswith("/accounts/login/?next=/admin"):
            return DENIED
        return AWAY
    return f"status {response.status_code}"


def _mismatches(client, people, routes, values) -> list[str]:
    mismatches = []
    for role in ROLES:
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        for template, expected in routes.items():
            url = template.format(**values)
            got = _outcome(client.get(url))
            want = expected[ROLES.index(role)]
            if got != want:
                mismatches.append(f"{role:17} {url:50} expected {want}, got {got}")
    return mismatches


def test_every_url_answers_every_role_as_expected(client, people, catalogue, course, other_course):
    module = ModulePageFactory(parent=course, title="Part 1", slug="part-1")
    values = {
        "course": course.url,
        "module": module.url,
        "course_id": course.pk,
        "module_id": module.pk,
        "catalogue_id": catalogue.pk,
        "theme_id": course.themes.get().pk,
        "other_module_id": ModulePageFactory(parent=other_course, title="Part 1", slug="part-1").pk,
        # A request on the other instructor's course: the course above stays deletable.
        "enrolment_id": EnrolmentFactory(user=people["other_student"], course=other_course, status="pending").pk,
        **_assessment_values(people["student"], other_course),
        **_staff_values(people["student"], other_course),
    }
    mismatches = _mismatches(client, people, ROUTES, values)
    assert not mismatches, "\n" + "\n".join(mismatches)


def test_every_certificate_url_answers_every_role_as_expected(client, people, catalogue, settings):
    # Every role checks certificates from the same address: the public check's limit is not under test here.
    settings.CERTIFICATE_VERIFY_RATE = "1000/m"
    mismatches = _mismatches(client, people, CERTIFICATE_ROUTES, _certificate_values(people, catalogue))
    assert not mismatches, "\n" + "\n".join(mismatches)


# The student's POST actions, for every role. REFUSED: a redirect back with a refusal
# message and nothing written; DONE: the action took effect for that person only.
REFUSED, DONE = "refused", "done"
POST_ROUTES = {
    # Enrolling is open to anyone signed in on an open course.
    "/dashboard/courses/{course_id}/enrol/": (LOGIN, REFUSED, DONE, DONE, DONE, DONE, DONE),
    # Only the enrolled student has a place to give up, or a module to complete.
    "/dashboard/courses/{course_id}/withdraw/": (LOGIN, DONE, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED),
    "/dashboard/modules/{module_id}/complete/": (LOGIN, DONE, REFUSED, REFUSED, REFUSED, REFUSED, REFUSED),
}


def test_every_student_action_answers_every_role_as_expected(client, people, course, student):
    from courses.factories import EnrolmentFactory
    from courses.models import Enrolment, ModuleProgress

    module = ModulePageFactory(parent=course, title="Part 1", slug="part-1")
    ModulePageFactory(parent=course, title="Part 2", slug="part-2")
    values = {"course_id": course.pk, "module_id": module.pk}
    mismatches = []
    for template, expected in POST_ROUTES.items():
        for role in ROLES:
            Enrolment.objects.all().delete()
            EnrolmentFactory(user=student, course=course)  # the student (only) holds a place
            client.logout()
            person = people[role]
            if person is not None:
                client.force_login(person)
            before = (
                set(Enrolment.objects.values_list("user_id", "status")),
                set(ModuleProgress.objects.filter(completed_at__isnull=False).values_list("enrolment__user_id")),
            )
            response = client.post(template.format(**values))
            after = (
                set(Enrolment.objects.values_list("user_id", "status")),
                set(ModuleProgress.objects.filter(completed_at__isnull=False).values_list("enrolment__user_id")),
            )
            if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
                got = LOGIN if before == after else "login but changed"
            elif response.status_code == 302:
                changed_people = {u for u, _s in after[0] ^ before[0]} | {u for (u,) in after[1] ^ before[1]}
                if not changed_people:
                    got = REFUSED
                elif changed_people == {person.pk}:
                    got = DONE
                else:
                    got = f"changed {changed_people}"
            else:
                got = f"status {response.status_code}"
            want = expected[ROLES.index(role)]
            if got != want:
                mismatches.append(f"{role:17} POST {template:45} expected {want}, got {got}")
    assert not mismatches, "\n" + "\n".join(mismatches)


# Certificate actions, for every role. DENIED: refused before anything was looked at (403, or
# the sign-in page for anonymous visitors: LOGIN); DONE: the certificates changed as asked.
CERTIFICATE_POST_ROUTES = {
    "/admin/certificates/{certificate_id}/revoke/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DONE, DONE),
    "/admin/certificates/{certificate_id}/reissue/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DONE, DONE),
    "/admin/certificates/cohort/{certificate_cohort_id}/issue/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DONE, DONE),
    # Confirming the name to print: anyone signed in, for themselves only.
    "/dashboard/certificates/name/": (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE),
}


def _action_outcome(response):
    """LOGIN or DENIED when refused at the door; otherwise what the state change will tell."""
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location.startswith("/accounts/login/"):
        return LOGIN
    if response.status_code == 403 or location == "/admin/":
        return DENIED
    return f"status {response.status_code}"


class _Undo(Exception):
    """Raised to roll back what one request did, so that every role starts from the same state."""


def test_every_certificate_action_answers_every_role_as_expected(client, people, catalogue):
    from django.db import transaction

    from certificates.models import Certificate, HolderName

    values = _certificate_values(people, catalogue, render=False)
    form = {"reason": "Issued in error.", "name": "Amina Diallo", "name_latin": "Amina Diallo", "confirm": "on"}

    def state():
        return (
            set(Certificate.objects.values_list("code", "status")),
            set(HolderName.objects.values_list("user_id", "name")),
        )

    mismatches = []
    for template, expected in CERTIFICATE_POST_ROUTES.items():
        url = template.format(**values)
        for role in ROLES:
            client.logout()
            person = people[role]
            if person is not None:
                client.force_login(person)
            got = None
            try:
                with transaction.atomic():
                    before = state()
                    response = client.post(url, form)
                    after = state()
                    outcome = _action_outcome(response)
                    if before == after:
                        got = outcome if outcome in (LOGIN, DENIED) else f"{outcome}, nothing changed"
                    elif outcome in (LOGIN, DENIED):
                        got = f"{outcome} but changed"
                    elif template.startswith("/dashboard/") and {u for u, _n in after[1] ^ before[1]} != {person.pk}:
                        got = "changed someone else's name"
                    else:
                        got = DONE
                    raise _Undo
            except _Undo:
                pass
            want = expected[ROLES.index(role)]
            if got != want:
                mismatches.append(f"{role:17} POST {url:60} expected {want}, got {got}")
    assert not mismatches, "\n" + "\n".join(mismatches)


# Reports (lms.reports) and the managers' scopes: program managers and administrators only.
# Instructors open the admin but not the reports (403); students not even the admin.
MANAGERS_ONLY = (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK)
REPORT_ROUTES = {
    "/admin/learning-reports/": MANAGERS_ONLY,
    "/admin/learning-reports/?country=GH&start=2025-01-01&end=2025-12-31": MANAGERS_ONLY,
    "/admin/learning-reports/scheduled/": MANAGERS_ONLY,
    **{
        f"/admin/learning-reports/{key}/{suffix}?{query}": MANAGERS_ONLY
        for key, query in {
            "students": "stage=enrolled",
            "completion": "",
            "roster": "cohort={report_cohort_id}",
            "at_risk": "idle_days=7",
            "assessment": "assessment={report_assessment_id}",
        }.items()
        for suffix in ("", "export/csv/", "export/xlsx/")
    },
    "/admin/learning-reports/nothing/": (LOGIN, DENIED, DENIED, DENIED, DENIED, "status 404", "status 404"),
    "/admin/learning-reports/completion/export/pdf/": (LOGIN, *[DENIED] * 4, "status 404", "status 404"),
    # The scopes themselves: administrators only (Settings → Manager scopes).
    "/admin/manager_scopes/": (LOGIN, *[DENIED] * 5, OK),
    "/admin/manager_scopes/new/": (LOGIN, *[DENIED] * 5, OK),
    "/admin/manager_scopes/edit/{scope_id}/": (LOGIN, *[DENIED] * 5, OK),
    "/admin/manager_scopes/delete/{scope_id}/": (LOGIN, *[DENIED] * 5, OK),
}


def _report_values(people, course) -> dict:
    from assessments.factories import AssessmentFactory, QuestionFactory
    from courses.factories import CohortFactory
    from lms.accounts.factories import UserFactory
    from lms.accounts.models import ManagerScope
    from lms.accounts.roles import Role

    cohort = CohortFactory(course=course, name="Spring intake")
    EnrolmentFactory(user=people["student"], course=course, cohort=cohort)
    question = QuestionFactory(course=course, options=[("Parliament", True), ("The staff", False)])
    officer = UserFactory(email="embassy.officer@example.org", roles=[Role.PROGRAM_MANAGER])
    return {
        "report_cohort_id": cohort.pk,
        "report_assessment_id": AssessmentFactory(course=course, questions=[question]).pk,
        "scope_id": ManagerScope.objects.create(user=officer, countries=["GH"]).pk,
    }


def test_every_report_url_answers_every_role_as_expected(client, people, course):
    mismatches = _mismatches(client, people, REPORT_ROUTES, _report_values(people, course))
    assert not mismatches, "\n" + "\n".join(mismatches)


# Scheduling a report and stopping one, for every role. DONE: a schedule of that person's own was
# made; someone else's schedule is not found (404) even for an administrator, and stays.
REPORT_POST_ROUTES = {
    "/admin/learning-reports/completion/schedule/": (LOGIN, *[DENIED] * 4, DONE, DONE),
    "/admin/learning-reports/roster/schedule/?cohort={report_cohort_id}": (LOGIN, *[DENIED] * 4, DONE, DONE),
    "/admin/learning-reports/scheduled/{someone_elses_schedule_id}/delete/": (
        LOGIN,
        *[DENIED] * 4,
        "status 404",
        "status 404",
    ),
    # Changing the scopes: administrators only.
    "/admin/manager_scopes/new/": (LOGIN, *[DENIED] * 5, DONE),
    "/admin/manager_scopes/edit/{scope_id}/": (LOGIN, *[DENIED] * 5, DONE),
    "/admin/manager_scopes/delete/{scope_id}/": (LOGIN, *[DENIED] * 5, DONE),
}


def test_every_report_action_answers_every_role_as_expected(client, people, course):
    from django.db import transaction
    from django.utils import timezone

    from lms.accounts.models import ManagerScope
    from lms.reports.models import ScheduledReport

    values = _report_values(people, course)
    officer = ManagerScope.objects.get(pk=values["scope_id"]).user
    someone_else = ScheduledReport.objects.create(
        owner=officer, report="completion", period_days=30, frequency="weekly", next_run_at=timezone.now()
    )
    values["someone_elses_schedule_id"] = someone_else.pk
    # A scope for the (unscoped) program manager; the officer already has one.
    form = {"frequency": "weekly", "user": people["manager"].pk, "countries": ["SN"]}

    def state():
        return (
            set(ScheduledReport.objects.values_list("owner_id", "report")),
            set(ManagerScope.objects.values_list("user_id", "countries")),
        )

    mismatches = []
    for template, expected in REPORT_POST_ROUTES.items():
        url = template.format(**values)
        for role in ROLES:
            client.logout()
            person = people[role]
            if person is not None:
                client.force_login(person)
            try:
                with transaction.atomic():
                    before = state()
                    response = client.post(url, form)
                    after = state()
                    outcome = _action_outcome(response)
                    if outcome in (LOGIN, DENIED) or outcome.startswith("status 4"):
                        got = outcome if before == after else f"{outcome} but changed"
                    elif before == after:
                        got = f"{outcome}, nothing changed"
                    elif template.startswith("/admin/learning-reports/") and {o for o, _r in after[0] ^ before[0]} != {
                        person.pk
                    }:
                        got = "changed someone else's schedules"
                    else:
                        got = DONE
                    raise _Undo
            except _Undo:
                pass
            want = expected[ROLES.index(role)]
            if got != want:
                mismatches.append(f"{role:17} POST {url:60} expected {want}, got {got}")
    assert not mismatches, "\n" + "\n".join(mismatches)
