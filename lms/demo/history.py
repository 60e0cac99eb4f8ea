"""Two years of made-up history for the demo, so that program managers' reports have something to show.

``seed_demo --history`` calls ``history_load`` after the normal demo. It adds
about 3,000 students from some 45 countries, past, running and coming cohorts
of every demo course, their places in every status with consistent times,
module progress, graded attempts at the demo assessments (questions frozen as
an attempt freezes them, answers that make some questions hard and some
distractors popular) and certificates. It is generated from a fixed seed and
today's date, written in bulk in one transaction, and loaded once: a second
run finds the history's students and changes nothing.

Certificates are the part that must not cost a rendering each (seconds of
WeasyPrint per PDF). They are made through the certificates app's bulk
service for each cohort (``cohort_certificates_issue``) while the history's
students have no confirmed name yet, so every certificate is created
*awaiting the name* and nothing is queued. Then the names are recorded and the
certificates marked issued, with their historical dates, without a file: a
state the certificates app handles everywhere. The verify page answers for
them (it needs ``issued_at``, not a file); the first download, by the holder or
in a manager's cohort archive, renders that one certificate
(``certificate_files_ensure``); and ``certificates_sweep`` leaves them alone (it
looks only for completions without a certificate, *pending* ones and unsent
emails, and ``notified_at`` is set).
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

# The grading rules and the frozen form of a question (pure functions),
# and the row of a frozen question: the history writes attempts in bulk exactly as attempt_start
# and attempt_submit would leave them.
from assessments.api import (
    Assessment,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Question,
    answer_clean,
    enrolment_assessed_refresh,
    grade,
    question_snapshot,
)
from certificates.api import (
    Certificate,
    CertificateStatus,
    HolderName,
    certificate_revoke,
    cohort_certificates_issue,
    enrolment_certified_refresh,
)
from courses.api import (
    Cohort,
    CoursePage,
    Enrolment,
    EnrolmentEvent,
    EnrolmentPolicy,
    EnrolmentSource,
    EnrolmentStatus,
    ModulePage,
    ModuleProgress,
    enrolment_required_done_refresh,
    source_only,
)
from lms.accounts.api import SponsoringProgram, User, user_bulk_upsert
from lms.core import pagecache
from lms.demo.people import Person, person_make

SEED = 20_240_601
DOMAIN = "history.example.org"
STUDENTS = 3000
BATCH = 1000

# Cohorts: one running now for every course, four before it, this far apart; two courses also
# have an intake starting soon (course slug: days from today).
COHORT_SPACING_DAYS = 160
PAST_COHORTS = 4
UPCOMING = {"civilian-control": 38, "doctrine-interoperability": 52}
# How often a student starts with each course; the second and third courses follow on.
POPULARITY = {
    "civilian-control": 30,
    "security-sector-reform": 18,
    "doctrine-interoperability": 22,
    "export-controls": 12,
    "conditionality-human-rights": 18,
}
# The pathway through the courses with prerequisites, in order.
PATHWAY = ("civilian-control", "security-sector-reform", "export-controls")

REJECTION_REASONS = (
    "Your sponsor has not confirmed funding for this intake.",
    "The cohort is reserved for officers nominated by their ministry.",
    "Please apply again for the next intake: this one is full.",
    "The course needs a working knowledge of English at level B2; please send your test results.",
)
REVOCATION_REASONS = (
    "Issued in error: the completion was recorded against the wrong account.",
    "The final assessment was found on review to have been taken by someone else.",
    "The sponsoring program withdrew the nomination after the course ended.",
)
ESSAY_TEXTS = (
    "Conditions work when the partner helped to set them, when the benchmarks are observable, and when "
    "the consequences are graduated and announced in advance. Vetting units is a floor, not a programme.",
    "Aid conditioned on outcomes rather than outputs gives the partner ministry room to choose its own "
    "means. The risk is that benchmarks become box-ticking unless someone monitors them independently.",
    "Leverage is limited when the partner has other suppliers. Conditions should therefore target what the "
    "partner values in the relationship: education places, exercises, and long-term institution building.",
    "Suspending assistance punishes the units that behaved well. Targeted measures against the responsible "
    "commanders, with a clear way back, keep the relationship and the incentive together.",
)
ESSAY_FEEDBACK = (
    "A clear argument; give a concrete example of a benchmark next time.",
    "Good use of the course material on vetting and due diligence.",
    "You describe conditionality well but do not say when it fails.",
    "Well structured. The point about graduated responses is the strongest part.",
)
SHORT_WRONG = ("Not sure", "The general staff", "The ministry", "I do not remember", "Parliament")


@dataclass
class _Paper:
    """An assessment, what it asks (as attempt_start freezes it) and how hard each question is."""

    assessment: Assessment
    plan: list  # ("fixed", snapshot) or ("draw", count, [snapshots]), in the authored order
    difficulty: dict  # question id -> (discrimination, difficulty, popular wrong options first)
    grader_id: int | None


@dataclass
class _Course:
    page: CoursePage
    modules: list
    final: _Paper | None
    module_papers: dict  # module index -> _Paper (passing it completes the module)
    prerequisites: list  # course slugs
    cohorts: list = field(default_factory=list)


@dataclass
class _Cohort:
    row: Cohort
    start: datetime.datetime
    end: datetime.datetime
    phase: str  # "ended", "running" or "upcoming"
    weight: float
    sponsor: str | None  # the sponsoring program's code


@dataclass
class _Student:
    person: Person
    user_id: int
    ability: float
    diligence: float
    completed: dict = field(default_factory=dict)  # course slug -> completion time


@dataclass
class _Sitting:
    """An attempt worked out before its times are known: its frozen questions, answers and grades."""

    paper: _Paper
    rows: list  # (position, snapshot, answer, points)
    score: Decimal
    max_score: Decimal
    percent: Decimal
    passed: bool
    minutes: float
    essay_days: float | None  # days until the instructor graded the essay, if any


@dataclass
class _Place:
    enrolment: Enrolment
    events: list = field(default_factory=list)
    progress: list = field(default_factory=list)
    attempts: list = field(default_factory=list)  # (Attempt, [AttemptQuestion])


class History:
    def __init__(self, *, manager, students: int = STUDENTS, seed: int = SEED, now=None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.manager = manager
        self.count = students
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.today = timezone.localdate(self.now)
        self.latest = self.now - datetime.timedelta(hours=1)  # nothing in the history is later than this

    # Times ------------------------------------------------------------------------------------------

    def _at(self, day: datetime.date, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)

    def _between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
        if end <= start:
            return start
        return start + datetime.timedelta(seconds=int(self.rng.random() * (end - start).total_seconds()))

    def _days(self, low: float, high: float) -> datetime.timedelta:
        return datetime.timedelta(seconds=int(self.rng.uniform(low, high) * 86400))

    # The catalogue -------------------------------------------------------------------------------

    def _courses(self) -> list[_Course]:
        courses = []
        for page in source_only(CoursePage.objects.live()).order_by("path"):
            modules = list(ModulePage.objects.child_of(page).live().filter(is_required=True).order_by("path"))
            if not modules:
                continue
            final, module_papers = None, {}
            for assessment in Assessment.objects.filter(course=page, is_required=True).order_by("pk"):
                paper = self._paper(page, assessment)
                if not paper.plan:
                    continue
                if assessment.module_id is None:
                    final = final or paper
                else:
                    index = next((i for i, m in enumerate(modules) if m.pk == assessment.module_id), None)
                    if index is not None:
                        module_papers[index] = paper
            courses.append(
                _Course(
                    page=page,
                    modules=modules,
                    final=final,
                    module_papers=module_papers,
                    prerequisites=list(page.prerequisites.values_list("slug", flat=True)),
                )
            )
        return courses

    def _paper(self, course: CoursePage, assessment: Assessment) -> _Paper:
        """The plan attempt_start freezes from: fixed questions and draws from the course's own bank."""
        items = list(
            assessment.items.select_related("question")
            .prefetch_related("question__options")
            .order_by("sort_order", "pk")
        )
        fixed = {item.question_id for item in items if item.question_id}
        plan, questions = [], []
        for item in items:
            if item.question_id:
                if item.question.course_id == assessment.course_id:
                    plan.append(("fixed", question_snapshot(item.question)))
                    questions.append(item.question)
                continue
            pool = list(
                Question.objects.filter(category_id=item.category_id, course_id=assessment.course_id)
                .exclude(pk__in=fixed)
                .prefetch_related("options")
                .order_by("pk")
            )
            plan.append(("draw", item.draw_count, [question_snapshot(question) for question in pool]))
            questions.extend(pool)
        # How hard each question is comes from its title, so that it does not depend on database ids.
        difficulty = {}
        ranked = sorted(questions, key=lambda q: random.Random(f"{self.seed}:{course.slug}:{q.title}").random())
        hard = {q.pk for q in ranked[:2]}
        vague = ranked[2].pk if len(ranked) > 2 else None
        for question in questions:
            rng = random.Random(f"{self.seed}:{course.slug}:{question.title}:difficulty")
            b = rng.uniform(0.9, 1.6) if question.pk in hard else rng.gauss(-1.0, 0.6)
            a = 0.3 if question.pk == vague else rng.uniform(1.0, 2.2)
            wrong = [o.pk for o in question.options.all() if not o.is_correct]
            rng.shuffle(wrong)
            difficulty[question.pk] = (a, b, wrong)
        teacher = course.instructors.order_by("pk").values_list("pk", flat=True).first()
        return _Paper(assessment=assessment, plan=plan, difficulty=difficulty, grader_id=teacher)

    def _cohorts(self, courses: list[_Course], programs: dict) -> list[_Cohort]:
        sponsors = [programs.get("imet"), None, programs.get("partnership-fund"), None, programs.get("national")]
        made = []
        for index, course in enumerate(courses):
            weeks = 10 if course.page.estimated_hours <= 6 else 12
            running = self.today - datetime.timedelta(days=40 + 9 * index)
            starts = [running - datetime.timedelta(days=COHORT_SPACING_DAYS * k) for k in range(PAST_COHORTS, 0, -1)]
            starts.append(running)
            if course.page.slug in UPCOMING:
                starts.append(self.today + datetime.timedelta(days=UPCOMING[course.page.slug]))
            for number, starts_on in enumerate(starts):
                ends_on = starts_on + datetime.timedelta(weeks=weeks)
                sponsor = sponsors[(number + index) % len(sponsors)]
                cohort, _created = Cohort.objects.get_or_create(
                    course=course.page,
                    name=f"{starts_on:%B %Y} cohort",
                    defaults={"starts_on": starts_on, "ends_on": ends_on, "sponsoring_program": sponsor},
                )
                phase = (
                    "upcoming"
                    if cohort.starts_on > self.today
                    else ("running" if cohort.ends_on >= self.today else "ended")
                )
                weight = {"ended": 0.8 + 0.2 * number, "running": 1.6, "upcoming": 0.45}[phase]
                entry = _Cohort(
                    row=cohort,
                    start=self._at(cohort.starts_on, 8),
                    end=self._at(cohort.ends_on, 18),
                    phase=phase,
                    weight=weight,
                    sponsor=cohort.sponsoring_program.code if cohort.sponsoring_program_id else None,
                )
                course.cohorts.append(entry)
                made.append(entry)
        return made

    # The students ------------------------------------------------------------------------------

    def _students(self, programs: dict) -> list[_Student]:
        codes = ("imet", "partnership-fund", "national")
        people = [person_make(self.rng, n, domain=DOMAIN, programs=codes) for n in range(1, self.count + 1)]
        done = user_bulk_upsert(
            people=[
                {
                    "email": p.email,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "name_native": p.name_native,
                    "preferred_language": p.language,
                    "country": p.country,
                    "service": p.service,
                    "rank": p.rank,
                    "organisation": p.organisation,
                    "sponsoring_program": programs[p.program],
                }
                for p in people
            ],
            invite=False,  # made-up people: nobody to invite, and they never sign in
        )
        return [
            _Student(
                person=p,
                user_id=done.ids_by_email[p.email],
                ability=self.rng.gauss(0.35, 0.9),
                diligence=self.rng.gauss(0, 1),
            )
            for p in people
        ]

    # Attempts ------------------------------------------------------------------------------------

    def _freeze(self, paper: _Paper) -> list[dict]:
        """What attempt_start freezes: fixed questions and draws, each once, shuffled as the assessment says."""
        chosen, seen = [], set()
        for entry in paper.plan:
            if entry[0] == "fixed":
                if entry[1]["question_id"] not in seen:
                    chosen.append(entry[1])
                    seen.add(entry[1]["question_id"])
                continue
            pool = [snapshot for snapshot in entry[2] if snapshot["question_id"] not in seen]
            for snapshot in self.rng.sample(pool, min(entry[1], len(pool))):
                chosen.append(snapshot)
                seen.add(snapshot["question_id"])
        assessment = paper.assessment
        if assessment.shuffle_questions:
            self.rng.shuffle(chosen)
        if assessment.shuffle_options:
            shuffled = []
            for snapshot in chosen:
                if snapshot["type"] != "true_false":
                    options = list(snapshot["options"])
                    self.rng.shuffle(options)
                    snapshot = dict(snapshot, options=options)
                shuffled.append(snapshot)
            chosen = shuffled
        return chosen

    def _raw_answer(self, snapshot: dict, chance: float, wrong_first: list):
        """What a student of this chance of being right would send (None: left blank)."""
        rng, kind = self.rng, snapshot["type"]
        if kind == "essay":
            return rng.choice(ESSAY_TEXTS)
        if rng.random() < 0.02:
            return None
        right = rng.random() < chance
        options = snapshot["options"]
        if kind in ("single", "true_false"):
            if right:
                return next(o["id"] for o in options if o["is_correct"])
            wrong = [pk for pk in wrong_first if any(o["id"] == pk for o in options)]
            return rng.choices(wrong, weights=[4] + [1] * (len(wrong) - 1))[0] if wrong else options[0]["id"]
        if kind == "multiple":
            correct = [o["id"] for o in options if o["is_correct"]]
            if right:
                return correct
            chosen = [o["id"] for o in options if rng.random() < (0.6 if o["is_correct"] else 0.35)]
            return chosen or [rng.choice(options)["id"]]
        if kind == "short_answer":
            if not right:
                return rng.choice(SHORT_WRONG)
            text = rng.choice(snapshot["accepted_answers"])
            return text if snapshot["case_sensitive"] or rng.random() < 0.7 else text.lower()
        if kind == "numeric":
            answer = Decimal(snapshot["numeric_answer"])
            if right:
                return format(answer.normalize(), "f")
            miss = Decimal(snapshot["numeric_tolerance"]) + rng.choice((1, 2, 3, 10))
            return format((answer + miss * rng.choice((-1, 1))).normalize(), "f")
        return None

    def _sitting(self, paper: _Paper, ability: float, *, want_pass: bool | None) -> _Sitting:
        """An attempt's questions, answers and grades; drawn again until it passes or fails as wanted."""
        for tries in range(60):
            theta = ability + (0.2 * tries if want_pass else -0.2 * tries if want_pass is False else 0)
            rows, score, max_score, essay = [], Decimal(0), Decimal(0), False
            for position, snapshot in enumerate(self._freeze(paper), start=1):
                a, b, wrong_first = paper.difficulty.get(snapshot["question_id"], (1.0, 0.0, []))
                chance = 1 / (1 + math.exp(-a * (theta - b)))
                answer = answer_clean(snapshot, self._raw_answer(snapshot, chance, wrong_first))
                points = grade(snapshot, answer)
                if points is None:  # an essay: the course's instructor grades it
                    essay = True
                    fraction = min(1.0, max(0.2, chance + self.rng.gauss(0, 0.12)))
                    worth = Decimal(snapshot["points"])
                    points = (worth * Decimal(round(fraction * 2 * float(worth)) / (2 * float(worth)))).quantize(
                        Decimal("0.01"), rounding=ROUND_HALF_UP
                    )
                score += points
                max_score += Decimal(snapshot["points"])
                rows.append((position, snapshot, answer, points))
            percent = (100 * score / max_score).quantize(Decimal("0.01")) if max_score else Decimal(0)
            passed = percent >= paper.assessment.pass_mark_percent
            if want_pass is None or passed == want_pass:
                break
        limit = paper.assessment.time_limit_minutes
        minutes = limit * self.rng.uniform(0.45, 1.0) if limit else self.rng.uniform(6, 25)
        return _Sitting(
            paper=paper,
            rows=rows,
            score=score,
            max_score=max_score,
            percent=percent,
            passed=passed,
            minutes=minutes,
            essay_days=self.rng.uniform(0.3, 4) if essay else None,
        )

    def _sittings(self, paper: _Paper, ability: float, *, until_pass: bool, tries: int | None = None) -> list:
        """Attempts in order: until one passes (the last allowed always does), or ``tries`` failed ones."""
        allowed = paper.assessment.attempts_allowed or 4
        sittings = []
        if until_pass:
            for number in range(1, allowed + 1):
                sitting = self._sitting(
                    paper, ability + 0.5 * (number - 1), want_pass=True if number == allowed else None
                )
                sittings.append(sitting)
                if sitting.passed:
                    break
        else:
            for number in range(1, min(tries or 1, allowed) + 1):
                sittings.append(self._sitting(paper, ability + 0.3 * (number - 1), want_pass=False))
        return sittings

    def _attempt(self, place: _Place, sitting: _Sitting, number: int, started: datetime.datetime):
        """The attempt's row and its questions' rows, at the time it was taken; returns when it was graded."""
        assessment = sitting.paper.assessment
        duration = datetime.timedelta(minutes=sitting.minutes)
        deadline = (
            started + datetime.timedelta(minutes=assessment.time_limit_minutes)
            if assessment.time_limit_minutes
            else None
        )
        if assessment.closes_at and (deadline is None or assessment.closes_at < deadline):
            deadline = assessment.closes_at
        auto = deadline is not None and self.rng.random() < 0.05
        submitted = deadline if auto else started + duration
        if deadline is not None and submitted > deadline:
            submitted = deadline
        graded = submitted
        if sitting.essay_days is not None:
            graded = min(submitted + datetime.timedelta(days=sitting.essay_days), max(submitted, self.latest))
        attempt = Attempt(
            assessment=assessment,
            user_id=place.enrolment.user_id,
            enrolment=place.enrolment,
            number=number,
            status=AttemptStatus.GRADED,
            started_at=started,
            deadline=deadline,
            submitted_at=submitted,
            auto_submitted=auto,
            graded_at=graded,
            score=sitting.score,
            max_score=sitting.max_score,
            percent=sitting.percent,
            passed=sitting.passed,
            result_notified_at=graded + datetime.timedelta(minutes=2),
        )
        count = len(sitting.rows)
        rows = []
        for position, snapshot, answer, points in sitting.rows:
            essay = snapshot["type"] == "essay"
            rows.append(
                AttemptQuestion(
                    position=position,
                    question_id=snapshot["question_id"],
                    snapshot=snapshot,
                    answer=answer,
                    answered_at=started + (submitted - started) * position / (count + 1) if answer else None,
                    points_awarded=points,
                    graded_by_id=sitting.paper.grader_id if essay else None,
                    grader_feedback=self.rng.choice(ESSAY_FEEDBACK) if essay else "",
                    graded_at=graded if essay else submitted,
                )
            )
        place.attempts.append((attempt, rows))
        return graded

    # Places --------------------------------------------------------------------------------------

    def _event(self, place, from_status, to_status, at, *, actor_id=None, reason="", notified=False):
        place.events.append(
            EnrolmentEvent(
                enrolment=place.enrolment,
                from_status=from_status,
                to_status=to_status,
                at=at,
                actor_id=actor_id,
                reason=reason,
                notified_at=at + datetime.timedelta(minutes=3) if notified else None,
            )
        )

    def _place(self, student: _Student, course: _Course, cohort: _Cohort) -> _Place:
        rng, page = self.rng, course.page
        enrolment = Enrolment(user_id=student.user_id, course_id=page.pk, cohort_id=cohort.row.pk)
        place = _Place(enrolment=enrolment)
        prerequisites_met = all(
            slug in student.completed and student.completed[slug] < cohort.start for slug in course.prerequisites
        )
        if page.enrolment_policy == EnrolmentPolicy.CLOSED or not prerequisites_met:
            source = rng.choices((EnrolmentSource.IMPORT, EnrolmentSource.MANAGER), weights=(7, 3))[0]
        else:
            asks = 65 if page.enrolment_policy == EnrolmentPolicy.APPROVAL else 55
            source = rng.choices(
                (EnrolmentSource.SELF, EnrolmentSource.IMPORT, EnrolmentSource.MANAGER), weights=(asks, 30, 15)
            )[0]
        enrolment.source = source
        if source == EnrolmentSource.SELF:
            # Requests on approval courses come before the start; open courses take late joiners too.
            approval = page.enrolment_policy == EnrolmentPolicy.APPROVAL
            requested = cohort.start - (self._days(3, 45) if approval else self._days(-10, 45))
            if cohort.phase == "running" and rng.random() < 0.06 and approval:
                requested = self.latest - self._days(0.2, 6)  # a late request, not decided yet
            if requested > self.latest:
                requested = self.latest - self._days(0.1, 12)
            enrolment.requested_at = requested
            if page.enrolment_policy == EnrolmentPolicy.APPROVAL:
                self._event(place, "", EnrolmentStatus.PENDING, requested, actor_id=student.user_id)
                decided = requested + self._days(0.5, 8)
                waiting = decided > self.latest or (cohort.phase == "upcoming" and rng.random() < 0.45)
                if waiting or requested > cohort.start:  # (a late request, above)
                    enrolment.status, enrolment.status_changed_at = EnrolmentStatus.PENDING, requested
                    return place
                enrolment.decided_by_id = self.manager.pk
                if rng.random() < 0.16:
                    reason = rng.choice(REJECTION_REASONS)
                    enrolment.status, enrolment.rejected_at = EnrolmentStatus.REJECTED, decided
                    enrolment.status_changed_at, enrolment.decision_reason = decided, reason
                    self._event(
                        place,
                        EnrolmentStatus.PENDING,
                        EnrolmentStatus.REJECTED,
                        decided,
                        actor_id=self.manager.pk,
                        reason=reason,
                        notified=True,
                    )
                    return place
                activated = decided
                self._event(
                    place,
                    EnrolmentStatus.PENDING,
                    EnrolmentStatus.ACTIVE,
                    activated,
                    actor_id=self.manager.pk,
                    notified=True,
                )
            else:
                activated = requested
                self._event(place, "", EnrolmentStatus.ACTIVE, activated, actor_id=student.user_id)
        else:
            activated = min(cohort.start - self._days(4, 28), self.latest - self._days(0.1, 3))
            enrolment.decided_by_id = self.manager.pk
            self._event(place, "", EnrolmentStatus.ACTIVE, activated, actor_id=self.manager.pk)
        enrolment.status, enrolment.activated_at, enrolment.status_changed_at = (
            EnrolmentStatus.ACTIVE,
            activated,
            activated,
        )
        if cohort.phase != "upcoming":
            self._progress(place, student, course, cohort, activated)
        return place

    def _progress(self, place: _Place, student: _Student, course: _Course, cohort: _Cohort, activated) -> None:
        """What the student did after enrolling: modules, attempts, and how the place ended (if it did)."""
        rng, enrolment = self.rng, place.enrolment
        n = len(course.modules)
        length = cohort.end - cohort.start
        begin = max(activated, cohort.start) + self._days(0.1, 4)
        if begin >= self.latest - datetime.timedelta(days=1):
            return  # has not started yet
        if cohort.phase == "ended":
            roll = rng.random() - 0.05 * student.diligence
            outcome = "completed" if roll < 0.72 else ("withdrawn" if roll < 0.84 else "stalled")
        else:
            elapsed = (self.now - cohort.start) / length
            roll = rng.random()
            fast = 0.18 * max(0.0, elapsed - 0.35) * (1 + max(0.0, student.diligence))
            outcome = "completed" if roll < fast else ("withdrawn" if roll < fast + 0.06 else "active")
        finals = []
        if outcome == "completed":
            span = length * min(1.7, max(0.3, rng.lognormvariate(math.log(0.8), 0.3) - 0.08 * student.diligence))
            done, last = n, begin + span
            if course.final is not None:
                finals = self._sittings(course.final, student.ability, until_pass=True)
        elif outcome == "withdrawn":
            done = min(n - 1, int(rng.triangular(0, n, 0)))
            last = begin + length * rng.uniform(0.1, 0.7)
        elif outcome == "stalled":  # still enrolled after the cohort ended: stopped part-way, or failed the final
            done = rng.choice(range(n + 1))
            last = begin + length * rng.uniform(0.15, 0.95)
            if done == n and course.final is not None:
                finals = self._sittings(course.final, student.ability - 0.8, until_pass=False, tries=rng.randint(1, 3))
        else:  # active in a running cohort: on pace, ahead or behind, some gone quiet
            elapsed = (self.now - cohort.start) / length
            behind = rng.random() < 0.22 - 0.05 * student.diligence
            pace = rng.uniform(0.0, 0.5) if behind else rng.uniform(0.8, 1.3)
            done = min(n, int(elapsed * n * pace + rng.random() * 0.6))
            idle = self._days(14, 60) if (behind or rng.random() < 0.12) else self._days(0.1, 6)
            last = self.latest - idle
            if done == n and course.final is not None and rng.random() < 0.5:
                finals = self._sittings(course.final, student.ability - 0.6, until_pass=False, tries=rng.randint(1, 2))
        # Attempts and checks may run a few hours past the timeline's end: keep it clear of now.
        last = min(last, self.latest - datetime.timedelta(hours=12))
        if last <= begin:
            done, finals, last = 0, [], begin
        # The timeline: modules one after another, then the final's attempts; squeezed into [begin, last].
        steps = [rng.uniform(0.6, 1.4) for _ in range(done)]
        gaps = [rng.uniform(0.3, 1.2) for _ in finals]
        total = sum(steps) + sum(gaps) + (rng.uniform(0.1, 0.5) if done < n else 0) or 1.0
        unit = (last - begin) / total
        t = begin
        for index in range(done):
            started = t + unit * steps[index] * rng.uniform(0.0, 0.2)
            t = t + unit * steps[index]
            completed = t
            paper = course.module_papers.get(index)
            if paper is not None:  # the module's check: passing it is what completes the module
                sittings = self._sittings(paper, student.ability + 0.6, until_pass=True)
                at = started + (completed - started) * 0.5
                for number, sitting in enumerate(sittings, start=1):
                    graded = self._attempt(place, sitting, number, at)
                    at = graded + datetime.timedelta(minutes=rng.uniform(5, 90))
                completed = graded
                t = max(t, completed)
            place.progress.append(
                ModuleProgress(
                    enrolment=enrolment, module=course.modules[index], started_at=started, completed_at=completed
                )
            )
        if done < n and outcome != "completed" and rng.random() < 0.7 and t < self.latest:
            started = min(t + unit * rng.uniform(0.05, 0.5), self.latest)
            place.progress.append(ModuleProgress(enrolment=enrolment, module=course.modules[done], started_at=started))
            t = max(t, started)
        graded = None
        for number, (sitting, gap) in enumerate(zip(finals, gaps, strict=True), start=1):
            started = t + unit * gap
            graded = self._attempt(place, sitting, number, started)
            t = max(started + datetime.timedelta(minutes=sitting.minutes), graded if sitting.passed else started)
        if outcome == "completed" and graded is None:
            graded = t  # a course without a final: the last module completes it
        if outcome == "completed":
            completed_at = max(graded, t)
            enrolment.status, enrolment.completed_at, enrolment.status_changed_at = (
                EnrolmentStatus.COMPLETED,
                completed_at,
                completed_at,
            )
            enrolment.last_activity_at = completed_at
            self._event(place, EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED, completed_at)
            student.completed[course.page.slug] = completed_at
            return
        activity = [p.completed_at or p.started_at for p in place.progress]
        activity += [a.submitted_at for a, _rows in place.attempts]
        enrolment.last_activity_at = max(activity) if activity else None
        if outcome == "withdrawn":
            gone = min((enrolment.last_activity_at or begin) + self._days(2, 30), self.latest)
            enrolment.status, enrolment.withdrawn_at, enrolment.status_changed_at = (
                EnrolmentStatus.WITHDRAWN,
                gone,
                gone,
            )
            self._event(place, EnrolmentStatus.ACTIVE, EnrolmentStatus.WITHDRAWN, gone, actor_id=enrolment.user_id)

    def _plan_places(self, students: list[_Student], courses: list[_Course]) -> list[_Place]:
        rng = self.rng
        by_slug = {course.page.slug: course for course in courses}
        slugs = [slug for slug in POPULARITY if slug in by_slug]
        places = []
        for student in students:
            first = rng.choices(slugs, weights=[POPULARITY[s] for s in slugs])[0]
            wanted = rng.choices((1, 2, 3), weights=(66, 26, 8))[0]
            sequence = [first]
            if first in PATHWAY:
                sequence += [s for s in PATHWAY[PATHWAY.index(first) + 1 :] if s in by_slug]
            others = [s for s in slugs if s not in sequence]
            rng.shuffle(others)
            sequence = (sequence + others)[:wanted]
            previous_end = None
            for slug in sequence:
                course = by_slug[slug]
                if previous_end is None:
                    program = student.person.program
                    cohort = rng.choices(
                        course.cohorts,
                        weights=[
                            c.weight * (1 if c.sponsor is None else (3 if c.sponsor == program else 0.15))
                            for c in course.cohorts
                        ],
                    )[0]
                else:
                    later = [c for c in course.cohorts if c.start >= previous_end]
                    if not later:
                        break
                    cohort = later[0] if len(later) == 1 or rng.random() < 0.7 else later[1]
                place = self._place(student, course, cohort)
                places.append(place)
                if place.enrolment.status != EnrolmentStatus.COMPLETED:
                    break  # the next course waits for this one
                previous_end = max(cohort.end, place.enrolment.completed_at)
        return places

    # Writing -------------------------------------------------------------------------------------

    def _write(self, students: list[_Student], cohorts: list[_Cohort], places: list[_Place]) -> None:
        Enrolment.objects.bulk_create([p.enrolment for p in places], batch_size=BATCH)
        for place in places:  # set the foreign keys now that the enrolments have ids
            for event in place.events:
                event.enrolment = place.enrolment
            for progress in place.progress:
                progress.enrolment = place.enrolment
            for attempt, _rows in place.attempts:
                attempt.enrolment = place.enrolment
        EnrolmentEvent.objects.bulk_create([e for p in places for e in p.events], batch_size=BATCH)
        ModuleProgress.objects.bulk_create([m for p in places for m in p.progress], batch_size=BATCH)
        attempts = [pair for p in places for pair in p.attempts]
        Attempt.objects.bulk_create([attempt for attempt, _rows in attempts], batch_size=BATCH)
        rows = []
        for attempt, questions in attempts:
            for row in questions:
                row.attempt = attempt
                rows.append(row)
        AttemptQuestion.objects.bulk_create(rows, batch_size=500)
        # Rows get "now" as their creation time; the history's is when they were asked for or placed.
        Enrolment.objects.filter(pk__in=[p.enrolment.pk for p in places]).update(
            created_at=Coalesce("requested_at", "activated_at", "status_changed_at"), updated_at=F("status_changed_at")
        )
        for cohort in cohorts:
            opened = cohort.start - datetime.timedelta(days=75)
            Cohort.objects.filter(pk=cohort.row.pk).update(created_at=opened, updated_at=opened)
        # The students signed up a little before they first asked for a place or were given one.
        first = (
            Enrolment.objects.filter(user=OuterRef("pk"))
            .annotate(first=Coalesce("requested_at", "activated_at"))
            .order_by("first")
            .values("first")[:1]
        )
        User.objects.filter(pk__in=[s.user_id for s in students]).update(
            date_joined=ExpressionWrapper(
                Subquery(first) - Value(datetime.timedelta(days=6)), output_field=DateTimeField()
            )
        )

    def _capacities(self, cohorts: list[_Cohort]) -> None:
        """Some cohorts have a capacity: the places they held, rounded up, with room left in those still open."""
        from django.db.models import Count, Q

        held = dict(
            Cohort.objects.filter(pk__in=[c.row.pk for c in cohorts])
            .annotate(
                held=Count(
                    "enrolments",
                    filter=Q(enrolments__status__in=(EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)),
                )
            )
            .values_list("pk", "held")
        )
        for index, cohort in enumerate(cohorts):
            if index % 3 == 2:
                continue  # no limit
            room = {"upcoming": 25, "running": 5}.get(cohort.phase, 0)
            capacity = max(10, math.ceil((held[cohort.row.pk] + room) / 10) * 10)
            Cohort.objects.filter(pk=cohort.row.pk).update(capacity=capacity)

    def _certificates(self, students: list[_Student], cohorts: list[_Cohort]) -> dict:
        """Certificates without a rendering each: see the module's docstring."""
        made = sum(cohort_certificates_issue(cohort=c.row, actor=None)["created"] for c in cohorts)
        certificates = list(
            Certificate.objects.filter(
                holder__email__endswith=f"@{DOMAIN}", status=CertificateStatus.AWAITING_NAME
            ).select_related("enrolment")
        )
        by_user = {}
        for certificate in certificates:
            by_user.setdefault(certificate.holder_id, []).append(certificate)
        names, issued = [], []
        people = {s.user_id: s.person for s in students}
        recent = self.now - datetime.timedelta(days=45)
        for user_id in sorted(by_user):
            held = sorted(by_user[user_id], key=lambda c: c.enrolment.completed_at)
            first_completion = held[0].enrolment.completed_at
            if first_completion > recent and self.rng.random() < 0.5:
                continue  # completed lately and has not yet confirmed the name to print
            person = people[user_id]
            confirmed = min(first_completion + self._days(0.05, 3), self.latest)
            names.append(
                HolderName(
                    user_id=user_id,
                    name=person.holder_name,
                    name_latin=person.holder_name_latin,
                    confirmed_at=confirmed,
                )
            )
            for certificate in held:
                completed = certificate.enrolment.completed_at
                made_at = completed + datetime.timedelta(seconds=self.rng.randint(1, 20))
                issued_at = min(
                    max(completed, confirmed) + datetime.timedelta(seconds=self.rng.randint(20, 600)), self.latest
                )
                certificate.issued_at = issued_at
                issued.append((certificate, person, made_at))
        HolderName.objects.bulk_create(names, batch_size=BATCH)
        # One UPDATE each: cheaper than bulk_update's CASE expressions, which Django is slow to build.
        for certificate, person, made_at in issued:
            Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.AWAITING_NAME).update(
                status=CertificateStatus.ISSUED,
                holder_name=person.holder_name,
                holder_name_latin=person.holder_name_latin,
                issued_at=certificate.issued_at,
                notified_at=certificate.issued_at + datetime.timedelta(minutes=1),
                created_at=made_at,
                updated_at=certificate.issued_at,
            )
        issued = [certificate for certificate, _person, _made in issued]
        # A few were revoked later, with the reason the verify page shows.
        revoked = 0
        wanted = max(3, round(len(issued) / 75))  # about one in seventy-five
        for certificate in sorted(issued, key=lambda c: c.enrolment_id)[:: max(1, len(issued) // wanted)][:wanted]:
            when = min(certificate.issued_at + self._days(10, 200), self.latest)
            if when <= certificate.issued_at:
                continue
            certificate_revoke(
                certificate_id=certificate.pk, actor=self.manager, reason=self.rng.choice(REVOCATION_REASONS)
            )
            Certificate.objects.filter(pk=certificate.pk).update(revoked_at=when, updated_at=when)
            revoked += 1
        return {"certificates": made, "issued": len(issued) - revoked, "revoked": revoked, "names": len(names)}

    def load(self) -> dict:
        programs = {p.code: p for p in SponsoringProgram.objects.all()}
        courses = self._courses()
        cohorts = self._cohorts(courses, programs)
        students = self._students(programs)
        places = self._plan_places(students, courses)
        self._write(students, cohorts, places)
        self._capacities(cohorts)
        counts = self._certificates(students, cohorts)
        # Attempts were written in bulk and certificates issued by UPDATE: no signal kept the facts the
        # reports read from each enrolment (assessments/facts.py, certificates/facts.py, courses/facts.py).
        enrolment_ids = [place.enrolment.pk for place in places]
        enrolment_assessed_refresh(enrolment_ids=enrolment_ids)
        enrolment_certified_refresh(enrolment_ids=enrolment_ids)
        enrolment_required_done_refresh(enrolment_ids=enrolment_ids)
        # Bulk writes send no signals: cached enrolment panels and cohort choices of these courses are stale.
        pagecache.versions_bump_on_commit(*(pagecache.version_key("course", c.page.pk) for c in courses))
        statuses = {}
        for place in places:
            statuses[place.enrolment.status] = statuses.get(place.enrolment.status, 0) + 1
        return {
            "students": len(students),
            "countries": len({s.person.country for s in students}),
            "cohorts": len(cohorts),
            "enrolments": len(places),
            "statuses": statuses,
            "attempts": sum(len(p.attempts) for p in places),
            **counts,
        }


def history_exists() -> bool:
    return User.objects.filter(email__endswith=f"@{DOMAIN}").exists()


def history_load(*, manager, students: int = STUDENTS, seed: int = SEED, now=None) -> dict | None:
    """Load the history once; returns what was made, or None when it was already there."""
    with transaction.atomic():
        if history_exists():
            return None
        return History(manager=manager, students=students, seed=seed, now=now).load()
