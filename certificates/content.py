"""What varies from one certificate to the next: the data the renderer and the credential share."""

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CertificateContent:
    code: str  # printed form, e.g. "7KQ2-M9XD-4HTB-R1WZ-C8P3"
    verify_url: str  # absolute https URL of /verify/<code>/
    holder_name: str  # as confirmed, in the holder's own script
    holder_name_latin: str  # as confirmed, in Latin script (may equal holder_name)
    course_title: str
    hours: int
    completed_on: datetime.date
    issued_on: datetime.date
    score: Decimal | None  # percent, None when the course has no scored assessment
    cohort_name: str  # may be ""
    program_name: str  # may be ""
    issuer_name: str  # settings.CERTIFICATE_ISSUER_NAME
    # The holder's preferred language: the template's translation in it is printed when there is one.
    language: str = ""


def content_sample(verify_base: str = "https://lms.example.org") -> CertificateContent:
    """A made-up certificate for template previews and benchmarks."""
    code = "7KQ2-M9XD-4HTB-R1WZ-C8P0"
    return CertificateContent(
        code=code,
        verify_url=f"{verify_base}/verify/{code}/",
        holder_name="Nguyễn Thị Minh Khai",
        holder_name_latin="Nguyen Thi Minh Khai",
        course_title="Civil-Military Relations in Democracies",
        hours=20,
        completed_on=datetime.date(2026, 11, 20),
        issued_on=datetime.date(2026, 11, 21),
        score=Decimal("87.50"),
        cohort_name="2026 autumn intake",
        program_name="International Military Education and Training",
        issuer_name="PME Learning",
    )
