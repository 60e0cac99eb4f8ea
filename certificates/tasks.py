"""Celery tasks for certificates: thin wrappers over the services, safe to run twice."""

from celery import shared_task


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=6,
    autoretry_for=(Exception,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
)
def certificate_render_task(self, certificate_id: int) -> bool:
    """Render, sign and store one certificate. Late acknowledgement: a worker killed mid-way
    hands the task back; the service issues once however often it runs."""
    from .services import certificate_render, certificate_render_failed

    try:
        return certificate_render(certificate_id=certificate_id)
    except Exception as exc:
        certificate_render_failed(certificate_id=certificate_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def certificate_ready_notify_task(self, certificate_id: int) -> bool:
    from .services import certificate_ready_notify

    try:
        return certificate_ready_notify(certificate_id=certificate_id)
    except OSError as exc:  # SMTP unreachable or refused: try again later.
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True)
def certificates_sweep_task(self) -> dict:
    """Periodic (Celery beat): completions without a certificate, lost renderings, unsent emails."""
    from .services import certificates_sweep

    return certificates_sweep()
