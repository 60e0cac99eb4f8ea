"""A translated course is one course in the reports and the gradebooks: its translation lends words only."""

import pytest

from assessments.staff import course_list_taught_by
from courses.api import page_translation_save
from lms.reports.filters import ReportFilterForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def french(course):
    return page_translation_save(source=course, language="fr", fields={"title": "Le contrôle civil"})


def test_the_report_filters_offer_the_source_course_once(manager, course, french):
    choices = dict(ReportFilterForm(user=manager).fields["course"].choices)
    assert course.pk in choices and french.pk not in choices
    refused = ReportFilterForm({"course": str(french.pk)}, user=manager)
    assert not refused.is_valid() and "course" in refused.errors, "a translation's id is no course to report on"


def test_the_gradebooks_list_the_source_course_only(admin_user, course, french):
    assert list(course_list_taught_by(user=admin_user)) == [course]
