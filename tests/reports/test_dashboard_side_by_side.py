"""The dashboard's reads run side by side on connections of their own, with the same figures.

Every other test runs inside a transaction, where other connections cannot see its rows, so the
dashboard reads one after another there (``selectors._at_once``); this one commits its data and
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

    monkeypatch.setattr(selectors, "_at_once", lambda *reads: [read() for read in reads])
    assert selectors.dashboard(user=manager, filters=filters) == side_by_side
