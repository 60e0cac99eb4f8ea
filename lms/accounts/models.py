from django.contrib.admin import display as admin_display
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from django_countries.fields import CountryField


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class SponsoringProgram(TimeStampedModel):
    """Who pays for a student's place: an international education programme or national funding."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sponsoring program")
        verbose_name_plural = _("sponsoring programs")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    @classmethod
    def normalize_email(cls, email):
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who signs in with their email address.

    ``first_name``/``last_name`` hold the name in Latin script (given names and
    family name, as on a passport's machine-readable zone); ``name_native`` holds
    the full name in the person's own script.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("given names (Latin script)"), max_length=150)
    last_name = models.CharField(_("family name (Latin script)"), max_length=150, blank=True)
    name_native = models.CharField(
        _("full name in native script"),
        max_length=200,
        blank=True,
        help_text=_("As written in your own language, e.g. محمد العلي or Иван Петров."),
    )
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="en")
    country = CountryField(_("country"), blank=True)
    service = models.CharField(
        _("service or branch"), max_length=100, blank=True, help_text=_("For example Army, Navy, Ministry of Defence.")
    )
    rank = models.CharField(_("rank or grade"), max_length=80, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    sponsoring_program = models.ForeignKey(
        SponsoringProgram,
        verbose_name=_("sponsoring program"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    welcome_email_sent_at = models.DateTimeField(_("welcome email sent"), null=True, blank=True, editable=False)
    # Set when an invitation to choose a password goes out (accounts made for someone, e.g. by a bulk import).
    invited_at = models.DateTimeField(_("invitation sent"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = UserManager.normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return " ".join(part for part in (self.first_name, self.last_name) if part).strip()

    @property
    def display_name(self):
        """The name to greet someone by: native script when given, else Latin."""
        return self.name_native or self.get_full_name() or self.email


class ManagerScope(TimeStampedModel):
    """The students a program manager may see: those of some countries and/or some sponsoring programs.

    A program manager without a scope sees every student. With countries only,
    the students of those countries; with programs only, the students those
    programs sponsor; with both, students who match both (an embassy officer for
    one program's students from their country). Administrators are never limited.
    """

    user = models.OneToOneField(
        User, verbose_name=_("program manager"), on_delete=models.CASCADE, related_name="manager_scope"
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    sponsoring_programs = models.ManyToManyField(
        SponsoringProgram, verbose_name=_("sponsoring programs"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("program manager's scope")
        verbose_name_plural = _("program managers' scopes")

    def __str__(self):
        return str(self.user)

    @admin_display(description=_("countries"))
    def country_names(self) -> str:
        return ", ".join(country.name for country in self.countries)

    @admin_display(description=_("sponsoring programs"))
    def sponsoring_program_names(self) -> str:
        return ", ".join(program.name for program in self.sponsoring_programs.all())
