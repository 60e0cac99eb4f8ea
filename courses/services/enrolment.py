"""Writes of learner state: enrolling, deciding requests, withdrawing, progress, completion.

Every service checks the current status under a row lock before moving it, so
a double click, a retried request or two managers acting at once change
nothing twice. A refusal raises ``EnrolmentRefused`` with a message for the
person who asked, and writes nothing.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.api import user_email_send
from lms.core import pagecache

from ..completion import completion_requirements_unmet, course_completed
from ..models import (
    Cohort,
    CoursePage,
    Enrolment,
    EnrolmentEvent,
    EnrolmentPolicy,
    EnrolmentSource,
    EnrolmentStatus,
    ModulePage,
    ModuleProgress,
)
from ..models.learning import PLACE_HOLDING_STATUSES
from ..selectors.learning import course_prerequisites_missing, progress_for
from ..selectors.titles import page_title_in_language
from ..selectors.translation import page_source

logger = logging.getLogger(__name__)

# How often a student's reading moves ``last_activity_at``: often enough for
# reports of inactivity, rarely enough not to write on every page view.
ACTIVITY_RESOLUTION = timezone.timedelta(minutes=5)

_STATUS_TIME_FIELD = {
    EnrolmentStatus.PENDING: "requested_at",
    EnrolmentStatus.ACTIVE: "activated_at",
    EnrolmentStatus.COMPLETED: "completed_at",
    EnrolmentStatus.WITHDRAWN: "withdrawn_at",
    EnrolmentStatus.REJECTED: "rejected_at",
}


class EnrolmentRefused(Exception):
    """An enrolment action that is not allowed; ``message`` says why, for the user."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _transition(enrolment: Enrolment, to_status: str, *, actor=None, reason: str = "", now=None) -> EnrolmentEvent:
    now = now or timezone.now()
    from_status = enrolment.status if enrolment.pk else ""
    enrolment.status = to_status
    enrolment.status_changed_at = now
    setattr(enrolment, _STATUS_TIME_FIELD[to_status], now)
    if (
        to_status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.REJECTED)
        and actor is not None
        and actor != enrolment.user
    ):
        enrolment.decided_by = actor
        enrolment.decision_reason = reason
    if to_status == EnrolmentStatus.PENDING:
        enrolment.decided_by, enrolment.decision_reason = None, ""
    enrolment.save()
    return EnrolmentEvent.objects.create(
        enrolment=enrolment, from_status=from_status, to_status=to_status, at=now, actor=actor, reason=reason
    )


def _cohort_check(*, course: CoursePage, cohort: Cohort | None) -> Cohort | None:
    """The cohort locked for update after checking it belongs to the course and has not ended."""
    if cohort is None:
        return None
    locked = Cohort.objects.select_for_update().filter(pk=cohort.pk, course_id=course.pk).first()
    if locked is None:
        raise EnrolmentRefused(_("That cohort is not an intake of this course."), "cohort_mismatch")
    if locked.ends_on < timezone.localdate():
        raise EnrolmentRefused(_("That cohort has ended."), "cohort_ended")
    return locked


def _cohort_place_check(*, cohort: Cohort | None, enrolment: Enrolment | None = None) -> None:
    """Refuse when a locked cohort has no place left. The lock makes the count exact under concurrency."""
    if cohort is None or cohort.capacity is None:
        return
    taken = Enrolment.objects.filter(cohort=cohort, status__in=PLACE_HOLDING_STATUSES)
    if enrolment is not None and enrolment.pk:
        taken = taken.exclude(pk=enrolment.pk)
    if taken.count() >= cohort.capacity:
        raise EnrolmentRefused(
            _("The cohort “%(cohort)s” is full.") % {"cohort": cohort.name},
            "cohort_full",
        )


def _enrolment_locked(*, user, course) -> Enrolment | None:
    return Enrolment.objects.select_for_update().filter(user=user, course=course).first()


def _new_enrolment(*, user, course, cohort, source) -> Enrolment:
    return Enrolment(user=user, course=course, cohort=cohort, source=source)


def _save_new(enrolment: Enrolment, to_status: str, *, actor, reason: str = "") -> Enrolment:
    """Create a new enrolment; a concurrent twin (double click) turns into a refusal."""
    try:
        with transaction.atomic():
            _transition(enrolment, to_status, actor=actor, reason=reason)
    except IntegrityError as error:
        raise EnrolmentRefused(_("You already have a place on this course."), "already_enrolled") from error
    return enrolment


