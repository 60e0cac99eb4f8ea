from celery import shared_task


@shared_task(bind=True, acks_late=True)
def scheduled_reports_send_due_task(self) -> int:
    """Periodic (Celery beat): the scheduled reports that are due, built and emailed."""
    from .services import scheduled_reports_send_due

    return scheduled_reports_send_due()
