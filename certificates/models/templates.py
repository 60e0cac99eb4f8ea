"""Certificate templates: wording in one or two languages, images, signatories, page set-up."""

from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable, PreviewableMixin, RevisionMixin

from courses.api import CoursePage
from lms.accounts.api import TimeStampedModel

# What an author may write in braces in a title or wording; each is filled per certificate.
PLACEHOLDERS = {
    "holder": _("the holder's name as confirmed, in their own script"),
    "holder_latin": _("the holder's name in Latin script"),
    "course": _("the course title"),
    "hours": _("the course's hours"),
    "date": _("the completion date"),
    "score": _("the best score on the course's required assessments"),
    "cohort": _("the cohort"),
    "program": _("the sponsoring program"),
}
MAX_SIGNATORIES = 4
LANGUAGE_CHOICES = global_settings.LANGUAGES


class PageSize(models.TextChoices):
    A4 = "A4", _("A4")
    LETTER = "letter", _("US Letter")


class PageOrientation(models.TextChoices):
    LANDSCAPE = "landscape", _("Landscape")
    PORTRAIT = "portrait", _("Portrait")


def placeholders_unknown(text: str) -> list[str]:
    """The names in braces that are not placeholders (and a message for unbalanced braces)."""
    import string

    try:
        names = [field for _literal, field, _spec, _conv in string.Formatter().parse(text) if field is not None]
    except ValueError:
        return ["{"]
    return sorted({name for name in names if name not in PLACEHOLDERS})


class CertificateTemplate(RevisionMixin, PreviewableMixin, ClusterableModel, TimeStampedModel):
    """How a certificate looks and reads. Certificates keep the revision they were rendered from."""

    name = models.CharField(_("name"), max_length=150, unique=True, help_text=_("For the admin only."))
    is_default = models.BooleanField(
        _("default template"), default=False, help_text=_("Used by every course that does not choose a template.")
    )
    language = models.CharField(_("language"), max_length=12, choices=LANGUAGE_CHOICES, default="en")
    title = models.CharField(_("title"), max_length=200, default="Certificate of completion")
    wording = models.TextField(
        _("wording"),
        default="This certifies that {holder} has completed the course {course} ({hours} hours) on {date}.",
        help_text=_(
            "Placeholders in braces: {holder}, {holder_latin}, {course}, {hours}, {date}, {score}, {cohort}, {program}."
        ),
    )
    second_language = models.CharField(
        _("second language"),
        max_length=12,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=_("Optional: a bilingual certificate prints the title and wording in both languages."),
    )
    second_title = models.CharField(_("title in the second language"), max_length=200, blank=True)
    second_wording = models.TextField(_("wording in the second language"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    background = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("background image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    page_size = models.CharField(_("page size"), max_length=10, choices=PageSize.choices, default=PageSize.A4)
    orientation = models.CharField(
        _("orientation"), max_length=10, choices=PageOrientation.choices, default=PageOrientation.LANDSCAPE
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="certificates_one_default_template"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """Refuse at save what would fail or misprint later: unknown placeholders, unusable images, missing fonts.

        The signatories' images are checked by the admin form (their inline forms are not
        attached to this instance yet); ``template_problems`` checks everything at once.
        """
        super().clean()
        from ..rendering_checks import template_problems

        errors = template_problems(self, signatories=False)
        if self.second_language and not (self.second_title and self.second_wording):
            errors.setdefault("second_wording", _("A second language needs its own title and wording."))
        if self.second_language and self.second_language == self.language:
            errors["second_language"] = _("The second language must differ from the first.")
        if errors:
            raise ValidationError(errors)

    # Preview: a PDF for a sample student (certificates/preview.py).
    def get_preview_template(self, request, mode_name):
        return "certificates/admin/template_preview.html"

    def get_preview_context(self, request, mode_name):
        from ..preview import template_preview_context

        return template_preview_context(self)

    def serve_preview(self, request, mode_name):
        """The preview page embeds the PDF as a data: URL; its own CSP allows that, and only there."""
        from ..preview import preview_csp_allow

        return preview_csp_allow(super().serve_preview(request, mode_name))


def template_wording_digest(title: str, wording: str) -> str:
    """The digest of a template's own wording: a translation made from other wording is out of date."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps([title, wording], ensure_ascii=False).encode()).hexdigest()


class CertificateTemplateTranslation(models.Model):
    """The template's title and wording in another language, printed for holders who prefer that language.

    ``source_digest`` is the digest of the template's own title and wording this translation was
    made from. A certificate prints a translation only while it translates the wording the
    certificate would otherwise print (the digests match); an out-of-date translation is listed
    as such in the admin and holders get the template's own language until it is corrected.
    """

    template = models.ForeignKey(CertificateTemplate, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=12, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    wording = models.TextField(_("wording"), help_text=_("The same placeholders in braces as the template's wording."))
    source_digest = models.CharField(max_length=64)
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate template translation")
        constraints = [
            models.UniqueConstraint(fields=["template", "language"], name="certificates_template_translation_unique")
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"

    def translates(self, title: str, wording: str) -> bool:
        """Whether this translation was made from exactly this title and wording."""
        return self.source_digest == template_wording_digest(title, wording)


class TemplateSignatory(Orderable):
    template = ParentalKey(CertificateTemplate, on_delete=models.CASCADE, related_name="signatories")
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=200, help_text=_("For example “Dean of Academics”."))
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")


class CourseCertificate(models.Model):
    """A course's choice of template (on the course's edit screen; none means the default template)."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="certificate_choice")
    template = models.ForeignKey(
        CertificateTemplate, verbose_name=_("certificate template"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate template")
        constraints = [models.UniqueConstraint(fields=["course"], name="certificates_one_template_per_course")]

    def __str__(self):
        return str(self.template)