@transaction.atomic
def enrolment_request(*, user, course: CoursePage, cohort: Cohort | None = None) -> Enrolment:
    """A student asks for a place: enrolled at once on open courses, pending on approval ones.

    Closed courses, missing prerequisites, a full or ended cohort, and a place
    already held or requested are refused. A student who withdrew or was
    rejected may ask again: the same enrolment is reused, progress kept.
    """
    if not user.is_authenticated or not user.is_active:
        raise EnrolmentRefused(_("Sign in to enrol."), "anonymous")
    course = _source(course)
    if not course.live:
        raise EnrolmentRefused(_("This course is not open for enrolment."), "not_live")
    if course.enrolment_policy == EnrolmentPolicy.CLOSED:
        raise EnrolmentRefused(_("Places on this course are assigned by program managers."), "closed")
    missing = course_prerequisites_missing(user=user, course=course)
    if missing:
        raise EnrolmentRefused(
            _("Complete these courses first: %(courses)s.") % {"courses": ", ".join(c.title for c in missing)},
            "prerequisites",
        )
    if cohort is None and course.cohorts.filter(ends_on__gte=timezone.localdate()).exists():
        raise EnrolmentRefused(_("Choose a cohort."), "cohort_required")
    cohort = _cohort_check(course=course, cohort=cohort)
    enrolment = _enrolment_locked(user=user, course=course)
    if enrolment is not None and enrolment.status in (
        EnrolmentStatus.ACTIVE,
        EnrolmentStatus.COMPLETED,
        EnrolmentStatus.PENDING,
    ):
        raise EnrolmentRefused(_("You already have a place on this course."), "already_enrolled")
    to_status = EnrolmentStatus.ACTIVE if course.enrolment_policy == EnrolmentPolicy.OPEN else EnrolmentStatus.PENDING
    if to_status == EnrolmentStatus.ACTIVE:
        _cohort_place_check(cohort=cohort, enrolment=enrolment)
    now = timezone.now()
    if enrolment is None:
        enrolment = _new_enrolment(user=user, course=course, cohort=cohort, source=EnrolmentSource.SELF)
        enrolment.requested_at = now
        return _save_new(enrolment, to_status, actor=user)
    enrolment.cohort, enrolment.source, enrolment.requested_at = cohort, EnrolmentSource.SELF, now
    _transition(enrolment, to_status, actor=user, now=now)
    return enrolment


@transaction.atomic
def enrolment_create_for_student(
    *, user, course: CoursePage, cohort: Cohort | None, actor, source: str = EnrolmentSource.MANAGER
) -> tuple[Enrolment, bool]:
    """A program manager gives a student a place, whatever the course's policy and prerequisites.

    Returns the enrolment and whether it changed. A student already active or
    completed keeps their status; given a cohort other than theirs, they move to
    it if it has a place.
    """
    course = _source(course)
    if not course.live:
        raise EnrolmentRefused(_("This course is not published: publish it before enrolling students."), "not_live")
    cohort = _cohort_check(course=course, cohort=cohort)
    enrolment = _enrolment_locked(user=user, course=course)
    if enrolment is not None and enrolment.status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
        if cohort is not None and enrolment.cohort_id != cohort.pk:
            _cohort_place_check(cohort=cohort, enrolment=None)
            enrolment.cohort = cohort
            enrolment.save(update_fields=["cohort", "updated_at"])
            return enrolment, True
        return enrolment, False
    _cohort_place_check(cohort=cohort, enrolment=enrolment)
    if enrolment is None:
        enrolment = _new_enrolment(user=user, course=course, cohort=cohort, source=source)
        _save_new(enrolment, EnrolmentStatus.ACTIVE, actor=actor)
        return enrolment, True
    # Without a cohort given, the student has none: their old one may be full or over.
    enrolment.cohort, enrolment.source = cohort, source
    _transition(enrolment, EnrolmentStatus.ACTIVE, actor=actor)
    return enrolment, True


def _source(page):
    """Learner state follows the course, not the translation: any page given becomes its source."""
    source = page_source(page)
    if source is None:
        raise EnrolmentRefused(_("This course is not open for enrolment."), "no_source")
    return source


def _decision_notify_later(event: EnrolmentEvent) -> None:
    from ..tasks import enrolment_decision_notify_task

    transaction.on_commit(lambda: enrolment_decision_notify_task.delay(event.pk))


