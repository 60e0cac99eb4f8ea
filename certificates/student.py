"""Reads for the student's certificate screens: a suggested name, the transcript."""

from django.utils import timezone
from django.utils.translation import get_language

from anyascii import anyascii

from courses.api import Enrolment, EnrolmentStatus

from .models import Certificate, CertificateStatus


def holder_name_suggested(*, user, current=None) -> dict:
    """What the name form starts with: the confirmed name, else the profile's, with a transliteration."""
    if current is not None:
        return {"name": current.name, "name_latin": current.name_latin}
    latin = user.get_full_name()
    native = user.name_native or latin
    if not latin and native:
        latin = " ".join(anyascii(native).split())
    return {"name": native, "name_latin": latin}


def transcript_rows(*, user) -> list:
    """Every completed course: hours, completion date, score, and the valid certificate's code if any."""
    from .rendering import TranscriptRow

    enrolments = list(
        Enrolment.objects.filter(user=user, status=EnrolmentStatus.COMPLETED)
        .select_related("course")
        .order_by("completed_at")
    )
    certificates = {
        c.enrolment_id: c
        for c in Certificate.objects.filter(enrolment__in=enrolments).exclude(status=CertificateStatus.REPLACED)
    }
    from .selectors import certificate_verify_url, enrolment_scores

    scores = enrolment_scores(enrolments)
    rows = []
    for enrolment in enrolments:
        certificate = certificates.get(enrolment.pk)
        valid = certificate is not None and certificate.status == CertificateStatus.ISSUED
        rows.append(
            TranscriptRow(
                course_title=certificate.course_title if certificate else enrolment.course.title,
                hours=certificate.hours if certificate else enrolment.course.estimated_hours,
                completed_on=timezone.localdate(enrolment.completed_at),
                score=certificate.score if certificate else scores[enrolment.pk],
                certificate_code=certificate.code if valid else "",
                verify_url=certificate_verify_url(certificate.code) if valid else "",
            )
        )
    return rows


def transcript_pdf_for(*, user) -> bytes:
    from .models import HolderName
    from .rendering import transcript_pdf

    name = HolderName.objects.filter(user=user).first()
    return transcript_pdf(
        name.name if name else user.display_name,
        name.name_latin if name else user.get_full_name(),
        transcript_rows(user=user),
        issued_on=timezone.localdate(),
        language=get_language() or "en",
    )
