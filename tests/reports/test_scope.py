"""A program manager limited to countries and/or sponsoring programs sees only their students, in every
report, export, filter choice and admin list; administrators and unscoped managers see everyone.

Four students with the same history (a completed course with a certificate and a passed assessment,
an idle active place, a completed course whose certificate was revoked), from two countries and two
programs: every count for a scope is the whole count times the share of students in it.
"""

import csv
import datetime
import io

from django.core import mail
from django.utils import timezone

import openpyxl
import pytest

from lms.accounts.models import ManagerScope
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db

BASE = "/admin/learning-reports/"
STUDENTS = ("kofi", "ama", "moussa", "fatou")
# (country, program code) of each student.
ORIGIN = {"kofi": ("GH", "imet"), "ama": ("GH", "national"), "moussa": ("SN", "imet"), "fatou": ("SN", "national")}
# Who each manager sees.
SCOPES = {
    "countries": {"kofi", "ama"},
    "programs": {"kofi", "moussa"},
    "both": {"kofi"},
    "unscoped": set(STUDENTS),
    "admin": set(STUDENTS),
}
STAGES = (
    "enrolled",
    "started",
    "assessed",
    "completed",
    "certified",
    "completed_in_period",
    "passed",
    "certificate_issued",
    "certificate_revoked",
)


def email(name):
    return f"{name}.student@example.org"


def manager_make(email_address, *, countries=(), programs=(), superuser=False):
    from lms.accounts.factories import UserFactory

    if superuser:
        user = UserFactory(email=email_address, is_staff=True, is_superuser=True, roles=[])
    else:
        user = UserFactory(email=email_address, roles=[Role.PROGRAM_MANAGER])
    if countries or programs:
        scope = ManagerScope.objects.create(user=user, countries=list(countries))
        scope.sponsoring_programs.set(programs)
    return user


def world_build():
    """The four students, their courses, cohort, assessment and certificates; the five managers."""
    from assessments.factories import AssessmentFactory, QuestionFactory
    from assessments.services import answer_save, attempt_start, attempt_submit
    from certificates.services import certificate_revoke
    from courses.factories import CohortFactory, CoursePageFactory, EnrolmentFactory, ModulePageFactory, catalogue_get
    from courses.models import Enrolment, EnrolmentStatus
    from lms.accounts.factories import SponsoringProgramFactory, UserFactory
    from tests.certificates.test_admin import certificate_issued

    catalogue = catalogue_get()
    programs = {
        "imet": SponsoringProgramFactory(code="imet", name="IMET"),
        "national": SponsoringProgramFactory(code="national", name="National funding"),
    }
    control = CoursePageFactory(parent=catalogue, title="Civilian Control", slug="civilian-control")
    oversight = CoursePageFactory(parent=catalogue, title="Parliamentary Oversight", slug="oversight")
    doctrine = CoursePageFactory(parent=catalogue, title="Doctrine for Coalitions", slug="doctrine")
    # A required module in each: passing the assessment, or enrolling, does not complete a course by itself
    # (a course without requirements completes at once, with a certificate, when the places are committed).
    for course in (control, oversight, doctrine):
        ModulePageFactory(parent=course, title="Why it matters", slug="why-it-matters")
    cohort = CohortFactory(course=control, name="Spring intake")
    question = QuestionFactory(course=control, title="Budget", options=[("Parliament", True), ("The staff", False)])
    exam = AssessmentFactory(course=control, title="Final check", questions=[question])
    now = timezone.now()
    students = {}
    for name in STUDENTS:
        country, program = ORIGIN[name]
        student = UserFactory(
            email=email(name),
            first_name=name.capitalize(),
            last_name="Zz" + name.capitalize(),
            country=country,
            sponsoring_program=programs[program],
            service="Army",
            roles=[Role.STUDENT],
        )
        students[name] = student
        place = EnrolmentFactory(
            user=student, course=control, cohort=cohort, status_changed_at=now - datetime.timedelta(days=20)
        )
        attempt = attempt_start(user=student, assessment=exam)
        option = next(o["id"] for o in attempt.questions.get(position=1).snapshot["options"] if o["is_correct"])
        answer_save(user=student, attempt_id=attempt.pk, position=1, raw=option)
        attempt_submit(user=student, attempt_id=attempt.pk)
        Enrolment.objects.filter(pk=place.pk).update(status=EnrolmentStatus.COMPLETED, completed_at=now)
        place.refresh_from_db()
        certificate_issued(place, pdf=b"%PDF-1.7\n%%EOF\n")
        EnrolmentFactory(
            user=student,
            course=oversight,
            status_changed_at=now - datetime.timedelta(days=40),
            last_activity_at=now - datetime.timedelta(days=30),
        )
        revoked = certificate_issued(
            EnrolmentFactory(user=student, course=doctrine, status=EnrolmentStatus.COMPLETED), pdf=b"%PDF-1.7\n%%EOF\n"
        )
        certificate_revoke(certificate_id=revoked.pk, actor=None, reason="Issued in error.")
    managers = {
        "countries": manager_make("countries.manager@example.org", countries=["GH"]),
        "programs": manager_make("programs.manager@example.org", programs=[programs["imet"]]),
        "both": manager_make("both.manager@example.org", countries=["GH"], programs=[programs["imet"]]),
        "unscoped": manager_make("unscoped.manager@example.org"),
        # An administrator is never limited, even with a scope row.
        "admin": manager_make("admin@example.org", countries=["SN"], superuser=True),
        "nobody": manager_make("nobody.manager@example.org", countries=["FR"]),
    }
    return {
        "students": students,
        "programs": programs,
        "managers": managers,
        "courses": {"control": control, "oversight": oversight, "doctrine": doctrine},
        "cohort": cohort,
        "exam": exam,
    }