@transaction.atomic
def enrolment_approve(*, enrolment_id: int, actor) -> Enrolment:
    """A pending request becomes a place, if its cohort still has one; the student is emailed."""
    # Locks in the order every enrolment service takes them, cohort then enrolment, so
    # that approving never deadlocks with an enrolment or import into the same cohort.
    cohort_id = Enrolment.objects.filter(pk=enrolment_id).values_list("cohort_id", flat=True).first()
    cohort = Cohort.objects.select_for_update().filter(pk=cohort_id).first() if cohort_id else None
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
    if enrolment.status != EnrolmentStatus.PENDING:
        raise EnrolmentRefused(_("Only pending requests can be approved."), "not_pending")
    if enrolment.cohort_id != cohort_id:  # moved between the two reads: start again
        raise EnrolmentRefused(_("Someone else changed this request at the same moment; try again."), "changed")
    if cohort is not None and cohort.ends_on < timezone.localdate():
        raise EnrolmentRefused(_("That cohort has ended."), "cohort_ended")
    _cohort_place_check(cohort=cohort, enrolment=enrolment)
    event = _transition(enrolment, EnrolmentStatus.ACTIVE, actor=actor)
    _decision_notify_later(event)
    return enrolment


@transaction.atomic
def enrolment_reject(*, enrolment_id: int, actor, reason: str = "") -> Enrolment:
    """A pending request is turned down, with an optional reason the student sees."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
    if enrolment.status != EnrolmentStatus.PENDING:
        raise EnrolmentRefused(_("Only pending requests can be rejected."), "not_pending")
    event = _transition(enrolment, EnrolmentStatus.REJECTED, actor=actor, reason=reason.strip())
    _decision_notify_later(event)
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, user, course: CoursePage) -> Enrolment:
    """A student gives up their place or their request. Progress is kept for a later return."""
    course = _source(course)
    enrolment = _enrolment_locked(user=user, course=course) if user.is_authenticated else None
    if enrolment is None or enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.PENDING):
        raise EnrolmentRefused(_("You have no place on this course to withdraw from."), "not_enrolled")
    _transition(enrolment, EnrolmentStatus.WITHDRAWN, actor=user)
    return enrolment


@transaction.atomic
def enrolment_decision_notify(*, event_id: int) -> bool:
    """Email the student about a manager's decision, once. Returns whether it sent."""
    event = (
        EnrolmentEvent.objects.select_for_update(of=("self",))
        .select_related("enrolment__user", "enrolment__course")
        .filter(pk=event_id, notified_at=None)
        .first()
    )
    if event is None:
        return False
    course = event.enrolment.course
    context = {
        "event": event,
        "course": course,
        "course_title": page_title_in_language(course, event.enrolment.user.preferred_language),
        "course_url": _absolute_url(course.get_url() or "/dashboard/"),
        "approved": event.to_status == EnrolmentStatus.ACTIVE,
    }
    user_email_send(user=event.enrolment.user, template="courses/email/decision", context=context)
    event.notified_at = timezone.now()
    event.save(update_fields=["notified_at"])
    return True


def _absolute_url(url: str) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL}{url}" if url.startswith("/") else url


def _course_of_module(module: ModulePage) -> CoursePage | None:
    return CoursePage.objects.filter(path=module.path[: -ModulePage.steplen]).first()


def module_visit(*, enrolment: Enrolment, module_id: int) -> ModuleProgress:
    """A student opened a module: it counts as started, and as activity on the enrolment."""
    progress, _created = ModuleProgress.objects.get_or_create(
        enrolment=enrolment, module_id=module_id, defaults={"started_at": timezone.now()}
    )
    enrolment_activity_record(enrolment_id=enrolment.pk)
    return progress


def enrolment_activity_record(*, enrolment_id: int) -> None:
    """Move ``last_activity_at`` at most once per ACTIVITY_RESOLUTION per enrolment.

    The cache decides (an atomic add that expires), so reading does not write
    on every page view, in any number of web processes.
    """
    if cache.add(f"activity:{enrolment_id}", 1, timeout=int(ACTIVITY_RESOLUTION.total_seconds())):
        Enrolment.objects.filter(pk=enrolment_id).update(last_activity_at=timezone.now())


