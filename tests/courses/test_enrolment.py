"""Enrolment services on PostgreSQL: policies, prerequisites, cohorts, decisions, history."""

import datetime

from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

import pytest

from courses.factories import CohortFactory, CoursePageFactory, EnrolmentFactory, ModulePageFactory
from courses.models import Enrolment, EnrolmentEvent, EnrolmentStatus
from courses.services import (
    EnrolmentRefused,
    enrolment_approve,
    enrolment_create_for_student,
    enrolment_reject,
    enrolment_request,
    enrolment_withdraw,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval_course(catalogue):
    return CoursePageFactory(parent=catalogue, title="Doctrine", slug="doctrine", enrolment_policy="approval")


@pytest.fixture
def closed_course(catalogue):
    return CoursePageFactory(parent=catalogue, title="Conditionality", slug="conditionality", enrolment_policy="closed")


def _refused(code, **kwargs):
    with pytest.raises(EnrolmentRefused) as refusal:
        enrolment_request(**kwargs)
    assert refusal.value.code == code
    return refusal.value


def test_enrolment_request_on_an_open_course_gives_a_place_at_once(student, course):
    enrolment = enrolment_request(user=student, course=course)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert enrolment.activated_at is not None and enrolment.requested_at is not None
    event = enrolment.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", EnrolmentStatus.ACTIVE, student)


def test_enrolment_request_on_an_approval_course_waits_for_a_manager(
    student, approval_course, manager, django_capture_on_commit_callbacks
):
    enrolment = enrolment_request(user=student, course=approval_course)
    assert enrolment.status == EnrolmentStatus.PENDING and enrolment.activated_at is None
    with django_capture_on_commit_callbacks(execute=True):
        approved = enrolment_approve(enrolment_id=enrolment.pk, actor=manager)
    assert approved.status == EnrolmentStatus.ACTIVE and approved.decided_by == manager
    assert list(approved.events.values_list("to_status", flat=True)) == ["pending", "active"]
    assert len(mail.outbox) == 1 and "approved" in mail.outbox[0].body
    assert mail.outbox[0].to == [student.email]


def test_enrolment_reject_keeps_the_reason_and_tells_the_student_once(
    student, approval_course, manager, django_capture_on_commit_callbacks
):
    enrolment = enrolment_request(user=student, course=approval_course)
    with django_capture_on_commit_callbacks(execute=True):
        rejected = enrolment_reject(enrolment_id=enrolment.pk, actor=manager, reason="  No funding this year.  ")
    assert rejected.status == EnrolmentStatus.REJECTED and rejected.decision_reason == "No funding this year."
    assert "No funding this year." in mail.outbox[0].body
    with pytest.raises(EnrolmentRefused):
        enrolment_reject(enrolment_id=enrolment.pk, actor=manager)
    assert len(mail.outbox) == 1
    # The event is marked as notified: sending again (a redelivered task) sends nothing.
    from courses.services import enrolment_decision_notify

    assert enrolment_decision_notify(event_id=rejected.events.last().pk) is False


def test_a_rejected_student_may_ask_again_on_the_same_enrolment(student, approval_course, manager):
    first = enrolment_request(user=student, course=approval_course)
    enrolment_reject(enrolment_id=first.pk, actor=manager, reason="Full")
    again = enrolment_request(user=student, course=approval_course)
    assert again.pk == first.pk and again.status == EnrolmentStatus.PENDING
    assert again.decision_reason == ""
    assert Enrolment.objects.filter(user=student, course=approval_course).count() == 1


def test_closed_courses_refuse_students_but_not_managers(student, closed_course, manager):
    refusal = _refused("closed", user=student, course=closed_course)
    assert "program managers" in refusal.message
    assert not Enrolment.objects.exists()
    enrolment, changed = enrolment_create_for_student(user=student, course=closed_course, cohort=None, actor=manager)
    assert changed and enrolment.status == EnrolmentStatus.ACTIVE and enrolment.source == "manager"


def test_missing_prerequisites_are_named_and_block_enrolment(student, catalogue, course):
    advanced = CoursePageFactory(parent=catalogue, title="Advanced SSR", slug="advanced-ssr", prerequisites=[course])
    refusal = _refused("prerequisites", user=student, course=advanced)
    assert course.title in refusal.message
    EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.COMPLETED)
    assert enrolment_request(user=student, course=advanced).status == EnrolmentStatus.ACTIVE


def test_an_active_prerequisite_is_not_enough(student, catalogue, course):
    advanced = CoursePageFactory(parent=catalogue, title="Advanced SSR", slug="advanced-ssr", prerequisites=[course])
    EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.ACTIVE)
    _refused("prerequisites", user=student, course=advanced)


def test_enrolling_twice_is_refused_and_changes_nothing(student, course):
    enrolment_request(user=student, course=course)
    refusal = _refused("already_enrolled", user=student, course=course)
    assert "already" in refusal.message
    assert Enrolment.objects.count() == 1 and EnrolmentEvent.objects.count() == 1


def test_the_database_holds_one_enrolment_per_student_and_course(student, course):
    EnrolmentFactory(user=student, course=course)
    with pytest.raises(IntegrityError):
        EnrolmentFactory(user=student, course=course)


def test_a_course_with_open_cohorts_needs_one_chosen(student, course):
    cohort = CohortFactory(course=course)
    _refused("cohort_required", user=student, course=course)
    assert enrolment_request(user=student, course=course, cohort=cohort).cohort == cohort


