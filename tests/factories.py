"""Factories and fixtures for people, firms and clients."""

import factory
import pytest

from advisor import services
from advisor.models import Client, Firm, User


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Firm {n}")
    slug = factory.Sequence(lambda n: f"firm-{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.firm_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    firm = factory.SubFactory(FirmFactory)
    username = factory.Sequence(lambda n: f"user{n}")
    password = "a-long-test-password-1"
    role = User.Role.ADVISOR
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.user_create(**kwargs)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    advisor = factory.SubFactory(UserFactory)
    name = factory.Faker("name")
    risk_tolerance = Client.RiskTolerance.MODERATE
    horizon_years = 10

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.client_create(**kwargs)


@pytest.fixture
def firm(db):
    return FirmFactory()


@pytest.fixture
def advisor_user(firm):
    return UserFactory(firm=firm, role=User.Role.ADVISOR)


@pytest.fixture
def client_of(advisor_user):
    return ClientFactory(advisor=advisor_user)
