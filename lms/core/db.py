"""Reading the database several ways at once."""

from concurrent.futures import ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.utils import timezone, translation

# Threads kept for the life of the process, each with its connection kept as any request's is
# (CONN_MAX_AGE): opening a connection per read would cost what reading side by side saves.
_READERS = ThreadPoolExecutor(max_workers=5, thread_name_prefix="report-read")


def reads_at_once(*reads):
    """Run independent reads each on a connection of its own, at the same time; their results in order.

    PostgreSQL answers each query on one process (a few with its parallel workers), so reads of a
    large table that take about the same time take about as long together as the slowest alone
    when they run side by side (the reports' dashboard, a page of rows and its count, the two
    passes of question statistics). Inside a transaction (the tests wrap each in one) other
    connections would not see its rows, and SQLite gains nothing: there they run one after
    another. The threads take the caller's language and time zone, and treat their connection as
    a request does: dropped before use when broken or too old, closed after unless kept.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if len(reads) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [read() for read in reads]
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def run(read):
        close_old_connections()
        translation.activate(language)
        timezone.activate(zone)
        try:
            return read()
        finally:
            close_old_connections()

    return list(_READERS.map(run, reads))
