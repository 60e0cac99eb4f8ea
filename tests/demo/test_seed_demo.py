import re

from django.core.management import call_command
from django.utils.html import strip_tags

import pytest

from courses.models import Cohort, CoursePage, ModulePage
from lms.accounts.models import User
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = ("student@example.org", "instructor@example.org", "manager@example.org", "admin@example.org")


# ``seeded``: the demo, seeded once for the module (tests/demo/conftest.py).


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
    for course in CoursePage.objects.filter(locale__language_code="en"):  # translations share their source's
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


# Question banks and assessments ------------------------------------------------


def test_seed_demo_gives_every_course_a_question_bank_and_a_required_assessment(seeded):
    from assessments.models import Assessment, Question, QuestionCategory

    for course in CoursePage.objects.filter(locale__language_code="en"):  # translations share their source's
        bank = Question.objects.filter(course=course)
        assert 8 <= bank.count() <= 12, course.slug
        assert 1 <= QuestionCategory.objects.filter(course=course).count() <= 2
        assert not bank.filter(category=None).exists()
        assert len(set(bank.values_list("type", flat=True))) >= 4, f"{course.slug}: too few kinds of question"
        final = Assessment.objects.get(course=course, module=None)
        assert final.is_required and final.pass_mark_percent == 70
        assert final.items.exists()
        for question in bank.exclude(type__in=["short_answer", "numeric", "essay"]):
            assert question.options.filter(is_correct=True).exists(), question.title


def test_seed_demo_assessments_show_each_way_of_setting_a_paper(seeded):
    from assessments.models import Assessment, AssessmentItem, Question

    essay = Question.objects.get(type="essay")
    assert essay.rubric and essay.course.slug == "conditionality-human-rights"
    assert AssessmentItem.objects.filter(question=essay, assessment__is_required=True).exists()
    assert Assessment.objects.exclude(module=None).filter(is_required=True).count() == 1
    assert Assessment.objects.filter(time_limit_minutes__isnull=False).count() >= 2
    assert Assessment.objects.filter(shuffle_questions=True, shuffle_options=True).exists()
    draw = AssessmentItem.objects.get(category__isnull=False)
    assert draw.draw_count < draw.category.questions.count()


def test_seed_demo_assessments_keep_a_revision_history(seeded):
    from assessments.models import Assessment, Question

    assert all(question.revisions.count() == 1 for question in Question.objects.all())
    assert all(assessment.revisions.count() == 1 for assessment in Assessment.objects.all())


def test_seed_demo_run_twice_adds_no_questions_assessments_or_attempts(seeded):
    from assessments.models import Assessment, AssessmentItem, Attempt, Question, QuestionCategory, QuestionOption

    models = (Question, QuestionOption, QuestionCategory, Assessment, AssessmentItem, Attempt)
    before = [model.objects.count() for model in models]
    call_command("seed_demo", verbosity=0)
    assert [model.objects.count() for model in models] == before


def test_demo_history_has_passed_failed_and_essay_attempts(seeded):
    from assessments.models import Attempt, AttemptStatus
    from courses.api import Enrolment, EnrolmentStatus

    layla = User.objects.get(email="layla.haddad@example.org")
    completed = Enrolment.objects.get(user=layla, course__slug="civilian-control")
    assert completed.status == EnrolmentStatus.COMPLETED
    assert Attempt.objects.get(user=layla, assessment__course__slug="civilian-control").passed is True
    failed = Attempt.objects.get(user__email="van.an.nguyen@example.org")
    assert (failed.status, failed.passed) == (AttemptStatus.GRADED, False)
    waiting = Attempt.objects.get(user__email="kofi.mensah@example.org")
    assert waiting.status == AttemptStatus.SUBMITTED
    assert waiting.questions.get(points_awarded=None).type == "essay"
    # Layla passed the module check of defence institution building: the module is complete.
    from courses.models import ModuleProgress

    assert ModuleProgress.objects.filter(
        enrolment__user=layla, module__slug="defence-institution-building", completed_at__isnull=False
    ).exists()


