from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=10, acks_late=True)
def page_renditions_warm_task(self, page_id: int) -> int:
    from .services import page_renditions_warm

    return page_renditions_warm(page_id=page_id)