def learner_state_changed(*, user_ids=(), course_ids=()) -> None:
    """Cached personal parts that show these students' or courses' enrolments are stale once this commits.

    Saving an Enrolment or a ModuleProgress does this by itself (courses.signals);
    bulk writes, which send no signals, must call it.
    """
    pagecache.versions_bump_on_commit(
        *(pagecache.version_key("user", pk) for pk in user_ids),
        *(pagecache.version_key("course", pk) for pk in course_ids),
    )


@transaction.atomic
def module_complete(*, user, module: ModulePage) -> ModuleProgress:
    """A student marks a module of a course they are enrolled in as complete.

    Completing twice keeps the first time. Completing the last required module
    completes the course (``enrolment_completion_check``). A translated
    module counts as its source.
    """
    module = _source(module)
    course = _course_of_module(module)
    enrolment = _enrolment_locked(user=user, course=course) if (course and user.is_authenticated) else None
    if enrolment is None or enrolment.status not in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
        raise EnrolmentRefused(_("Enrol in the course before completing its modules."), "not_enrolled")
    if not module.live:
        raise EnrolmentRefused(_("This module is not published."), "not_live")
    now = timezone.now()
    progress, _created = ModuleProgress.objects.select_for_update().get_or_create(
        enrolment=enrolment, module=module, defaults={"started_at": now, "completed_at": now}
    )
    if progress.completed_at is None:
        progress.completed_at = now
        progress.save(update_fields=["completed_at"])
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=now)
    enrolment.last_activity_at = now
    enrolment_completion_check(enrolment=enrolment)
    return progress


@transaction.atomic
def enrolment_completion_check(*, enrolment: Enrolment) -> bool:
    """Complete the course when every required module is done and every registered requirement is met.

    Recorded once, with its time; ``course_completed`` is sent in the same
    transaction. Returns whether this call completed it.
    """
    # The enrolment's row only: locking the joined course too would queue every student
    # completing the same course behind each other.
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("course").get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        return False
    progress = progress_for(enrolment=enrolment)
    if progress.required_done < progress.required_total or completion_requirements_unmet(enrolment):
        return False
    _transition(enrolment, EnrolmentStatus.COMPLETED, actor=None)
    logger.info("Enrolment %s completed course %s", enrolment.pk, enrolment.course_id)
    course_completed.send(sender=Enrolment, enrolment=enrolment)
    return True


def course_completions_check(*, course_id: int) -> int:
    """Complete every active enrolment of the course whose required modules are now all done.

    Run after the course's modules change (one unpublished, made optional or
    deleted): students who had done all the rest would otherwise stay at 100%
    with nothing left to click. Returns how many completed.
    """
    from ..facts import enrolment_required_done_refresh, required_module_ids

    # The course's required set has changed: the count of required modules done kept on each place
    # follows it, and then says who has done them all.
    enrolment_required_done_refresh(course_ids=[course_id])
    required = len(required_module_ids(course_ids=[course_id]).get(course_id, []))
    candidates = Enrolment.objects.filter(
        course_id=course_id, status=EnrolmentStatus.ACTIVE, required_modules_done__gte=required
    )
    return sum(enrolment_completion_check(enrolment=enrolment) for enrolment in candidates)


# Emails queued when a transaction commits are lost if the broker is down at that
# moment; a periodic sweep sends what is still unsent after this long.
NOTIFY_SWEEP_AFTER = timezone.timedelta(minutes=10)
NOTIFY_SWEEP_WITHIN = timezone.timedelta(days=7)


def enrolment_decisions_unsent_notify(*, now=None) -> int:
    """Queue the emails of decisions on requests that were never sent; returns how many.

    Every request settled by someone else (approved, rejected, or placed by a
    manager or an import while it waited) is told once, by
    ``enrolment_decision_notify``, which marks the event sent.
    """
    from ..tasks import enrolment_decision_notify_task

    now = now or timezone.now()
    ids = list(
        EnrolmentEvent.objects.filter(
            from_status=EnrolmentStatus.PENDING,
            to_status__in=(EnrolmentStatus.ACTIVE, EnrolmentStatus.REJECTED),
            notified_at=None,
            at__lt=now - NOTIFY_SWEEP_AFTER,
            at__gt=now - NOTIFY_SWEEP_WITHIN,
        )
        .exclude(actor_id=F("enrolment__user_id"))
        .values_list("pk", flat=True)
    )
    for event_id in ids:
        enrolment_decision_notify_task.delay(event_id)
    return len(ids)
