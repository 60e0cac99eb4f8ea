"""Cohort capacity under concurrency: many students enrol at the same moment, on PostgreSQL.

Each thread has its own database connection, as each web process would; the
requests meet at a barrier and go through the whole view stack at once.
"""

import threading

from django.db import connection
from django.test import Client

import pytest

from courses.factories import CohortFactory, CoursePageFactory, catalogue_get
from courses.models import Enrolment, EnrolmentStatus
from lms.accounts.factories import UserFactory
from lms.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CAPACITY, STUDENTS = 5, 16


def _fire_together(actions):
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=30)
            results[index] = action()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_exactly_capacity_students_get_a_place_when_all_enrol_at_once():
    course = CoursePageFactory(parent=catalogue_get(), title="Crowded course", publish="direct")
    cohort = CohortFactory(course=course, capacity=CAPACITY, name="Busy intake")
    students = [UserFactory(roles=[Role.STUDENT]) for _ in range(STUDENTS)]

    def enrol(student):
        def action():
            client = Client()
            client.force_login(student)
            response = client.post(f"/dashboard/courses/{course.pk}/enrol/", {"cohort": cohort.pk}, follow=True)
            return response.text

        return action

    pages = _fire_together([enrol(student) for student in students])
    assert all(isinstance(page, str) for page in pages), pages
    enrolled = sum("You are enrolled. Start with the first module below." in page for page in pages)
    told_full = sum("The cohort “Busy intake” is full." in page for page in pages)
    assert (enrolled, told_full) == (CAPACITY, STUDENTS - CAPACITY)
    assert Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ACTIVE).count() == CAPACITY
    assert Enrolment.objects.count() == CAPACITY


def test_a_double_click_records_one_enrolment():
    course = CoursePageFactory(parent=catalogue_get(), title="Double click", publish="direct")
    student = UserFactory(roles=[Role.STUDENT])

    def enrol():
        client = Client()
        client.force_login(student)
        return client.post(f"/dashboard/courses/{course.pk}/enrol/", follow=True).text

    pages = _fire_together([enrol] * 4)
    assert sum("You are enrolled. Start with the first module below." in page for page in pages) == 1
    assert sum("You already have a place on this course." in page for page in pages) == 3
    enrolment = Enrolment.objects.get(user=student, course=course)
    assert enrolment.events.count() == 1
