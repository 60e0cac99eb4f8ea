"""Writes for certificates: issue on completion, confirm the name, render, revoke, reissue, sweep.

A certificate is made once per completed enrolment (a unique constraint on the
enrolment's current certificate, and services that treat a second call as a
no-op). Its row exists from the moment the course is completed; the PDF comes
later, from a Celery task, so a broker that is down delays a certificate but
never loses it: ``certificates_sweep`` (Celery beat) queues whatever waits.

States: ``awaiting_name`` (the student has not yet confirmed the name to print)
→ ``pending`` (queued for rendering) → ``issued``; then possibly ``revoked``, or
``replaced`` by a reissue, which makes a new certificate with a new code.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from courses.api import Cohort, Enrolment, EnrolmentStatus, page_title_in_language
from lms.accounts.api import user_email_send
from lms.core import pagecache

from .codes import code_generate
from .content import CertificateContent
from .facts import enrolment_certified_refresh
from .models import Certificate, CertificateStatus, CertificateTemplate, HolderName
from .selectors import certificate_verify_url, enrolment_score, enrolment_scores, template_for_course

logger = logging.getLogger(__name__)

# A pending certificate not issued after this long is queued again by the sweep
# (its task was lost: broker down at commit time, or a worker killed mid-way).
SWEEP_PENDING_AFTER = datetime.timedelta(minutes=5)
# Completions this recent are left to the signal; the sweep catches older ones without a certificate.
SWEEP_COMPLETED_AFTER = datetime.timedelta(minutes=2)
# The holder is told when it is ready; emails that never left are sent by the sweep.
SWEEP_NOTIFY_WITHIN = datetime.timedelta(days=7)


class CertificateRefused(Exception):
    """An action on a certificate that cannot be taken; the message is for the person who asked."""


def _user_changed(certificate: Certificate) -> None:
    """The holder's dashboard shows certificates: its cached parts are stale once this commits."""
    pagecache.versions_bump_on_commit(pagecache.version_key("user", certificate.holder_id))


def _render_later(certificate_ids: list[int]) -> None:
    """Queue the renderings when the transaction commits; a broker that is down is left to the sweep."""
    if certificate_ids:
        transaction.on_commit(lambda: _render_all_now(certificate_ids))


def _name_snapshot(certificate: Certificate, name: HolderName) -> None:
    certificate.holder_name = name.name
    certificate.holder_name_latin = name.name_latin


def _certificate_build(
    enrolment: Enrolment, *, template, name: HolderName | None, score, replaces: Certificate | None = None
) -> Certificate:
    """A certificate (not saved) with a fresh code and what is printed, taken from the enrolment now."""
    course = enrolment.course
    certificate = Certificate(
        code=code_generate(),
        enrolment=enrolment,
        holder_id=enrolment.user_id,
        course=course,
        template=template,
        template_revision_id=template.latest_revision_id if template else None,
        course_title=course.title,
        hours=course.estimated_hours,
        completed_on=timezone.localdate(enrolment.completed_at or timezone.now()),
        score=score,
        cohort_name=enrolment.cohort.name if enrolment.cohort_id else "",
        program_name=_program_name(enrolment),
        replaces=replaces,
        status=CertificateStatus.AWAITING_NAME if name is None else CertificateStatus.PENDING,
    )
    if name is not None:
        _name_snapshot(certificate, name)
    return certificate


def _new_certificate(enrolment: Enrolment, *, replaces: Certificate | None = None) -> Certificate:
    certificate = _certificate_build(
        enrolment,
        template=template_for_course(enrolment.course),
        name=HolderName.objects.filter(user_id=enrolment.user_id).first(),
        score=enrolment_score(enrolment),
        replaces=replaces,
    )
    certificate.save()
    _user_changed(certificate)
    if certificate.status == CertificateStatus.PENDING:
        _render_later([certificate.pk])
    return certificate