def test_demo_journey_a_student_passes_the_civilian_control_assessment_and_completes_the_course(seeded):
    from assessments.models import Assessment, AttemptStatus
    from assessments.services import answer_save, attempt_start, attempt_submit
    from courses.api import Enrolment, EnrolmentStatus, module_complete
    from lms.demo.questions import answer_for

    student = User.objects.get(email="student@example.org")
    course = CoursePage.objects.get(slug="civilian-control", locale__language_code="en")
    assessment = Assessment.objects.get(course=course, title="Civilian control: final assessment")
    attempt = attempt_start(user=student, assessment=assessment)
    assert attempt.deadline is not None  # a 20-minute paper
    for item in attempt.questions.all():
        answer_save(user=student, attempt_id=attempt.pk, position=item.position, raw=answer_for(item.snapshot))
    attempt = attempt_submit(user=student, attempt_id=attempt.pk)
    assert (attempt.status, attempt.passed, attempt.percent) == (AttemptStatus.GRADED, True, 100)
    enrolment = Enrolment.objects.get(user=student, course=course)
    assert enrolment.status == EnrolmentStatus.ACTIVE  # modules still to read
    for module in ModulePage.objects.child_of(course).live():
        module_complete(user=student, module=module)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_demo_question_files_refuse_mistakes_with_file_and_line(tmp_path):
    from lms.demo.curriculum import CurriculumError
    from lms.demo.questions import parse

    header = "course: civilian-control\ncategory: Basics\n"
    cases = {
        "=== question: A\ntype: ranking\nprompt: Q?\n": "bank.txt:4: unknown question type 'ranking'",
        "=== question: A\ntype: single\nprompt: Q?\n- one\n- two\n": "exactly one correct option",
        "=== question: A\ntype: short_answer\nprompt: Q?\n": "needs at least one 'accepted:' line",
        "=== question: A\ntype: essay\nprompt: Q?\n": "needs a 'rubric:'",
        "=== question: A\ntype: single\ncategory: Other\nprompt: Q?\n* a\n- b\n": "category 'Other' is not declared",
        "=== question: A\ntype: numeric\nprompt: Q?\nanswer: many\n": "bank.txt:6: 'many' is not a number",
        "=== assessment: Final\nquestion: Missing\n": "no question titled 'Missing'",
        "=== question: A\ncategory: Basics\ntype: true_false\nprompt: Q?\nanswer: true\n"
        "=== assessment: Final\ndraw: Basics | 3\n": "cannot draw 3 of the 1 questions in 'Basics'",
    }
    for body, message in cases.items():
        path = tmp_path / "bank.txt"
        path.write_text(header + body, encoding="utf-8")
        with pytest.raises(CurriculumError, match=re.escape(message)):
            parse(path)


def test_seed_demo_with_a_broken_question_file_writes_nothing(catalogue, settings, tmp_path, monkeypatch):
    from assessments.models import Question
    from lms.demo import questions

    settings.LMS_DEMO_USERS = False
    (tmp_path / "1-broken.txt").write_text(
        "course: civilian-control\n=== question: A\ntype: single\nprompt: Q?\n- one\n- two\n", encoding="utf-8"
    )
    monkeypatch.setattr(questions, "QUESTIONS_DIR", tmp_path)
    monkeypatch.setattr(questions.load_all, "__defaults__", (tmp_path,))
    with pytest.raises(questions.CurriculumError, match=re.escape("1-broken.txt:2")):
        call_command("seed_demo", verbosity=0)
    assert not CoursePage.objects.exists()
    assert not Question.objects.exists()


def test_demo_student_holds_a_certificate_and_another_one_is_revoked(seeded, client):
    from certificates.models import Certificate, CertificateStatus

    held = Certificate.objects.get(holder__email="student@example.org")
    assert (
        held.status == CertificateStatus.ISSUED
        and held.course_title == "Export Controls, Arms Transfers and End-Use Monitoring"
    )
    assert held.pdf.read().startswith(b"%PDF")
    page = client.get(f"/verify/{held.code}/").content.decode()
    assert "Valid" in page and "Elena Popescu" in page
    revoked = Certificate.objects.get(status=CertificateStatus.REVOKED)
    page = client.get(f"/verify/{revoked.code}/").content.decode()
    assert "Revoked on" in page and revoked.revoke_reason in page
    # Seeding again issues and revokes nothing more.
    call_command("seed_demo", verbosity=0)
    assert (
        Certificate.objects.count() == 3 and Certificate.objects.filter(status=CertificateStatus.REVOKED).count() == 1
    )


def test_seed_demo_words_the_default_certificate_in_every_language_and_a_french_holder_gets_french(seeded):
    from certificates.models import Certificate, CertificateTemplate
    from certificates.rendering import certificate_html
    from certificates.services import certificate_content
    from certificates.template_translations import UP_TO_DATE, template_translation_states

    template = CertificateTemplate.objects.get(is_default=True)
    assert template_translation_states(template) == dict.fromkeys(["fr", "es", "pt", "ru", "ar"], UP_TO_DATE)
    call_command("seed_demo", verbosity=0)
    assert template.translations.count() == 5, "a second run adds nothing"

    certificate = Certificate.objects.filter(holder__email="student@example.org").first()
    User.objects.filter(pk=certificate.holder_id).update(preferred_language="fr")
    html = certificate_html(template, certificate_content(Certificate.objects.get(pk=certificate.pk)))
    assert '<html lang="fr"' in html and "Certificat de réussite" in html
    assert "Certificate of completion" not in html
