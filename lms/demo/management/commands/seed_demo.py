"""Load the demo curriculum, its artwork, question banks and assessments, and (in development) the demo users.

Safe to run again: what exists is kept as it is, what is missing is created.
``--history`` adds two years of made-up cohorts, students and results for the
reports (``lms/demo/history.py``), once.
"""

import datetime
import hashlib
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale

from assessments.api import (
    Assessment,
    AssessmentItem,
    Attempt,
    Question,
    QuestionCategory,
    QuestionOption,
    answer_save,
    attempt_start,
    attempt_submit,
)
from certificates.api import (
    Certificate,
    CertificateStatus,
    HolderName,
    certificate_render,
    certificate_revoke,
    holder_name_confirm,
)
from courses.api import (
    CatalogueIndexPage,
    Cohort,
    CoursePage,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    ModulePage,
    Theme,
    content_language,
    course_instructors_sync,
    enrolment_create_for_student,
    enrolment_reject,
    enrolment_request,
    module_complete,
    source_only,
)
from lms.accounts.api import ManagerScope, Role, SponsoringProgram, User, user_roles_set
from lms.demo import certificate_wording, curriculum, glossary, history, images, questions, site_words, translations

DEMO_PASSWORD = "pme-demo"  # noqa: S105 - published demo credential, development settings only

THEMES = [
    (
        "civil-military-relations",
        "Civil-military relations",
        "Democratic civilian control and the military profession.",
    ),
    ("governance-ssr", "Governance and security sector reform", "Accountable, effective and affordable security."),
    ("doctrine-interoperability", "Doctrine and interoperability", "Working together: doctrine, standards, exercises."),
    ("export-controls", "Export controls and end-use monitoring", "Responsible transfers of arms and technology."),
    ("human-rights-accountability", "Human rights and accountability", "Conditionality, vetting and remedies."),
]

PROGRAMS = [
    ("imet", "IMET (International Military Education and Training)"),
    ("national", "National funding"),
    ("partnership-fund", "Partnership Training Fund"),
]

# email, given names, family name, native name, country, service, rank, program, language
STUDENTS = [
    ("student@example.org", "Elena", "Popescu", "", "RO", "Army", "Major", "imet", "en"),
    ("layla.haddad@example.org", "Layla", "Haddad", "ليلى حداد", "JO", "Ministry of Defence", "Civilian", "imet", "ar"),
    (
        "oksana.kovalenko@example.org",
        "Oksana",
        "Kovalenko",
        "Оксана Коваленко",
        "UA",
        "Navy",
        "Lieutenant Commander",
        "partnership-fund",
        "ru",
    ),
    ("van.an.nguyen@example.org", "Van An", "Nguyen", "Nguyễn Văn An", "VN", "Air Force", "Captain", "national", "en"),
    (
        "carlos.mendez@example.org",
        "Carlos",
        "Mendez",
        "Carlos Méndez",
        "CO",
        "Army",
        "Lieutenant Colonel",
        "imet",
        "es",
    ),
    ("kofi.mensah@example.org", "Kofi", "Mensah", "", "GH", "Army", "Captain", "imet", "en"),
    ("min-jun.kim@example.org", "Min-jun", "Kim", "김민준", "KR", "Navy", "Commander", "national", "en"),
    (
        "somchai.wongsakul@example.org",
        "Somchai",
        "Wongsakul",
        "สมชาย วงศ์สกุล",
        "TH",
        "Air Force",
        "Squadron Leader",
        "partnership-fund",
        "en",
    ),
    ("awa.ndiaye@example.org", "Awa", "Ndiaye", "", "SN", "Gendarmerie", "Captain", "imet", "fr"),
    (
        "joao.silva@example.org",
        "Joao",
        "Silva",
        "João Silva",
        "MZ",
        "Ministry of Interior",
        "Civilian",
        "national",
        "pt",
    ),
]

STAFF = [
    ("instructor@example.org", "Grace", "Okafor", Role.INSTRUCTOR, False),
    ("instructor2@example.org", "Henrik", "Larsen", Role.INSTRUCTOR, False),
    ("manager@example.org", "Priya", "Raman", Role.PROGRAM_MANAGER, False),
    ("embassy@example.org", "Tomasz", "Nowak", Role.PROGRAM_MANAGER, False),
    ("admin@example.org", "Site", "Administrator", None, True),
]

