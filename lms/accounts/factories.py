"""Factories for accounts, shared by the tests and the demo data."""

import factory
from factory.django import DjangoModelFactory

from .models import SponsoringProgram, User
from .roles import Role


class SponsoringProgramFactory(DjangoModelFactory):
    class Meta:
        model = SponsoringProgram
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    country = "GH"
    preferred_language = "en"
    password = factory.django.Password("pme-demo")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from .services import user_roles_set

        if create:
            user_roles_set(user=self, roles=list(extracted if extracted is not None else [Role.STUDENT]))