def _log_many(certificates: list[Certificate], action: str, *, user=None, data=None) -> None:
    """Audit-log entries for many certificates in one insert (``log()`` costs queries per object)."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import ModelLogEntry

    content_type = ContentType.objects.get_for_model(Certificate)
    now = timezone.now()
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            label=str(certificate)[:255],
            action=action,
            data=data or {},
            timestamp=now,
            user=user,
            object_id=str(certificate.pk),
        )
        for certificate in certificates
    )


@transaction.atomic
def certificates_bulk_create(enrolments, *, actor=None, action: str = "certificates.create", data=None) -> int:
    """Certificates for many completed enrolments in a fixed number of queries; returns how many were made.

    Enrolments that already have a current certificate (or get one meanwhile) are
    skipped by the unique constraint (ON CONFLICT DO NOTHING).
    """
    enrolments = list(
        _completed_without_certificate(
            Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).select_related(
                "course", "cohort__sponsoring_program", "user__sponsoring_program"
            )
        )
    )
    if not enrolments:
        return 0
    templates = {}
    for enrolment in enrolments:
        if enrolment.course_id not in templates:
            templates[enrolment.course_id] = template_for_course(enrolment.course)
    names = {n.user_id: n for n in HolderName.objects.filter(user_id__in=[e.user_id for e in enrolments])}
    scores = enrolment_scores(enrolments)
    built = [
        _certificate_build(
            enrolment,
            template=templates[enrolment.course_id],
            name=names.get(enrolment.user_id),
            score=scores[enrolment.pk],
        )
        for enrolment in enrolments
    ]
    Certificate.objects.bulk_create(built, ignore_conflicts=True)
    made = list(Certificate.objects.filter(code__in=[c.code for c in built]))
    _log_many(made, action, user=actor, data=data)
    pagecache.versions_bump_on_commit(*(pagecache.version_key("user", c.holder_id) for c in made))
    _render_later([c.pk for c in made if c.status == CertificateStatus.PENDING])
    return len(made)


def _render_all_now(certificate_ids) -> None:
    for certificate_id in certificate_ids:
        _render_now_or_later(certificate_id)


def _program_name(enrolment: Enrolment) -> str:
    if enrolment.cohort_id and enrolment.cohort.sponsoring_program_id:
        return enrolment.cohort.sponsoring_program.name
    user = enrolment.user
    return user.sponsoring_program.name if user.sponsoring_program_id else ""


def _enrolment_for_certificate(enrolment_id: int) -> Enrolment:
    return Enrolment.objects.select_related("course", "cohort__sponsoring_program", "user__sponsoring_program").get(
        pk=enrolment_id
    )


def certificate_for_enrolment_create(*, enrolment: Enrolment) -> tuple[Certificate, bool]:
    """The enrolment's current certificate, made now if it has none. Safe to call any number of times.

    Two callers at once (the completion signal and the sweep, two managers) meet
    at the unique constraint: the second's insert does nothing and it finds the first's certificate.
    """
    current = Certificate.objects.filter(enrolment=enrolment).exclude(status=CertificateStatus.REPLACED)
    certificate = current.first()
    if certificate is not None:
        return certificate, False
    if enrolment.status != EnrolmentStatus.COMPLETED:
        raise CertificateRefused(_("A certificate is issued only for a completed course."))
    made = certificates_bulk_create([enrolment])
    return current.get(), bool(made)


def on_course_completed(sender, enrolment, **kwargs) -> None:
    """``course_completed`` receiver: inside the completing transaction, make the certificate's row."""
    certificate_for_enrolment_create(enrolment=enrolment)


@transaction.atomic
def holder_name_confirm(*, user, name: str, name_latin: str) -> HolderName:
    """Record the name to print; certificates waiting for it are queued with it.

    Certificates already issued keep the name they were issued with; a change
    after that takes a reissue (a program manager's decision).
    """
    name, name_latin = " ".join(name.split()), " ".join(name_latin.split())
    if not name or not name_latin:
        raise CertificateRefused(_("Give your name both in your own script and in Latin script."))
    if not _is_latin(name_latin):
        raise CertificateRefused(_("The Latin-script name may use Latin letters only (accents are fine)."))
    holder_name, _created = HolderName.objects.update_or_create(
        user=user, defaults={"name": name, "name_latin": name_latin, "confirmed_at": timezone.now()}
    )
    waiting = list(Certificate.objects.select_for_update().filter(holder=user, status=CertificateStatus.AWAITING_NAME))
    for certificate in waiting:
        _name_snapshot(certificate, holder_name)
        certificate.status = CertificateStatus.PENDING
        certificate.save(update_fields=["holder_name", "holder_name_latin", "status", "updated_at"])
    _render_later([certificate.pk for certificate in waiting])
    pagecache.versions_bump_on_commit(pagecache.version_key("user", user.pk))
    return holder_name