SCOPED_MANAGER = "embassy@example.org"
SCOPED_COUNTRIES = ("JO", "UA")
SCOPED_PROGRAM = "imet"

# The demo students' history: (email, course slug, what happened, modules completed).
# "active" and "completed" places are given by the demo manager; "pending" and
# "rejected" are the student's own requests on approval courses.
ENROLMENTS = [
    ("student@example.org", "civilian-control", "active", 1),
    ("student@example.org", "export-controls", "completed", None),
    ("layla.haddad@example.org", "civilian-control", "completed", None),
    ("layla.haddad@example.org", "security-sector-reform", "active", 2),
    ("layla.haddad@example.org", "doctrine-interoperability", "pending", 0),
    ("oksana.kovalenko@example.org", "doctrine-interoperability", "pending", 0),
    ("van.an.nguyen@example.org", "civilian-control", "active", 3),
    ("carlos.mendez@example.org", "doctrine-interoperability", "rejected", 0),
    ("kofi.mensah@example.org", "conditionality-human-rights", "active", 0),
    ("min-jun.kim@example.org", "civilian-control", "completed", None),
]

# Attempts the demo students have made, beyond passing the assessments of the
# courses they completed: (email, course slug, assessment title, how it went).
# "pass" answers everything right, "fail" only the first few questions, and
# "essay" answers everything and leaves the essay to the instructor's queue.
ATTEMPTS = [
    ("van.an.nguyen@example.org", "civilian-control", "Civilian control: final assessment", "fail"),
    (
        "layla.haddad@example.org",
        "security-sector-reform",
        "Check your understanding: defence institution building",
        "pass",
    ),
    (
        "kofi.mensah@example.org",
        "conditionality-human-rights",
        "Conditionality and accountability: final assessment",
        "essay",
    ),
]

# Names the demo students confirmed for their certificates: (email, own script, Latin script).
CERTIFICATE_NAMES = [
    ("student@example.org", "Elena Popescu", "Elena Popescu"),
    ("layla.haddad@example.org", "ليلى حداد", "Layla Haddad"),
    ("min-jun.kim@example.org", "김민준", "Kim Min-jun"),
]
# A certificate revoked, so the demo shows what a verifier sees then: (email, course slug, reason).
CERTIFICATE_REVOKED = (
    "min-jun.kim@example.org",
    "civilian-control",
    "Issued in error: the completion was recorded against the wrong account.",
)

# Which demo instructor teaches which course: the first teaches three, not all.
TEACHING = {
    "civilian-control": "instructor@example.org",
    "security-sector-reform": "instructor@example.org",
    "doctrine-interoperability": "instructor@example.org",
    "export-controls": "instructor2@example.org",
    "conditionality-human-rights": "instructor2@example.org",
}