@pytest.fixture
def world(db):
    return world_build()


def _sees_only(text: str, expected: set[str], where: str, *, by_name: bool = False):
    """Every expected student's email (or name) is in ``text``, no other student's email or name is."""
    for name in STUDENTS:
        if name in expected:
            assert (("Zz" + name.capitalize()) if by_name else email(name)) in text, f"{where}: {name} missing"
        else:
            assert email(name) not in text, f"{where}: {name} is out of scope but shown"
            assert "Zz" + name.capitalize() not in text, f"{where}: {name}'s name shown"


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _flat(rows) -> str:
    return "\n".join(" ".join("" if cell is None else str(cell) for cell in row) for row in rows)


# The dashboard -----------------------------------------------------------------------------------------


def test_dashboard_figures_count_only_the_managers_students(client, world):
    whole = None
    for label in ("admin", "unscoped", "countries", "programs", "both"):
        figures = _get(client, world["managers"][label], BASE).context["figures"]
        counts = {
            **{step.stage: step.count for step in figures.funnel},
            "completions": figures.completions_in_period,
            "issued": figures.certificates_issued,
            "revoked": figures.certificates_revoked,
            "enrolled_over_time": sum(bucket.enrolled for bucket in figures.buckets),
            "completed_over_time": sum(bucket.completed for bucket in figures.buckets),
            "assessment_students": sum(result.students for result in figures.assessments),
            "assessment_passed": sum(result.passed for result in figures.assessments),
        }
        if whole is None:
            whole = counts
            assert all(counts.values()), f"every figure should count someone: {counts}"
            assert counts["enrolled"] == 3 * len(STUDENTS)
            continue
        share = len(SCOPES[label]) / len(STUDENTS)
        assert counts == {key: value * share for key, value in whole.items()}, label


def test_dashboard_links_lead_to_in_scope_students_only(client, world):
    manager = world["managers"]["both"]
    response = _get(client, manager, BASE)
    funnel_links = [row["url"] for row in response.context["funnel"]]
    assert len(funnel_links) == 5
    for url in funnel_links:
        _sees_only(_get(client, manager, url).content.decode(), {"kofi"}, url)


# The students behind each figure ----------------------------------------------------------------------


def test_students_lists_for_every_stage_respect_the_scope(client, world):
    whole = {}
    for label in ("admin", "unscoped", "countries", "programs", "both"):
        manager = world["managers"][label]
        for stage in STAGES:
            url = f"{BASE}students/?stage={stage}"
            response = _get(client, manager, url)
            page = response.context["page"]
            assert page is not None, url
            count = page.paginator.count
            if label == "admin":
                whole[stage] = count
                assert count and count % len(STUDENTS) == 0, (stage, count)
            else:
                assert count == whole[stage] * len(SCOPES[label]) // len(STUDENTS), (label, stage)
            _sees_only(response.content.decode(), SCOPES[label], f"{label} {url}")
            for fmt, read in (("csv", _csv_rows), ("xlsx", _xlsx_rows)):
                export = _get(client, manager, f"{BASE}students/export/{fmt}/?stage={stage}")
                rows = read(export)
                assert len(rows) - 1 == count, (label, stage, fmt)
                _sees_only(_flat(rows), SCOPES[label], f"{label} {stage} {fmt}")


# The standard reports -------------------------------------------------------------------------------


def _report_urls(world):
    return {
        "completion": "",
        "roster": f"cohort={world['cohort'].pk}",
        "at_risk": "",
        "assessment": f"assessment={world['exam'].pk}",
    }


