"""Reading what a student sends when saving an answer: a JSON body (autosave) or a plain form (no JavaScript)."""

import json

from django.utils.translation import gettext as _

MAX_BODY = 128 * 1024  # an essay at its longest, in JSON, with room to spare


class AnswerRequestInvalid(ValueError):
    """A request that is not an answer at all; the message says what is wrong."""


def _position(value) -> int:
    if isinstance(value, bool):
        raise AnswerRequestInvalid(_("Say which question the answer is for (its number)."))
    try:
        position = int(value)
    except (TypeError, ValueError) as error:
        raise AnswerRequestInvalid(_("Say which question the answer is for (its number).")) from error
    if position < 1:
        raise AnswerRequestInvalid(_("Say which question the answer is for (its number)."))
    return position


def answer_from_json(body: bytes) -> tuple[int, object]:
    """``{"position": n, "answer": value}`` → (position, raw answer for ``answer_clean``)."""
    if len(body) > MAX_BODY:
        raise AnswerRequestInvalid(_("The answer is too long."))
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AnswerRequestInvalid(_("The request is not valid JSON.")) from error
    if not isinstance(data, dict) or "position" not in data:
        raise AnswerRequestInvalid(_("Send the question's position and the answer."))
    raw = data.get("answer")
    if isinstance(raw, dict):
        raise AnswerRequestInvalid(_("The answer must be an option, a list of options, text or a number."))
    return _position(data["position"]), raw


def answer_from_form(post) -> tuple[int, object, str]:
    """Fields ``position``, ``answer`` (repeated for several options) and optional ``next`` → (position, raw, next)."""
    position = _position(post.get("position"))
    values = post.getlist("answer")
    raw = values if len(values) > 1 else (values[0] if values else None)
    return position, raw, post.get("next", "")
