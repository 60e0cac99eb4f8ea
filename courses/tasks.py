from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=10, acks_late=True)
def page_renditions_warm_task(self, page_id: int) -> int:
    from .services import page_renditions_warm

    return page_renditions_warm(page_id=page_id)


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def enrolment_decision_notify_task(self, event_id: int) -> bool:
    from .services import enrolment_decision_notify

    try:
        return enrolment_decision_notify(event_id=event_id)
    except OSError as exc:  # SMTP unreachable or refused: try again later.
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def course_completions_check_task(self, course_id: int) -> int:
    from .services import course_completions_check

    return course_completions_check(course_id=course_id)


@shared_task(bind=True, acks_late=True)
def enrolment_decisions_unsent_notify_task(self) -> int:
    """Periodic (Celery beat): decision emails that never left, queued again."""
    from .services import enrolment_decisions_unsent_notify

    return enrolment_decisions_unsent_notify()


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def offline_pdf_generate_task(self, kind: str, page_id: int, language: str) -> str | None:
    """A module's or course's offline PDF for readers of ``language`` (courses.offline)."""
    from .offline import offline_pdf_generate, offline_pdf_give_up

    try:
        # A document that cannot be rendered is logged and remembered there, not retried.
        return offline_pdf_generate(kind=kind, page_id=page_id, language=language)
    except OSError as exc:  # storage full or unreachable: try again later.
        if self.request.retries >= self.max_retries:
            offline_pdf_give_up(kind=kind, page_id=page_id, language=language)
            raise
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True)
def offline_pdfs_sweep_task(self) -> int:
    """Periodic (Celery beat, daily): offline PDFs no reader can be given any more are removed."""
    from .offline import offline_pdfs_sweep

    return offline_pdfs_sweep()