@pytest.mark.parametrize("label", ["admin", "unscoped", "countries", "programs", "both"])
def test_each_report_and_export_shows_only_the_scope(client, world, label):
    manager = world["managers"][label]
    expected = SCOPES[label]
    share = len(expected)
    for key, query in _report_urls(world).items():
        response = _get(client, manager, f"{BASE}{key}/?{query}")
        html = response.content.decode()
        table = response.context["table"]
        assert table is not None, key
        rows = list(table.rows)
        csv_rows = _csv_rows(_get(client, manager, f"{BASE}{key}/export/csv/?{query}"))
        xlsx_rows = _xlsx_rows(_get(client, manager, f"{BASE}{key}/export/xlsx/?{query}"))
        assert len(csv_rows) == len(xlsx_rows) == len(rows) + 1, key
        if key in ("roster", "at_risk"):
            # One line per student in scope.
            assert len(rows) == share, (key, rows)
            for where, text in (("html", html), ("csv", _flat(csv_rows)), ("xlsx", _flat(xlsx_rows))):
                _sees_only(text, expected, f"{label} {key} {where}")
        elif key == "completion":
            countries = {ORIGIN[name][0] for name in expected}
            named = {"GH": "Ghana", "SN": "Senegal"}
            assert {row[0] for row in rows} == {named[code] for code in countries}
            assert sum(row[2] for row in rows) == 3 * share  # enrolled in the period
            assert sum(row[6] for row in rows) == share  # certified (revoked ones are not)
            for code in {"GH", "SN"} - countries:
                for text in (html, _flat(csv_rows), _flat(xlsx_rows)):
                    assert named[code] not in text, (label, key, code)
            _sees_only(html, set(), f"{label} completion")
            for row in response.context["rows"]:
                _sees_only(_get(client, manager, row["link"]).content.decode(), expected & _origin_of(row), row["link"])
        else:  # assessment analysis: no names, counts of the students in scope
            presented = {row[2] for row in rows}
            assert presented == {share}, rows
            assert {row[2] for row in csv_rows[1:]} == {str(share)}
            assert {row[2] for row in xlsx_rows[1:]} == {share}
            chosen = {row[6]: row[8] for row in rows}
            assert chosen == {"Parliament": share, "The staff": 0}


def _origin_of(row) -> set[str]:
    country = row["cells"][0]
    program = row["cells"][1]
    codes = {"Ghana": "GH", "Senegal": "SN"}
    programs = {"IMET": "imet", "National funding": "national"}
    return {name for name, origin in ORIGIN.items() if origin == (codes[country], programs[program])}


# Filter choices and values from outside the scope -----------------------------------------------


def _choices(response, field):
    return {str(value) for value, _label in response.context["filter_form"].fields[field].choices if value != ""}


def test_filter_choices_offer_only_the_scope(client, world):
    imet, national = world["programs"]["imet"], world["programs"]["national"]
    response = _get(client, world["managers"]["countries"], BASE)
    assert _choices(response, "country") == {"GH"}
    response = _get(client, world["managers"]["programs"], BASE)
    assert _choices(response, "program") == {str(imet.pk)}
    response = _get(client, world["managers"]["both"], BASE)
    assert _choices(response, "country") == {"GH"}
    assert _choices(response, "program") == {str(imet.pk)}
    html = response.content.decode()
    assert "National funding" not in html
    assert "You see the students of Ghana sponsored by IMET." in html
    response = _get(client, world["managers"]["admin"], BASE)
    assert _choices(response, "country") == {"GH", "SN"}
    assert _choices(response, "program") == {str(imet.pk), str(national.pk)}


def test_a_country_or_program_outside_the_scope_is_unknown_and_the_report_empty(client, world):
    for key in ("", "students/?stage=enrolled&", "completion/?", "at_risk/?", "roster/?", "assessment/?"):
        _outside_scope_refused(client, world, key)


def _outside_scope_refused(client, world, key):
    national = world["programs"]["national"]
    cases = (
        ("countries", "country=SN", "There are no students from “SN” among those you may see."),
        ("both", "country=SN", "There are no students from “SN” among those you may see."),
        ("programs", f"program={national.pk}", f"There is no sponsoring program “{national.pk}”"),
        ("both", f"program={national.pk}", f"There is no sponsoring program “{national.pk}”"),
    )
    extra = {"roster/?": f"cohort={world['cohort'].pk}&", "assessment/?": f"assessment={world['exam'].pk}&"}
    for label, query, message in cases:
        base = (BASE + key) if key else BASE + "?"
        url = base + extra.get(key, "") + query
        response = _get(client, world["managers"][label], url)
        html = response.content.decode()
        assert message in html, (label, url)
        assert response.context["filters"].refused
        _sees_only(html, set(), url)
        if key == "":
            assert response.context["figures"].funnel[0].count == 0
            assert response.context["figures"].is_empty
            # No link to a list that would drop the refused filter and show more than was asked.
            assert f"{BASE}students/" not in html
        else:
            assert response.context["table"] is None, url
            export = client.get(url.replace("/?", "/export/csv/?", 1))
            assert export.status_code == 302, "an export of refused filters goes back to the report"


