from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=10, acks_late=True)
def attempts_overdue_submit_task(self) -> int:
    """Periodic (Celery beat): submit attempts left open past their deadline, with what was saved."""
    from .services import attempts_overdue_submit

    return attempts_overdue_submit()


# No one reads its result: without ignore_result, every submission would also subscribe to
# the result backend for the result's arrival (two more Redis round trips and a pub/sub channel).
@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True, ignore_result=True)
def attempt_result_notify_task(self, attempt_id: int) -> bool:
    from .services import attempt_result_notify

    try:
        return attempt_result_notify(attempt_id=attempt_id)
    except OSError as exc:  # SMTP unreachable or refused: try again later.
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True)
def attempt_results_unsent_notify_task(self) -> int:
    """Periodic (Celery beat): result emails that never left, queued again."""
    from .services import attempt_results_unsent_notify

    return attempt_results_unsent_notify()
