from celery import shared_task


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def user_welcome_email_send_task(self, user_id: int) -> bool:
    from . import services

    try:
        return services.user_welcome_email_send(user_id=user_id)
    except OSError as exc:  # SMTP unreachable or refused: try again later.
        raise self.retry(exc=exc) from exc