def test_a_scope_that_excludes_everyone_gives_clear_empty_reports(client, world):
    manager = world["managers"]["nobody"]
    response = _get(client, manager, BASE)
    assert response.context["figures"].is_empty
    assert "No students match these filters in this period." in response.content.decode()
    assert _choices(response, "country") == {"FR"}
    for key, query in {**_report_urls(world), "students": "stage=enrolled"}.items():
        response = _get(client, manager, f"{BASE}{key}/?{query}")
        html = response.content.decode()
        _sees_only(html, set(), key)
        if key == "assessment":
            assert all(row[2] == 0 for row in response.context["table"].rows)
        else:
            assert "No students match these filters." in html, key
        for fmt, read in (("csv", _csv_rows), ("xlsx", _xlsx_rows)):
            rows = read(_get(client, manager, f"{BASE}{key}/export/{fmt}/?{query}"))
            _sees_only(_flat(rows), set(), f"{key} {fmt}")
            if key != "assessment":
                assert len(rows) == 1, (key, fmt, rows)


# The enrolment and certificate screens of the admin --------------------------------------------


def _outcome(response) -> str:
    """ok, refused (403, or Wagtail's redirect to the dashboard with a message) or what else came."""
    if response.status_code == 200:
        return "ok"
    if response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/"):
        return "refused"
    return f"status {response.status_code}"


def test_enrolment_admin_list_export_and_detail_respect_the_scope(client, world):
    from courses.models import Enrolment

    for label in ("countries", "programs", "both", "unscoped", "admin"):
        manager = world["managers"][label]
        expected = SCOPES[label]
        _sees_only(_get(client, manager, "/admin/enrolments/").content.decode(), expected, f"{label} enrolments")
        export = client.get("/admin/enrolments/?export=csv")
        content = b"".join(export.streaming_content) if export.streaming else export.content
        _sees_only(content.decode("utf-8"), expected, f"{label} enrolment export")
        for name, student in world["students"].items():
            for place in Enrolment.objects.filter(user=student):
                response = client.get(f"/admin/enrolments/{place.pk}/")
                assert _outcome(response) == ("ok" if name in expected else "refused"), (label, name)


def test_certificate_admin_list_and_detail_respect_the_scope(client, world):
    from certificates.models import Certificate

    for label in ("countries", "programs", "both", "unscoped", "admin"):
        manager = world["managers"][label]
        expected = SCOPES[label]
        html = _get(client, manager, "/admin/certificates/").content.decode()
        _sees_only(html, expected, f"{label} certificates", by_name=True)
        for name, student in world["students"].items():
            for certificate in Certificate.objects.filter(holder=student):
                for suffix in ("", "revoke/", "reissue/"):
                    response = client.get(f"/admin/certificates/{certificate.pk}/{suffix}")
                    assert _outcome(response) == ("ok" if name in expected else "refused"), (label, name, suffix)


# The scheduled report: the owner's scope on the day it is sent -----------------------------------


def test_a_scheduled_report_is_built_with_the_owners_scope_at_sending_time(world):
    from lms.reports.filters import ReportFilterForm
    from lms.reports.services import scheduled_report_create, scheduled_reports_send_due

    owner = world["managers"]["unscoped"]
    filters = ReportFilterForm({}, user=owner).filters()
    scheduled_report_create(
        owner=owner,
        report="roster",
        filters=filters.__class__(**{**filters.__dict__, "cohort_id": world["cohort"].pk}),
        params={},
        frequency="weekly",
    )
    # Asked for while unscoped; limited to Ghana since.
    ManagerScope.objects.create(user=owner, countries=["GH"])
    mail.outbox.clear()
    assert scheduled_reports_send_due(now=timezone.now() + datetime.timedelta(days=8)) == 1
    (message,) = mail.outbox
    (_name, content, _type) = message.attachments[0]
    rows = [list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
    assert len(rows) == 1 + 2
    _sees_only(_flat(rows), SCOPES["countries"], "scheduled roster")
