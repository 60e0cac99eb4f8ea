"""The student's side of an assessment: the start page, the questions, autosave, submission, the result.

Views read the request, call a selector (``assessments.student``) or a
service, and show the outcome; a refusal from a service is shown as a message
(or, for autosave, a JSON error) and nothing is written. Another student's
attempt answers 404, exactly like an attempt that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import AnswerRequestInvalid, answer_from_form, answer_from_json
from .models import AttemptStatus, FeedbackPolicy, Layout
from .services import (
    AttemptRefused,
    answer_save,
    attempt_start_guarded,
    attempt_submit,
    attempt_submit_overdue,
)
from .student import (
    assessment_get_for_start,
    assessment_get_for_student,
    attempt_essay_feedback,
    attempt_get_for_student,
    attempt_is_overdue,
    attempt_list_for_assessment,
    attempt_navigation,
    attempt_page_for_student,
    attempt_review,
    attempt_seconds_left,
    review_visible,
    student_holds_place,
)
from .translation import assessment_in_language

TIME_WAS_UP = gettext_lazy("Time was up, so your attempt was submitted with the answers you had saved.")

# Autosave refusals and the HTTP status each one answers with.
REFUSAL_STATUS = {"not_found": 404, "submitted": 409, "deadline": 409, "unknown_question": 400, "invalid_answer": 400}


def _assessment_or_404(assessment_id: int):
    assessment = assessment_get_for_student(assessment_id=assessment_id)
    if assessment is None:
        raise Http404(_("There is no such assessment."))
    return assessment


def _attempt_or_404(request, attempt_id: int, with_course: bool = True):
    attempt = attempt_get_for_student(user=request.user, attempt_id=attempt_id, with_course=with_course)
    if attempt is None:
        raise Http404(_("There is no such attempt of yours."))
    return attempt


def _submit_if_overdue(request, attempt) -> bool:
    """An attempt left open past its deadline is submitted with what was saved, on its next access."""
    if not attempt_is_overdue(attempt=attempt):
        return False
    attempt_submit_overdue(attempt_id=attempt.pk)
    messages.info(request, TIME_WAS_UP)
    return True


@require_GET
@login_required
@never_cache
def assessment_detail(request, assessment_id: int):
    """The start page: instructions, rules, the student's previous attempts, and Start or Resume."""
    assessment = assessment_in_language(_assessment_or_404(assessment_id))
    if not student_holds_place(user=request.user, course_id=assessment.course_id):
        return render(request, "assessments/not_enrolled.html", {"assessment": assessment}, status=403)
    attempts = attempt_list_for_assessment(user=request.user, assessment_id=assessment.pk)
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    now = timezone.now()
    used = len(attempts)
    allowed = assessment.attempts_allowed
    context = {
        "assessment": assessment,
        "attempts": attempts,
        "open_attempt": open_attempt,
        "attempts_used": used,
        "attempts_left": None if allowed is None else max(0, allowed - used),
        "not_open": bool(assessment.opens_at and now < assessment.opens_at),
        "closed": bool(assessment.closes_at and now >= assessment.closes_at),
    }
    context["may_start"] = open_attempt is not None or not (
        context["not_open"] or context["closed"] or context["attempts_left"] == 0
    )
    return render(request, "assessments/assessment_detail.html", context)


@require_POST
@login_required
def assessment_start(request, assessment_id: int):
    """Start an attempt (or resume the open one) and go to its questions."""
    assessment = assessment_get_for_start(assessment_id=assessment_id)
    if assessment is None:
        raise Http404(_("There is no such assessment."))
    try:
        # A forgotten attempt past its deadline is submitted first, so that Start starts afresh.
        attempt = attempt_start_guarded(user=request.user, assessment=assessment)
    except AttemptRefused as refusal:
        if refusal.overdue_submitted:
            messages.info(request, TIME_WAS_UP)
        messages.error(request, refusal.message)
        return redirect("assessments:detail", assessment_id=assessment.pk)
    if getattr(attempt, "overdue_submitted", False):
        messages.info(request, TIME_WAS_UP)
    return redirect("assessments:attempt", attempt_id=attempt.pk)


