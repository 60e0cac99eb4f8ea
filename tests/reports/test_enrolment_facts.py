"""The facts the reports read from each enrolment stay true through the services that change them.

``Enrolment.assessed_at`` (the first graded attempt) and ``certified_at`` (the
valid certificate's issue date) let the dashboard count the funnel from the
enrolments alone; if grading, issuing, revoking or reissuing forgot them, the
funnel would quietly count wrong.
"""

import pytest

from assessments.factories import AssessmentFactory, QuestionFactory
from assessments.facts import enrolment_assessed_refresh
from assessments.models import Attempt, AttemptStatus
from assessments.services import essay_grade
from certificates.facts import enrolment_certified_refresh
from certificates.models import Certificate, CertificateStatus
from certificates.services import (
    certificate_for_enrolment_create,
    certificate_reissue,
    certificate_render,
    certificate_revoke,
    holder_name_confirm,
)
from courses.factories import EnrolmentFactory
from courses.models import Enrolment, EnrolmentStatus
from tests.assessments.test_grading_queue import _take

pytestmark = pytest.mark.django_db


def _facts(enrolment) -> tuple:
    enrolment.refresh_from_db()
    return enrolment.assessed_at, enrolment.certified_at


@pytest.fixture
def single(course):
    return QuestionFactory(course=course, title="Budget", options=[("Parliament", True), ("The staff", False)])


def test_the_first_graded_attempt_is_kept_and_a_later_one_does_not_move_it(student, enrolment, course, single):
    assert _facts(enrolment) == (None, None)
    first = _take(student, AssessmentFactory(course=course, title="Quiz", questions=[single]), {1: "The staff"})
    assert first.status == AttemptStatus.GRADED and not first.passed
    assert _facts(enrolment)[0] == first.graded_at, "a failed attempt is still an assessed student"

    second = _take(student, AssessmentFactory(course=course, title="Final", questions=[single]), {1: "Parliament"})
    assert second.graded_at > first.graded_at
    assert _facts(enrolment)[0] == first.graded_at

    # The first graded attempt gone (its assessment reset by an administrator): the next one counts.
    Attempt.objects.get(pk=first.pk).delete()
    assert _facts(enrolment)[0] == second.graded_at
    Attempt.objects.get(pk=second.pk).delete()
    assert _facts(enrolment)[0] is None


def test_an_essay_counts_once_it_is_graded_not_when_it_is_submitted(student, enrolment, course, instructor):
    essay = QuestionFactory(course=course, title="Reflection", type="essay", prompt="<p>Discuss.</p>", points=4)
    attempt = _take(student, AssessmentFactory(course=course, title="Essay", questions=[essay]), {1: "Parliament."})
    assert attempt.status == AttemptStatus.SUBMITTED
    assert _facts(enrolment)[0] is None, "an essay waiting for its grade is not assessed yet"

    essay_grade(grader=instructor, attempt_question_id=attempt.questions.get().pk, points=3)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert _facts(enrolment)[0] == attempt.graded_at


def test_certified_follows_issue_revoke_and_reissue(student, course, manager):
    place = EnrolmentFactory(user=student, course=course, status=EnrolmentStatus.COMPLETED)
    holder_name_confirm(user=student, name="Amina Diallo", name_latin="Amina Diallo")
    certificate, _made = certificate_for_enrolment_create(enrolment=place)
    assert _facts(place)[1] is None, "a certificate being prepared is not a valid one"

    assert certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED
    assert _facts(place)[1] == certificate.issued_at

    new = certificate_reissue(certificate_id=certificate.pk, actor=manager)
    assert _facts(place)[1] == certificate.issued_at, "a reissue being prepared leaves the student certified"
    certificate_render(certificate_id=new.pk)
    new.refresh_from_db()
    assert _facts(place)[1] == new.issued_at

    certificate_revoke(certificate_id=new.pk, actor=manager, reason="Issued in error.")
    assert _facts(place)[1] is None


def test_refreshing_every_enrolment_rebuilds_the_facts_from_attempts_and_certificates(
    student, other_student, course, single
):
    """What bulk writers (the demo's history, the benchmark's data) call after writing rows without signals."""
    assessed = EnrolmentFactory(user=student, course=course)
    attempt = _take(student, AssessmentFactory(course=course, title="Quiz", questions=[single]), {1: "Parliament"})
    untouched = EnrolmentFactory(user=other_student, course=course, status=EnrolmentStatus.COMPLETED)
    holder_name_confirm(user=other_student, name="Ivan Petrov", name_latin="Ivan Petrov")
    certificate, _made = certificate_for_enrolment_create(enrolment=untouched)
    certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    # As a bulk write would leave them: the facts wrong in both directions.
    Enrolment.objects.filter(pk=assessed.pk).update(certified_at=attempt.graded_at, assessed_at=None)
    Enrolment.objects.filter(pk=untouched.pk).update(certified_at=None, assessed_at=attempt.graded_at)

    assert enrolment_assessed_refresh() == enrolment_certified_refresh() == Enrolment.objects.count()
    assert _facts(assessed) == (attempt.graded_at, None)
    assert _facts(untouched) == (None, Certificate.objects.get(pk=certificate.pk).issued_at)