def _is_latin(text: str) -> bool:
    import unicodedata

    return all("LATIN" in unicodedata.name(ch, "") for ch in text if ch.isalpha())


def certificate_content(certificate: Certificate) -> CertificateContent:
    issued = certificate.issued_at or timezone.now()
    return CertificateContent(
        code=certificate.code,
        verify_url=certificate_verify_url(certificate.code),
        holder_name=certificate.holder_name,
        holder_name_latin=certificate.holder_name_latin,
        course_title=certificate.course_title,
        hours=certificate.hours,
        completed_on=certificate.completed_on,
        issued_on=timezone.localdate(issued),
        score=certificate.score,
        cohort_name=certificate.cohort_name,
        program_name=certificate.program_name,
        issuer_name=settings.CERTIFICATE_ISSUER_NAME,
    )


def _template_as_rendered(certificate: Certificate) -> CertificateTemplate | None:
    """The template as it was when the certificate was made (its revision), else as it is now."""
    if certificate.template_revision_id:
        try:
            return certificate.template_revision.as_object()
        except Exception:  # a revision that no longer loads (fields changed since): the template as it is
            logger.warning("Template revision %s did not load", certificate.template_revision_id, exc_info=True)
    return certificate.template


def certificate_files_make(certificate: Certificate) -> tuple[bytes, dict]:
    """The signed PDF (with its credential attached) and the credential, for this certificate.

    Pure: reads the certificate, writes nothing, so a task that dies half-way leaves no trace.
    """
    import json

    from .rendering import certificate_pdf
    from .signing import credential_issue, pdf_sign

    content = certificate_content(certificate)
    credential = credential_issue(content)
    attachment = json.dumps(credential, ensure_ascii=False, indent=2).encode()
    pdf = certificate_pdf(
        _template_as_rendered(certificate),
        content,
        attachments=[("credential.json", attachment, _("Signed credential (Open Badges 3.0)"))],
    )
    return pdf_sign(pdf), credential


def certificate_render(*, certificate_id: int) -> bool:
    """Render, sign and store a pending certificate; mark it issued. Returns whether this call issued it.

    The work happens outside any transaction (seconds, not milliseconds); the
    result is kept only by a conditional update from ``pending``, so two workers
    rendering the same certificate (a redelivered task) issue it once, and the
    loser's file is removed, as is a file left by a render killed before it issued.
    """
    certificate = (
        Certificate.objects.select_related("template", "template_revision")
        .filter(pk=certificate_id, status=CertificateStatus.PENDING)
        .first()
    )
    if certificate is None:
        return False
    pdf, credential = certificate_files_make(certificate)
    now = timezone.now()
    storage, wanted_name = certificate.pdf.storage, f"certificates/{certificate.code}.pdf"
    stored = storage.save(wanted_name, ContentFile(pdf))
    with transaction.atomic():
        won = Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.PENDING).update(
            status=CertificateStatus.ISSUED,
            issued_at=now,
            pdf=stored,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            pdf_size=len(pdf),
            credential=credential,
            render_error="",
            updated_at=now,
        )
        if not won:
            transaction.on_commit(lambda: storage.delete(stored))
            return False
        if stored != wanted_name:
            # The name was taken: by a render killed between storing and issuing (no row names that
            # file), or by a render that is losing right now (it removes its own). Either way not kept.
            transaction.on_commit(lambda: storage.delete(wanted_name))
        certificate.refresh_from_db()
        enrolment_certified_refresh(enrolment_ids=[certificate.enrolment_id])
        log(instance=certificate, action="certificates.issue", user=None)
        _user_changed(certificate)
        _notify_later(certificate.pk)
    return True


