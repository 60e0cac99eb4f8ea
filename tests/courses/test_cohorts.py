import datetime

from django.db import IntegrityError

import pytest

from courses.models import Cohort

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 1, 11)


def test_a_cohort_cannot_end_before_it_starts(course):
    with pytest.raises(IntegrityError):
        Cohort.objects.create(
            course=course, name="Backwards", starts_on=START, ends_on=START - datetime.timedelta(days=1)
        )


def test_a_cohort_name_is_unique_within_its_course(course):
    Cohort.objects.create(course=course, name="2027 intake", starts_on=START, ends_on=START)
    with pytest.raises(IntegrityError):
        Cohort.objects.create(course=course, name="2027 intake", starts_on=START, ends_on=START)


def test_manager_creates_a_cohort_in_the_admin_and_bad_dates_are_explained(client, manager, course):
    client.force_login(manager)
    data = {"course": course.pk, "name": "Spring", "starts_on": "2027-03-01", "ends_on": "2027-02-01", "capacity": "20"}
    response = client.post("/admin/snippets/courses/cohort/add/", data)
    assert response.status_code == 200
    assert "cannot end before it starts" in response.text
    assert not Cohort.objects.exists()
    response = client.post("/admin/snippets/courses/cohort/add/", dict(data, ends_on="2027-05-31"))
    assert response.status_code == 302
    cohort = Cohort.objects.get()
    assert (cohort.course_id, cohort.capacity) == (course.pk, 20)
