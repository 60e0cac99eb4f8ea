"""Certificates through real Celery workers on Redis: a cohort, a worker killed mid-way, a broker that is down."""

import signal
import time

from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from certificates.models import Certificate, CertificateStatus
from certificates.services import certificates_sweep, cohort_certificates_issue, holder_name_confirm
from courses.factories import EnrolmentFactory
from courses.models import Cohort, EnrolmentStatus
from lms import celery_app
from lms.accounts.factories import UserFactory
from tests.conftest import VISIBILITY_TIMEOUT

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _cohort_completed(course, size: int) -> Cohort:
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        course=course, name="2026 autumn", starts_on=today - timezone.timedelta(days=60), ends_on=today
    )
    for n in range(size):
        user = UserFactory(email=f"officer{n}@example.org", first_name=f"Officer {n}")
        holder_name_confirm(user=user, name=f"Офицер {n}", name_latin=f"Ofitser {n}")
        EnrolmentFactory(user=user, course=course, cohort=cohort, status=EnrolmentStatus.COMPLETED)
    return cohort


def _wait_issued(count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while Certificate.objects.filter(status=CertificateStatus.ISSUED).count() < count:
        assert time.monotonic() < deadline, "the certificates were not all issued in time"
        time.sleep(0.2)


def _assert_each_issued_once(expected: int) -> None:
    certificates = list(Certificate.objects.all())
    assert len(certificates) == expected
    assert {c.status for c in certificates} == {CertificateStatus.ISSUED}
    storage = certificates[0].pdf.storage
    stored = [name for name in storage.listdir("certificates")[1] if any(c.code in name for c in certificates)]
    # One file each, the one its row names (a killed render's file is removed, whatever the name kept).
    named = sorted(c.pdf.name.rsplit("/", 1)[1] for c in certificates)
    assert sorted(stored) == named, "a certificate was stored twice"
    for certificate in certificates:
        assert certificate.pdf.read().startswith(b"%PDF")
        issued = ModelLogEntry.objects.filter(object_id=str(certificate.pk), action="certificates.issue")
        assert issued.count() == 1


def test_a_cohort_is_issued_by_two_real_workers(workers, course, manager):
    cohort = _cohort_completed(course, 12)
    workers()
    workers()
    counts = cohort_certificates_issue(cohort=cohort, actor=manager)
    assert counts["created"] == 12
    _wait_issued(12)
    _assert_each_issued_once(12)
    # Asked again: nothing new, nothing issued twice.
    assert cohort_certificates_issue(cohort=cohort, actor=manager)["created"] == 0
    time.sleep(1)
    _assert_each_issued_once(12)


def test_a_worker_killed_while_rendering_loses_no_certificate_and_doubles_none(workers, course, manager):
    cohort = _cohort_completed(course, 20)
    doomed = workers()
    cohort_certificates_issue(cohort=cohort, actor=manager)
    _wait_issued(3)
    doomed.send_signal(signal.SIGKILL)  # mid-way through the cohort: no chance to acknowledge anything
    doomed.wait(timeout=30)
    killed_at = time.time()
    issued = Certificate.objects.filter(status=CertificateStatus.ISSUED).count()
    assert issued < 20, "the worker finished before it could be killed; make the cohort larger"
    # The task it held comes back once Redis's visibility timeout has passed; the others wait in the queue.
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 1 - time.time()))
    workers()
    _wait_issued(20)
    _assert_each_issued_once(20)


def test_a_broker_that_is_down_delays_the_certificate_but_does_not_lose_it(course, modules, student):
    from courses.services import enrolment_create_for_student, module_complete

    holder_name_confirm(user=student, name="Amina Diallo", name_latin="Amina Diallo")
    enrolment, _created = enrolment_create_for_student(user=student, course=course, cohort=None, actor=None)
    saved = {name: celery_app.conf[name] for name in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:9/0")  # nothing listens there
    try:
        for module in modules:
            module_complete(user=student, module=module)  # raises nothing: the student's completion is kept
    finally:
        celery_app.conf.update(saved)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == CertificateStatus.PENDING
    # Later, the broker is back: the periodic sweep queues what waited (eager here).
    certificates_sweep(now=timezone.now() + timezone.timedelta(minutes=10))
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ISSUED and certificate.pdf