def _position_param(request) -> int:
    raw = request.GET.get("q", "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 32767:
        raise Http404(_("This attempt has no question with that number."))
    return int(raw)


@require_GET
@login_required
@never_cache
def attempt_detail(request, attempt_id: int):
    """The questions: one per page (``?q=<position>``) or all on one page, per the assessment's layout."""
    attempt = _attempt_or_404(request, attempt_id, with_course=False)
    if attempt.status != AttemptStatus.IN_PROGRESS or _submit_if_overdue(request, attempt):
        return redirect("assessments:result", attempt_id=attempt.pk)
    assessment_in_language(attempt.assessment)
    one_per_page = attempt.assessment.layout == Layout.ONE_PER_PAGE
    position = _position_param(request) if one_per_page else None
    navigation, questions = attempt_page_for_student(attempt=attempt, position=position)
    if one_per_page and not questions:
        raise Http404(_("This attempt has no question with that number."))
    seconds_left = attempt_seconds_left(attempt=attempt)
    context = {
        "attempt": attempt,
        "assessment": attempt.assessment,
        "navigation_items": _navigation_items(navigation, position, one_per_page),
        "questions": questions,
        "one_per_page": one_per_page,
        "position": position,
        "count": len(navigation),
        "previous": position - 1 if one_per_page and position > 1 else None,
        "next": position + 1 if one_per_page and position < len(navigation) else None,
        "seconds_left": seconds_left,
        "time_left": _clock(seconds_left),
        "answered_count": sum(1 for entry in navigation if entry["answered"]),
    }
    return render(request, "assessments/attempt_detail.html", context)


def _navigation_items(navigation: list[dict], position: int | None, one_per_page: bool) -> str:
    """The question list's items. Built here, not in a template loop: the loop's tags, once per
    question, cost more than the rest of the page for a long exam."""
    labels = {True: _("answered"), False: _("not answered")}
    question = _("Question")
    return format_html_join(
        "\n",
        '<li><a class="question-nav__link{}" data-position="{}" href="{}"{}><span class="visually-hidden">{} </span>'
        '<span class="question-nav__number">{}</span><span class="visually-hidden">, </span> '
        '<span class="question-nav__state">{}</span></a></li>',
        (
            (
                " is-answered" if entry["answered"] else "",
                entry["position"],
                f"?q={entry['position']}" if one_per_page else f"#question-{entry['position']}",
                mark_safe(' aria-current="step"') if entry["position"] == position else "",
                question,
                entry["position"],
                labels[entry["answered"]],
            )
            for entry in navigation
        ),
    )


def _clock(seconds: int | None) -> str:
    """Seconds as the countdown shows them: 09:05, or 1:09:05 past an hour."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def _json_refusal(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message, "code": code}, status=status)


@require_POST
@login_required
def attempt_answer(request, attempt_id: int):
    """Save one answer: JSON for autosave (answers JSON), or a plain form without JavaScript (redirects back)."""
    if request.content_type == "application/json":
        return _answer_json(request, attempt_id)
    return _answer_form(request, attempt_id)


def _answer_json(request, attempt_id: int) -> JsonResponse:
    try:
        position, raw = answer_from_json(request.body)
    except AnswerRequestInvalid as error:
        return _json_refusal(str(error), "invalid_request", 400)
    try:
        item = answer_save(user=request.user, attempt_id=attempt_id, position=position, raw=raw)
    except AttemptRefused as refusal:
        return _json_refusal(refusal.message, refusal.code, REFUSAL_STATUS.get(refusal.code, 400))
    return JsonResponse({"saved": True, "position": item.position, "answered_at": item.answered_at.isoformat()})


def _answer_form(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id, with_course=False)
    attempt_url = reverse("assessments:attempt", kwargs={"attempt_id": attempt.pk})
    try:
        position, raw, following = answer_from_form(request.POST)
    except AnswerRequestInvalid as error:
        messages.error(request, str(error))
        return redirect(attempt_url)
    one_per_page = attempt.assessment.layout == Layout.ONE_PER_PAGE
    here = f"{attempt_url}?q={position}" if one_per_page else f"{attempt_url}#question-{position}"
    try:
        answer_save(user=request.user, attempt_id=attempt.pk, position=position, raw=raw)
    except AttemptRefused as refusal:
        if refusal.code in ("submitted", "deadline"):
            messages.error(request, refusal.message)
            return redirect("assessments:result", attempt_id=attempt.pk)
        messages.error(request, refusal.message)
        return redirect(here if refusal.code == "invalid_answer" else attempt_url)
    if following == "submit":
        return redirect("assessments:submit", attempt_id=attempt.pk)
    if following.isascii() and following.isdigit() and one_per_page:
        return redirect(f"{attempt_url}?q={int(following)}")
    messages.success(request, _("Answer to question %(number)s saved.") % {"number": position})
    return redirect(here)


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def attempt_submit_confirm(request, attempt_id: int):
    """GET: what is still unanswered, and a Submit button. POST: submit (a second submit records nothing more)."""
    if request.method == "POST":
        # The countdown posts here when time is up: such a submission counts as made at the deadline.
        try:
            attempt = attempt_submit(user=request.user, attempt_id=attempt_id, auto=None)
        except AttemptRefused as refusal:
            raise Http404(refusal.message) from refusal
        if attempt.overdue_submitted:
            messages.info(request, TIME_WAS_UP)
        return redirect("assessments:result", attempt_id=attempt.pk)
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS or _submit_if_overdue(request, attempt):
        return redirect("assessments:result", attempt_id=attempt.pk)
    assessment_in_language(attempt.assessment)
    navigation = attempt_navigation(attempt=attempt)
    unanswered = [entry["position"] for entry in navigation if not entry["answered"]]
    context = {
        "attempt": attempt,
        "assessment": attempt.assessment,
        "count": len(navigation),
        "unanswered": unanswered,
        "one_per_page": attempt.assessment.layout == Layout.ONE_PER_PAGE,
        "seconds_left": attempt_seconds_left(attempt=attempt),
    }
    return render(request, "assessments/attempt_submit.html", context)


@require_GET
@login_required
@never_cache
def attempt_result(request, attempt_id: int):
    """Score, percent and pass, and a review of the answers as far as the feedback policy allows."""
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.status == AttemptStatus.IN_PROGRESS and not _submit_if_overdue(request, attempt):
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        attempt = _attempt_or_404(request, attempt_id)  # submitted just now: read its score
    assessment = assessment_in_language(attempt.assessment)
    show_review = review_visible(attempt=attempt)
    context = {
        "attempt": attempt,
        "assessment": assessment,
        "graded": attempt.status == AttemptStatus.GRADED,
        "show_review": show_review,
        "review": attempt_review(attempt=attempt) if show_review else [],
        "essay_feedback": [] if show_review else attempt_essay_feedback(attempt=attempt),
        "review_later": (
            attempt.status == AttemptStatus.GRADED
            and assessment.feedback_policy == FeedbackPolicy.AFTER_CLOSE
            and not show_review
        ),
        "feedback_never": assessment.feedback_policy == FeedbackPolicy.NEVER,
    }
    return render(request, "assessments/attempt_result.html", context)
