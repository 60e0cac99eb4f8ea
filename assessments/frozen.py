"""What starting an attempt freezes, kept in each web process so that the busiest requests read less.

- **An attempt's shape**: its owner and, per position, the question's type and
  option ids: all autosave needs to check an answer. It comes from the
  snapshots frozen at the start, which never change while the attempt is open
  (regrading rewrites only submitted attempts' keys, never their options), and
  attempt ids are never reused, so an entry can never be stale. With it an
  autosave is a single conditional UPDATE (``services.answer_save``).
- **An assessment's plan**: the snapshots it would freeze (its fixed questions,
  and the pools it draws from) in one language, kept under the *bank version*
  (with the assessment's title and instructions in that language). Every save or
  delete of a question, option, category, assessment, assessment item or a
  translation of a question or assessment moves
  that version at once and again on commit (``signals``), so a plan built from
  data not yet committed is retired too. A start then reads no question,
  option or item row.

Both are small least-recently-used maps per process (gunicorn's threads share
them); a miss reads the database, so nothing depends on what a process holds.
"""

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.core.cache import cache

from lms.core import pagecache

BANK_VERSION_KEY = pagecache.version_key("assessments", "bank")


class _Recent:
    """A thread-safe mapping that forgets its least recently used entries past ``size``."""

    def __init__(self, size: int):
        self._size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


# An attempt's shape is a few hundred bytes; an exam's plan a few kilobytes per question.
_shapes = _Recent(4096)
_plans = _Recent(128)


@dataclass(frozen=True)
class AttemptShape:
    """Who owns an attempt, and per position what ``grading.answer_shape_clean`` checks an answer against."""

    user_id: int
    questions: dict  # position -> (type, option ids)


def shape_from_snapshots(user_id: int, snapshots: dict) -> AttemptShape:
    """``snapshots``: position -> snapshot (or at least its type and options)."""
    return AttemptShape(
        user_id=user_id,
        questions={
            position: (snapshot["type"], tuple(option["id"] for option in snapshot["options"] or ()))
            for position, snapshot in snapshots.items()
        },
    )


def attempt_shape_keep(attempt_id: int, shape: AttemptShape) -> None:
    _shapes.put(attempt_id, shape)


def attempt_shape(attempt_id: int) -> AttemptShape | None:
    """The attempt's shape, read from the database on a miss; None when there is no such attempt."""
    shape = _shapes.get(attempt_id)
    if shape is not None:
        return shape
    from .models import AttemptQuestion

    rows = AttemptQuestion.objects.filter(attempt_id=attempt_id).values_list(
        "attempt__user_id", "position", "snapshot__type", "snapshot__options"
    )
    snapshots, owner = {}, None
    for owner, position, kind, options in rows:  # noqa: B007 (every row names the same owner)
        snapshots[position] = {"type": kind, "options": options}
    if owner is None:
        return None
    shape = shape_from_snapshots(owner, snapshots)
    _shapes.put(attempt_id, shape)
    return shape


def bank_version() -> str:
    """The current bank version (one cache read); a new one when the cache lost it."""
    value = cache.get(BANK_VERSION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(BANK_VERSION_KEY, value, timeout=None):
            value = cache.get(BANK_VERSION_KEY) or value
    return value


def bank_changed() -> None:
    """Retire every kept plan (now, and again when the transaction commits)."""
    pagecache.versions_bump_on_commit(BANK_VERSION_KEY)


def plan_get(key: tuple):
    return _plans.get(key)


def plan_keep(key: tuple, plan) -> None:
    _plans.put(key, plan)


def forget_all() -> None:
    """Empty this process's maps (tests that rewrite frozen rows by hand)."""
    _shapes.clear()
    _plans.clear()