def test_a_cohort_of_another_course_is_refused(student, course, other_course):
    foreign = CohortFactory(course=other_course)
    _refused("cohort_mismatch", user=student, course=course, cohort=foreign)
    assert not Enrolment.objects.exists()


def test_an_ended_cohort_is_refused(student, course):
    today = timezone.localdate()
    ended = CohortFactory(
        course=course, starts_on=today - datetime.timedelta(days=90), ends_on=today - datetime.timedelta(days=1)
    )
    _refused("cohort_ended", user=student, course=course, cohort=ended)


def test_a_full_cohort_refuses_with_its_name(student, other_student, course):
    cohort = CohortFactory(course=course, capacity=1, name="Spring intake")
    enrolment_request(user=student, course=course, cohort=cohort)
    refusal = _refused("cohort_full", user=other_student, course=course, cohort=cohort)
    assert "Spring intake" in refusal.message
    assert Enrolment.objects.count() == 1


def test_withdrawn_places_are_free_again(student, other_student, course):
    cohort = CohortFactory(course=course, capacity=1)
    enrolment_request(user=student, course=course, cohort=cohort)
    enrolment_withdraw(user=student, course=course)
    assert enrolment_request(user=other_student, course=course, cohort=cohort).status == EnrolmentStatus.ACTIVE


def test_approval_fails_when_the_cohort_filled_up_meanwhile(student, other_student, approval_course, manager):
    cohort = CohortFactory(course=approval_course, capacity=1)
    first = enrolment_request(user=student, course=approval_course, cohort=cohort)
    second = enrolment_request(user=other_student, course=approval_course, cohort=cohort)
    enrolment_approve(enrolment_id=first.pk, actor=manager)
    with pytest.raises(EnrolmentRefused) as refusal:
        enrolment_approve(enrolment_id=second.pk, actor=manager)
    assert refusal.value.code == "cohort_full"
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.PENDING


def test_withdrawing_keeps_progress_for_a_return(student, course):
    from courses.services import module_complete

    module = ModulePageFactory(parent=course)
    ModulePageFactory(parent=course)
    enrolment = enrolment_request(user=student, course=course)
    module_complete(user=student, module=module)
    withdrawn = enrolment_withdraw(user=student, course=course)
    assert withdrawn.status == EnrolmentStatus.WITHDRAWN and withdrawn.withdrawn_at is not None
    back = enrolment_request(user=student, course=course)
    assert back.pk == enrolment.pk and back.module_progress.filter(completed_at__isnull=False).count() == 1
    assert list(back.events.values_list("to_status", flat=True)) == ["active", "withdrawn", "active"]


def test_withdrawing_without_a_place_is_refused(student, course):
    with pytest.raises(EnrolmentRefused) as refusal:
        enrolment_withdraw(user=student, course=course)
    assert refusal.value.code == "not_enrolled"


def test_a_manager_enrolling_an_active_student_changes_nothing(student, course, manager):
    enrolment = enrolment_request(user=student, course=course)
    again, changed = enrolment_create_for_student(user=student, course=course, cohort=None, actor=manager)
    assert again.pk == enrolment.pk and not changed
    assert again.events.count() == 1


def test_unpublished_courses_cannot_be_enrolled(student, catalogue):
    draft = CoursePageFactory(parent=catalogue, publish=False)
    _refused("not_live", user=student, course=draft)


def test_managers_cannot_place_students_on_unpublished_courses(student, catalogue, manager):
    draft = CoursePageFactory(parent=catalogue, publish=False)
    with pytest.raises(EnrolmentRefused) as refusal:
        enrolment_create_for_student(user=student, course=draft, cohort=None, actor=manager)
    assert refusal.value.code == "not_live" and not Enrolment.objects.exists()


def test_a_manager_reenrolling_without_a_cohort_does_not_overfill_the_old_one(student, other_student, course, manager):
    cohort = CohortFactory(course=course, capacity=1)
    enrolment_request(user=student, course=course, cohort=cohort)
    enrolment_withdraw(user=student, course=course)
    enrolment_request(user=other_student, course=course, cohort=cohort)
    again, changed = enrolment_create_for_student(user=student, course=course, cohort=None, actor=manager)
    assert changed and again.cohort is None
    assert Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ACTIVE).count() == 1


def test_approving_into_an_ended_cohort_is_refused(student, approval_course, manager):
    cohort = CohortFactory(course=approval_course)
    pending = enrolment_request(user=student, course=approval_course, cohort=cohort)
    today = timezone.localdate()
    cohort.starts_on, cohort.ends_on = today - datetime.timedelta(days=30), today - datetime.timedelta(days=1)
    cohort.save()
    with pytest.raises(EnrolmentRefused) as refusal:
        enrolment_approve(enrolment_id=pending.pk, actor=manager)
    assert refusal.value.code == "cohort_ended"


def test_decision_emails_lost_at_commit_are_sent_by_the_sweep_once(student, other_student, approval_course, manager):
    from courses.services import enrolment_decisions_unsent_notify

    # No on_commit capture: as if the broker had been down when these committed.
    approved = enrolment_request(user=student, course=approval_course)
    enrolment_approve(enrolment_id=approved.pk, actor=manager)
    placed = enrolment_request(user=other_student, course=approval_course)
    enrolment_create_for_student(user=other_student, course=approval_course, cohort=None, actor=manager)
    assert mail.outbox == []
    assert enrolment_decisions_unsent_notify() == 0  # too recent: the normal path may still deliver
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert enrolment_decisions_unsent_notify(now=later) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([student.email, other_student.email])
    assert enrolment_decisions_unsent_notify(now=later) == 0
    assert placed.pk
