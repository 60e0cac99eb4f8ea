"""The dashboard's reads run side by side on connections of their own, with the same figures.

Every other test runs inside a transaction, where other connections cannot see its rows, so the
dashboard reads one after another there (``lms.core.db.reads_at_once``); this one commits its data and
so takes the path production takes.
"""

import threading

import pytest

from lms.reports import selectors
from lms.reports.filters import ReportFilterForm
from tests.reports.test_dashboard import _funnel_expected, _period

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_reads_side_by_side_give_the_figures_one_after_another_gives(data, manager, monkeypatch):
    start, end, period = _period(data, 800)
    filters = ReportFilterForm(period, user=manager).filters()
    threads = set()
    funnel_read = selectors._enrolled_by_bucket

    def recorded(**kwargs):
        threads.add(threading.current_thread().name)
        return funnel_read(**kwargs)

    monkeypatch.setattr(selectors, "_enrolled_by_bucket", recorded)
    side_by_side = selectors.dashboard(user=manager, filters=filters)
    assert threads and all(name.startswith("report-read") for name in threads), threads
    assert side_by_side.funnel[0].count == len(_funnel_expected(data, start, end)["enrolled"]) > 0

    monkeypatch.setattr(selectors, "reads_at_once", lambda *reads: [read() for read in reads])
    assert selectors.dashboard(user=manager, filters=filters) == side_by_side


def test_a_page_of_students_and_their_count_read_side_by_side_match_the_paginator(data, manager):
    from django.core.paginator import Paginator

    from lms.reports.views import PAGE_SIZE, _page

    _start, _end, period = _period(data, 800)
    rows, _counted = selectors.students_behind_with_count(
        user=manager, filters=ReportFilterForm(period, user=manager).filters(), stage="enrolled"
    )
    page = _page(rows, "1")
    expected = Paginator(rows, PAGE_SIZE).get_page(1)
    assert page.paginator.count == expected.paginator.count > 0
    assert list(page.object_list) == list(expected.object_list)
    assert _page(rows, "999").number == expected.paginator.num_pages, "past the end: the last page"


def test_question_statistics_read_side_by_side_match_one_after_another(data, monkeypatch):
    from assessments import staff
    from assessments.models import Assessment

    exam = Assessment.objects.get(title="Final exam")
    side_by_side = staff.question_statistics(assessment_id=exam.pk)
    assert side_by_side and any(statistic.options for statistic in side_by_side)
    monkeypatch.setattr(staff, "reads_at_once", lambda *reads: [read() for read in reads])
    assert staff.question_statistics(assessment_id=exam.pk) == side_by_side
