"""The glossary: doctrine and governance terms, with their translations.

A term is a snippet in one locale. Its translations (wagtail-localize, or
"Translate" in the snippets list) share its ``translation_key``; a
translation reaches students only once a reviewer approves it, until then
they read the source term's definition (courses.selectors.glossary).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index

from wagtail_localize.fields import SynchronizedField, TranslatableField

from lms.core import pagecache

from .catalogue import Theme, themes_of_default_locale

GLOSSARY_VERSION_KEY = pagecache.version_key("glossary", "all")


def glossary_variants(text: str) -> list[str]:
    """The "also matches" forms, one per line (commas also separate), stripped and without repeats."""
    seen, variants = set(), []
    for line in text.replace(",", "\n").splitlines():
        variant = " ".join(line.split())
        if variant and variant.casefold() not in seen:
            seen.add(variant.casefold())
            variants.append(variant)
    return variants


class GlossaryTerm(TranslatableMixin, index.Indexed, models.Model):
    """One term of the glossary in one language."""

    term = models.CharField(_("term"), max_length=200)
    abbreviation = models.CharField(
        _("abbreviation"), max_length=30, blank=True, help_text=_("For example SSR or DDR; matched in the text too.")
    )
    definition = models.TextField(_("definition"), max_length=1200)
    also_matches = models.TextField(
        _("also matches"),
        blank=True,
        help_text=_("Other forms of the term in this language (plurals, inflections), one per line."),
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="glossary_terms",
        limit_choices_to=themes_of_default_locale,
    )
    approved = models.BooleanField(
        _("approved translation"),
        default=False,
        help_text=_("Students see a translated term only once a reviewer has approved it."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [
        FieldPanel("term"),
        FieldPanel("abbreviation"),
        FieldPanel("definition"),
        FieldPanel("also_matches"),
        FieldPanel("theme"),
        FieldPanel("approved"),
    ]
    search_fields = [
        index.SearchField("term"),
        index.AutocompleteField("term"),
        index.SearchField("abbreviation"),
        index.SearchField("definition"),
        index.FilterField("locale_id"),
        index.FilterField("approved"),
    ]
    # What a translator translates; the theme stays the source's. Approval is never
    # copied from the source (copy_for_translation below).
    translatable_fields = [
        TranslatableField("term"),
        TranslatableField("abbreviation"),
        TranslatableField("definition"),
        TranslatableField("also_matches"),
        SynchronizedField("theme", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        constraints = [
            models.UniqueConstraint(Lower("term"), "locale", name="courses_glossaryterm_term_unique_per_locale"),
        ]

    def __str__(self):
        return self.term

    @property
    def variants(self) -> list[str]:
        return glossary_variants(self.also_matches)

    def clean(self):
        super().clean()
        self.term = " ".join((self.term or "").split())
        self.abbreviation = " ".join((self.abbreviation or "").split())
        self.also_matches = "\n".join(glossary_variants(self.also_matches or ""))
        if not self.term or self.locale_id is None:
            return
        duplicate = (
            GlossaryTerm.objects.filter(locale_id=self.locale_id, term__iexact=self.term).exclude(pk=self.pk).first()
        )
        if duplicate is not None:
            raise ValidationError(
                {
                    "term": _(
                        "“%(term)s” is already in the glossary in this language: "
                        "edit that entry instead of adding it twice."
                    )
                    % {"term": duplicate.term}
                }
            )

    def copy_for_translation(self, locale, exclude_fields=None):
        """A new translation starts unapproved, whatever the source's state."""
        translation = super().copy_for_translation(locale, exclude_fields=exclude_fields)
        translation.approved = False
        return translation


@receiver(post_save, sender=GlossaryTerm)
@receiver(post_delete, sender=GlossaryTerm)
def _glossary_changed(sender, **kwargs):
    # Module text is cached with the glossary's terms marked in it, under this
    # version (courses.parts); so is the glossary page.
    pagecache.versions_bump_on_commit(GLOSSARY_VERSION_KEY)