class Command(BaseCommand):
    help = "Load the demo curriculum (and demo users under development settings). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--history",
            action="store_true",
            help="Also load two years of made-up students, cohorts, results and certificates for the reports "
            "(development settings only; loaded once).",
        )

    def handle(self, *args, **options):
        if options["history"] and not getattr(settings, "LMS_DEMO_USERS", False):
            raise CommandError("--history makes thousands of made-up accounts: development settings only.")
        with transaction.atomic():
            themes = self._themes()
            programs = self._programs()
            users = self._users(programs) if getattr(settings, "LMS_DEMO_USERS", False) else {}
            created = self._courses(themes, users)
            self._cohorts(programs)
            banks = self._banks()
            translated = translations.translations_load()
            translated += site_words.site_pages_load()  # the home and catalogue pages' own words
            site_words.themes_load()
            glossary.glossary_load()  # from the curriculum's key terms, with their French and Arabic translations
            questions.translations_load()  # question banks and assessments in lms/demo/curriculum/<language>/questions/
            certificate_wording.certificate_wording_load()  # the default certificate template in five more languages
            if users:
                self._enrolments(users)
                self._attempts(users)
        if users:
            self._certificates(users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo curriculum ready ({created} new pages, {translated} new translated pages, "
                f"{banks[0]} new questions, {banks[1]} new assessments)."
            )
        )
        if options["history"]:
            self._history(users)
        if users:
            self._print_sign_ins()

    def _history(self, users):
        started = time.monotonic()
        made = history.history_load(manager=users["manager@example.org"], students=history.STUDENTS)
        if made is None:
            self.stdout.write("Demo history already loaded: nothing added.")
            return
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(made["statuses"].items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo history ready in {time.monotonic() - started:.1f} s: {made['students']} students from "
                f"{made['countries']} countries, {made['cohorts']} cohorts, {made['enrolments']} enrolments "
                f"({statuses}), {made['attempts']} graded attempts, {made['issued']} certificates issued and "
                f"{made['revoked']} revoked ({made['certificates'] - made['issued'] - made['revoked']} awaiting the "
                "holder's name; none rendered: see lms/demo/history.py)."
            )
        )

    def _themes(self):
        """The source themes (English), which courses point at; their translations come from site_words."""
        locale, _created = Locale.objects.get_or_create(language_code=content_language(settings.LANGUAGE_CODE))
        return {
            slug: Theme.objects.get_or_create(slug=slug, locale=locale, defaults={"name": name, "description": text})[0]
            for slug, name, text in THEMES
        }

    def _programs(self):
        return {
            code: SponsoringProgram.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in PROGRAMS
        }

    def _users(self, programs):
        users = {}
        for email, first, last, native, country, service, rank, program, language in STUDENTS:
            details = {
                "first_name": first,
                "last_name": last,
                "name_native": native,
                "country": country,
                "service": service,
                "rank": rank,
                "sponsoring_program": programs[program],
                "preferred_language": language,
            }
            users[email] = self._user(email, details, [Role.STUDENT])
        for email, first, last, role, is_admin in STAFF:
            details = {"first_name": first, "last_name": last, "is_staff": is_admin, "is_superuser": is_admin}
            users[email] = self._user(email, details, [role] if role else [])
        # An embassy officer: a program manager who sees only the IMET students of Jordan and Ukraine.
        scope, created = ManagerScope.objects.get_or_create(
            user=users[SCOPED_MANAGER], defaults={"countries": list(SCOPED_COUNTRIES)}
        )
        if created:
            scope.sponsoring_programs.set([programs[SCOPED_PROGRAM]])
        return users

    def _user(self, email, details, roles):
        """A demo account, created once with the demo password; an existing one is kept as it is."""
        user, created = User.objects.get_or_create(email=email, defaults=details)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if roles:
                user_roles_set(user=user, roles=roles)
        return user

    def _image(self, title, data, palette):
        Image = get_image_model()
        existing = Image.objects.filter(title=title).first()
        if existing:
            return existing
        image = Image(title=title, description=title)
        image.file = ImageFile(ContentFile(data), name=f"demo-{hashlib.sha256(title.encode()).hexdigest()[:12]}.jpg")
        image.save()
        return image

    def _document(self, title, data):
        Document = get_document_model()
        existing = Document.objects.filter(title=title).first()
        if existing:
            return existing
        document = Document(title=title)
        document.file.save(f"{title.lower().replace(' ', '-')[:60]}.pdf", ContentFile(data), save=False)
        document.save()
        return document

    def _courses(self, themes, users):
        catalogue = source_only(CatalogueIndexPage.objects.all()).order_by("path").first()
        created = 0
        courses = {}
        for index, spec in enumerate(curriculum.load_all()):
            course = CoursePage.objects.child_of(catalogue).filter(slug=spec.slug).first()
            if course is None:
                cover = self._image(f"Course cover: {spec.title}", images.cover_image(spec.slug, index), index)
                course = CoursePage(
                    title=spec.title,
                    slug=spec.slug,
                    summary=spec.summary,
                    audience=spec.audience,
                    level=spec.level,
                    estimated_hours=spec.hours,
                    language=spec.language,
                    enrolment_policy=spec.policy,
                    cover_image=cover,
                    learning_outcomes=[{"type": "outcome", "value": text} for text in spec.outcomes],
                )
                catalogue.add_child(instance=course)
                course.themes.set([themes[spec.theme]])
                course.prerequisites.set([courses[slug] for slug in spec.prerequisites if slug in courses])
                instructor = users.get(TEACHING.get(spec.slug, ""))
                course.instructors.set([instructor] if instructor else [])
                course.save_revision().publish()
                created += 1
            courses[spec.slug] = course
            if users:
                course_instructors_sync(course=course)
            created += self._modules(course, spec, index)
        return created

    def _cohorts(self, programs):
        """One intake per course, starting on the first Monday of next month, twelve weeks long."""
        today = datetime.date.today()
        first_of_next = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        starts = first_of_next + datetime.timedelta(days=(7 - first_of_next.weekday()) % 7)
        sponsors = [programs["imet"], programs["partnership-fund"], None]
        for index, course in enumerate(source_only(CoursePage.objects.all()).order_by("path")):
            Cohort.objects.get_or_create(
                course=course,
                name=f"{starts:%Y} {starts:%B} intake",
                defaults={
                    "starts_on": starts,
                    "ends_on": starts + datetime.timedelta(weeks=12),
                    "sponsoring_program": sponsors[index % len(sponsors)],
                    "capacity": 30,
                },
            )

    def _enrolments(self, users):
        """The demo students' places and progress, made through the same services as the site."""
        manager = users["manager@example.org"]
        for email, slug, outcome, done in ENROLMENTS:
            student, course = users.get(email), source_only(CoursePage.objects.filter(slug=slug)).first()
            if student is None or course is None or Enrolment.objects.filter(user=student, course=course).exists():
                continue
            cohort = Cohort.objects.filter(course=course).order_by("starts_on").first()
            if outcome in ("pending", "rejected"):
                enrolment = enrolment_request(user=student, course=course, cohort=cohort)
                if outcome == "rejected":
                    reason = "Your sponsor has not confirmed funding for this intake."
                    enrolment_reject(enrolment_id=enrolment.pk, actor=manager, reason=reason)
                continue
            enrolment_create_for_student(
                user=student, course=course, cohort=cohort, actor=manager, source=EnrolmentSource.MANAGER
            )
            modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
            for module in modules if done is None else modules[:done]:
                module_complete(user=student, module=module)
            if done is None:
                # A completed place means the course's required assessments were passed as well.
                required = Assessment.objects.filter(course=course, is_required=True).order_by("pk")
                for assessment in sorted(required, key=lambda a: a.module_id is None):  # modules' first
                    self._attempt(student, assessment, "pass")

    def _certificates(self, users):
        """Confirmed names make the completed courses' certificates; one of them is revoked.

        Rendered here, in this process, so the demo holds real PDFs even when no worker runs yet.
        """
        for email, name, name_latin in CERTIFICATE_NAMES:
            if email in users and not HolderName.objects.filter(user=users[email]).exists():
                holder_name_confirm(user=users[email], name=name, name_latin=name_latin)
        for certificate in Certificate.objects.filter(status=CertificateStatus.PENDING):
            certificate_render(certificate_id=certificate.pk)
        email, slug, reason = CERTIFICATE_REVOKED
        revoked = Certificate.objects.filter(
            holder__email=email, course__slug=slug, status=CertificateStatus.ISSUED
        ).first()
        if revoked is not None:
            certificate_revoke(certificate_id=revoked.pk, actor=users["manager@example.org"], reason=reason)

    def _banks(self):
        """Each course's question bank and assessments, from lms/demo/curriculum/questions/; returns what was new."""
        new_questions = new_assessments = 0
        for bank in questions.load_all():
            course = source_only(CoursePage.objects.filter(slug=bank.course)).first()
            if course is None:
                raise curriculum.CurriculumError(f"question bank for an unknown course {bank.course!r}")
            categories = {
                name: QuestionCategory.objects.get_or_create(course=course, name=name)[0] for name in bank.categories
            }
            by_title = {}
            for spec in bank.questions:
                question = Question.objects.filter(course=course, title=spec.title).first()
                if question is None:
                    question = self._question(course, categories.get(spec.category), spec)
                    new_questions += 1
                by_title[spec.title] = question
            for spec in bank.assessments:
                if not Assessment.objects.filter(course=course, title=spec.title).exists():
                    self._assessment(course, spec, by_title, categories)
                    new_assessments += 1
        return new_questions, new_assessments

    def _question(self, course, category, spec):
        question = Question.objects.create(
            course=course,
            category=category,
            title=spec.title,
            type=spec.type,
            prompt=spec.prompt_html,
            points=spec.points,
            explanation=spec.explanation_html,
            scoring_rule=spec.scoring,
            accepted_answers="\n".join(spec.accepted),
            case_sensitive=spec.case_sensitive,
            numeric_answer=spec.number,
            numeric_tolerance=spec.tolerance,
            rubric=spec.rubric,
        )
        QuestionOption.objects.bulk_create(
            QuestionOption(question=question, text=o.text, is_correct=o.is_correct, feedback=o.feedback, sort_order=n)
            for n, o in enumerate(spec.options)
        )
        question.save_revision()  # the bank's history starts with the demo's version
        return question

    def _assessment(self, course, spec, by_title, categories):
        module = None
        if spec.module:
            module = ModulePage.objects.child_of(course).filter(slug=spec.module).first()
            if module is None:
                raise curriculum.CurriculumError(f"{spec.title}: no module {spec.module!r} in {course.slug}")
        assessment = Assessment.objects.create(
            course=course,
            module=module,
            title=spec.title,
            instructions=spec.instructions_html,
            time_limit_minutes=spec.time_limit,
            attempts_allowed=spec.attempts,
            pass_mark_percent=spec.pass_mark,
            is_required=spec.required,
            layout=spec.layout,
            shuffle_questions=spec.shuffle_questions,
            shuffle_options=spec.shuffle_options,
            feedback_policy=spec.feedback,
            # Feedback "after it closes" needs a closing date: the end of the course's intake.
            closes_at=self._intake_end(course) if spec.feedback == "after_close" else None,
        )
        AssessmentItem.objects.bulk_create(
            AssessmentItem(assessment=assessment, question=by_title[item[1]], sort_order=n)
            if item[0] == "question"
            else AssessmentItem(assessment=assessment, category=categories[item[1]], draw_count=item[2], sort_order=n)
            for n, item in enumerate(spec.items)
        )
        assessment.save_revision()
        return assessment

    def _intake_end(self, course):
        cohort = Cohort.objects.filter(course=course).order_by("-ends_on").first()
        day = cohort.ends_on if cohort else datetime.date.today() + datetime.timedelta(weeks=16)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))

    def _attempts(self, users):
        for email, slug, title, outcome in ATTEMPTS:
            student = users.get(email)
            assessment = Assessment.objects.filter(course__slug=slug, title=title).first()
            if student is None or assessment is None:
                continue
            tried = Attempt.objects.filter(assessment=assessment, user=student).exists()
            place = Enrolment.objects.filter(user=student, course=assessment.course_id, status=EnrolmentStatus.ACTIVE)
            if place.exists() and not tried:
                self._attempt(student, assessment, outcome)

    def _attempt(self, student, assessment, outcome):
        """One attempt through the same services as the site: start, answer each question, submit."""
        attempt = attempt_start(user=student, assessment=assessment)
        for item in attempt.questions.order_by("position"):
            correct = outcome != "fail" or item.position <= 3
            answer = questions.answer_for(item.snapshot, correct=correct)
            answer_save(user=student, attempt_id=attempt.pk, position=item.position, raw=answer)
        return attempt_submit(user=student, attempt_id=attempt.pk)

    def _modules(self, course, spec, palette):
        created = 0
        for number, module_spec in enumerate(spec.modules, start=1):
            if ModulePage.objects.child_of(course).filter(slug=module_spec.slug).exists():
                continue
            figure = self._image(
                f"Figure: {module_spec.title}",
                images.module_figure(f"{spec.slug}/{module_spec.slug}", palette),
                palette,
            )
            blocks = list(module_spec.blocks)
            figure_block = {
                "type": "image",
                "value": {
                    "image": figure.pk,
                    "alt_text": "",
                    "caption": f"Module {number}: {module_spec.title}",
                },
            }
            blocks.insert(min(2, len(blocks)), figure_block)
            if number == 1:
                reading = self._document(
                    f"Reading: {spec.title}", images.reading_pdf(spec.title, [spec.summary, spec.audience])
                )
                blocks.append(
                    {
                        "type": "reading",
                        "value": {"document": reading.pk, "title": f"Course brief: {spec.title}", "note": spec.summary},
                    }
                )
            module = ModulePage(
                title=module_spec.title,
                slug=module_spec.slug,
                estimated_minutes=max(module_spec.minutes, round(module_spec.words / 180)),
                body=blocks,
            )
            course.add_child(instance=module)
            module.save_revision().publish()
            created += 1
        return created

    def _print_sign_ins(self):
        rows = [
            ("student", "student@example.org"),
            ("student (Arabic name)", "layla.haddad@example.org"),
            ("instructor", "instructor@example.org"),
            ("program manager", "manager@example.org"),
            ("program manager, scoped", f"{SCOPED_MANAGER} (IMET students of Jordan and Ukraine)"),
            ("administrator", "admin@example.org"),
        ]
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
        for role, email in rows:
            self.stdout.write(f"  {role:<24} {email}")
        self.stdout.write("Site: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/\n")
