from celery import shared_task
from kombu.exceptions import OperationalError


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def user_welcome_email_send_task(self, user_id: int) -> bool:
    from . import services

    try:
        return services.user_welcome_email_send(user_id=user_id)
    except OSError as exc:  # SMTP unreachable or refused: try again later.
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def user_invitation_send_task(self, user_id: int) -> bool:
    from . import services

    try:
        return services.user_invitation_send(user_id=user_id)
    except OSError as exc:  # SMTP unreachable or refused: try again later.
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def user_invitations_enqueue_task(self, user_ids: list[int]) -> int:
    # A bulk import publishes this one message; the worker fans it out into one
    # task per person. Running it twice is harmless: each send happens once.
    from . import services

    try:
        return services.user_invitations_enqueue(user_ids=user_ids)
    except (OSError, OperationalError) as exc:  # the broker went away half-way: enqueue them all again.
        raise self.retry(exc=exc) from exc
