"""How a course is completed, and how other apps join in without ``courses`` importing them.

A course is complete when every required live module is complete and every
requirement registered here is met. Apps above ``courses`` (assessments, for
required assessments) register a check at start-up; apps that act on
completion (certificates) connect to ``course_completed``.
"""

from collections.abc import Callable

from django.dispatch import Signal

# Sent once per enrolment, inside the transaction that records the completion,
# with ``enrolment`` (its ``completed_at`` set). Receivers that start background
# work should do so with ``transaction.on_commit``.
course_completed = Signal()

# A check takes an enrolment and returns what is still missing, as short
# sentences for the student (an empty list when the requirement is met).
CompletionCheck = Callable[[object], list[str]]
_checks: dict[str, CompletionCheck] = {}


def completion_requirement_register(name: str, check: CompletionCheck) -> None:
    """Add a completion rule (idempotent per name, so ``ready()`` may run twice)."""
    _checks[name] = check


def completion_requirements_unmet(enrolment) -> list[str]:
    missing = []
    for check in _checks.values():
        missing.extend(check(enrolment))
    return missing


# Sections that apps above ``courses`` add to the student's dashboard
# (assessment results, certificates): ``section(request) -> str`` (safe HTML).
DashboardSection = Callable[[object], str]
_dashboard_sections: dict[str, DashboardSection] = {}


def dashboard_section_register(name: str, section: DashboardSection) -> None:
    _dashboard_sections[name] = section


def dashboard_sections_render(request) -> list[str]:
    return [html for html in (section(request) for section in _dashboard_sections.values()) if html]
