"""Emails to a person, in their language. Services decide when; this renders and sends."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def user_email_send(*, user, template: str, context: dict | None = None, attachments=()) -> None:
    """Send ``<template>_subject.txt`` and ``<template>.txt`` to the user, in their preferred language.

    The templates get the user, the platform's name and its base URL besides
    ``context``. ``attachments`` are (file name, content, MIME type) triples.
    Sending errors (``OSError``) reach the caller, whose task retries.
    Words that come from content are the caller's to give in the user's
    language: a course's title through ``courses.api.page_title_in_language``,
    an assessment's through ``assessments.translation.assessment_in_language``
    (this app sits below both and knows neither).
    """
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        full_context = {
            "user": user,
            "platform_name": settings.WAGTAIL_SITE_NAME,
            "base_url": settings.WAGTAILADMIN_BASE_URL,
            **(context or {}),
        }
        subject = render_to_string(f"{template}_subject.txt", full_context).strip()
        body = render_to_string(f"{template}.txt", full_context)
    message = EmailMessage(subject, body, None, [user.email])
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()