def certificate_files_ensure(*, certificate_id: int) -> Certificate | None:
    """The issued certificate with its files, rendered now if it has none; None when it is not issued.

    An issued certificate may have no file: the demo's history marks ~1,800 issued
    without rendering them. Whoever first asks for the file (the holder, a manager's
    cohort ZIP) has it rendered then, synchronously: about 0.1 s of CPU, less than a
    "try again in a minute" page and a queued task would cost the person, and it needs
    no worker. It prints the certificate's own ``issued_at`` and snapshot, so it is
    the certificate it would have been. Like ``certificate_render`` the work happens
    outside any transaction and the result is kept only by a conditional update (still
    issued, still without a file): two requests at once may both render, but one file
    is stored and the other removed, and a certificate revoked meanwhile keeps none.
    Nothing is emailed (the certificate was issued long before); the file's making is
    logged, with its digest, so the audit trail says when the PDF anyone holds was made.
    """
    wanted = Certificate.objects.select_related("template", "template_revision").filter(
        pk=certificate_id, status=CertificateStatus.ISSUED
    )
    certificate = wanted.first()
    if certificate is None or certificate.pdf:
        return certificate
    try:
        pdf, credential = certificate_files_make(certificate)
    except Exception as exc:  # kept for the admin's detail page, then the caller decides what to answer
        wanted.filter(pdf="").update(render_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    stored = certificate.pdf.storage.save(f"certificates/{certificate.code}.pdf", ContentFile(pdf))
    won = wanted.filter(pdf="").update(
        pdf=stored,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_size=len(pdf),
        credential=credential,
        render_error="",
        updated_at=timezone.now(),
    )
    if not won:
        transaction.on_commit(lambda: certificate.pdf.storage.delete(stored))
        return wanted.first()
    made = wanted.first()
    if made is not None:
        log(instance=made, action="certificates.files", user=None, data={"sha256": made.pdf_sha256})
    return made


def certificate_render_failed(*, certificate_id: int, error: str) -> None:
    """Keep the last error where the admin shows it; the certificate stays pending for the next try."""
    Certificate.objects.filter(pk=certificate_id, status=CertificateStatus.PENDING).update(render_error=error[:2000])


def _notify_later(certificate_id: int) -> None:
    from .tasks import certificate_ready_notify_task

    transaction.on_commit(lambda: certificate_ready_notify_task.delay(certificate_id), robust=True)


@transaction.atomic
def certificate_ready_notify(*, certificate_id: int) -> bool:
    """Email the holder that the certificate is ready, once. Returns whether it sent."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("holder", "course")
        .filter(pk=certificate_id, status=CertificateStatus.ISSUED, notified_at=None)
        .first()
    )
    if certificate is None:
        return False
    context = {
        "certificate": certificate,
        # In the holder's language when the course reads in it; else as printed on the certificate.
        "course_title": page_title_in_language(
            certificate.course, certificate.holder.preferred_language, original=certificate.course_title
        ),
        "dashboard_url": f"{settings.WAGTAILADMIN_BASE_URL}{reverse('dashboard')}",
        "verify_url": certificate_verify_url(certificate.code),
    }
    user_email_send(user=certificate.holder, template="certificates/email/ready", context=context)
    certificate.notified_at = timezone.now()
    certificate.save(update_fields=["notified_at"])
    return True


@transaction.atomic
def certificate_revoke(*, certificate_id: int, actor, reason: str) -> Certificate:
    """Revoke a certificate for good; the verify page says so, with the date and the reason."""
    reason = reason.strip()
    if not reason:
        raise CertificateRefused(_("Give a reason: it is shown to anyone who checks the certificate."))
    certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
    if certificate is None:
        raise CertificateRefused(_("There is no such certificate."))
    if certificate.status not in (CertificateStatus.ISSUED, CertificateStatus.PENDING, CertificateStatus.AWAITING_NAME):
        raise CertificateRefused(
            _("This certificate is already %(status)s.") % {"status": certificate.get_status_display().lower()}
        )
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    log(instance=certificate, action="certificates.revoke", user=actor, data={"reason": reason})
    _user_changed(certificate)
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate_id: int, actor) -> Certificate:
    """Replace a certificate by a new one with a new code (a corrected name, a new template).

    The old one shows as replaced on the verify page. The new one takes the
    holder's current confirmed name and the course's current template.
    """
    old = Certificate.objects.select_for_update().select_related("enrolment").filter(pk=certificate_id).first()
    if old is None:
        raise CertificateRefused(_("There is no such certificate."))
    if old.status == CertificateStatus.REPLACED:
        raise CertificateRefused(_("This certificate was already replaced; reissue its replacement instead."))
    if old.status == CertificateStatus.REVOKED:
        # A revocation is final: replacing it would make the public check say "replaced" and hide it.
        raise CertificateRefused(_("A revoked certificate cannot be reissued: a revocation is final."))
    if old.status in (CertificateStatus.PENDING, CertificateStatus.AWAITING_NAME):
        raise CertificateRefused(_("This certificate is not issued yet; there is nothing to replace."))
    old.status = CertificateStatus.REPLACED
    old.replaced_at = timezone.now()
    old.save(update_fields=["status", "replaced_at", "updated_at"])
    enrolment = _enrolment_for_certificate(old.enrolment_id)
    new = _new_certificate(enrolment, replaces=old)
    log(instance=old, action="certificates.replace", user=actor, data={"replaced_by": new.code})
    log(instance=new, action="certificates.reissue", user=actor, data={"replaces": old.code})
    return new


def cohort_certificates_issue(*, cohort: Cohort, actor, enrolments=None) -> dict[str, int]:
    """Issue for every completed enrolment of the cohort that has no certificate; queue again the pending.

    ``enrolments`` (a queryset) narrows it to the students the person acting may see: a
    program manager limited to some countries or programs issues for those students
    only (the admin passes ``enrolment_list_visible_to``). None means every student:
    the platform's own callers (the demo's history, benchmarks). The enrolments are
    read as subqueries, so the number of queries does not grow with the cohort.

    Returns counts: ``created``, ``queued`` (pending ones queued again), ``awaiting_name``.
    """
    in_cohort = (Enrolment.objects.all() if enrolments is None else enrolments).filter(cohort=cohort)
    certificates = Certificate.objects.filter(enrolment__cohort=cohort)
    if enrolments is not None:
        certificates = certificates.filter(enrolment__in=in_cohort.values("pk"))
    waiting = list(certificates.filter(status=CertificateStatus.PENDING).values_list("pk", flat=True))
    created = certificates_bulk_create(
        in_cohort.filter(status=EnrolmentStatus.COMPLETED).select_related(None).only("pk"),
        actor=actor,
        action="certificates.bulk_issue",
        data={"cohort": cohort.name},
    )
    _render_all_now(waiting)
    return {
        "created": created,
        "queued": len(waiting),
        "awaiting_name": certificates.filter(status=CertificateStatus.AWAITING_NAME).count(),
    }


def _render_now_or_later(certificate_id: int) -> None:
    """Queue a rendering outside a transaction; a broker that is down is logged and left to the sweep."""
    from .tasks import certificate_render_task

    try:
        certificate_render_task.delay(certificate_id)
    except Exception:  # kombu's OperationalError and friends: the sweep tries again
        logger.warning("Could not queue certificate %s; the sweep will", certificate_id, exc_info=True)


def _completed_without_certificate(enrolments):
    current = Certificate.objects.filter(enrolment=OuterRef("pk")).exclude(status=CertificateStatus.REPLACED)
    return enrolments.filter(status=EnrolmentStatus.COMPLETED).exclude(Exists(current))


def certificates_sweep(*, now=None) -> dict[str, int]:
    """Periodic (Celery beat): nothing waits for ever.

    Completions with no certificate get one (the signal's transaction committed
    but something failed after); pending certificates not issued after
    SWEEP_PENDING_AFTER are queued again; ready emails that never left are sent.
    """
    from .tasks import certificate_ready_notify_task

    now = now or timezone.now()
    created = certificates_bulk_create(
        _completed_without_certificate(Enrolment.objects.filter(completed_at__lt=now - SWEEP_COMPLETED_AFTER))[:5000]
    )
    stale = list(
        Certificate.objects.filter(status=CertificateStatus.PENDING)
        .filter(Q(updated_at__lt=now - SWEEP_PENDING_AFTER))
        .values_list("pk", flat=True)
    )
    for certificate_id in stale:
        _render_now_or_later(certificate_id)
    unsent = list(
        Certificate.objects.filter(
            status=CertificateStatus.ISSUED,
            notified_at=None,
            issued_at__lt=now - SWEEP_PENDING_AFTER,
            issued_at__gt=now - SWEEP_NOTIFY_WITHIN,
        ).values_list("pk", flat=True)
    )
    for certificate_id in unsent:
        try:
            certificate_ready_notify_task.delay(certificate_id)
        except Exception:
            logger.warning("Could not queue the email of certificate %s", certificate_id, exc_info=True)
    return {"created": created, "queued": len(stale), "emails": len(unsent)}
