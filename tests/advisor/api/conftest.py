"""A firm as the API sees it: its people in every role, their clients, a token."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from advisor.models import ApiToken, Client, User
from advisor.services import api_token_issue
from memory.ledger.chain import Cause
from memory.services import memory_record
from tests.factories import ClientFactory, FirmFactory, UserFactory


@dataclass
class World:
    firm: object
    advisor: User
    other_advisor: User
    analyst: User
    compliance: User
    admin: User
    other_firm_advisor: User
    client: Client
    other_client: Client
    foreign_client: Client


@pytest.fixture
def world(db) -> World:
    firm = FirmFactory()
    advisor = UserFactory(firm=firm, role=User.Role.ADVISOR, username="dana")
    other_advisor = UserFactory(firm=firm, role=User.Role.ADVISOR, username="sam")
    analyst = UserFactory(firm=firm, role=User.Role.ANALYST, username="priya")
    compliance = UserFactory(firm=firm, role=User.Role.COMPLIANCE, username="carol")
    admin = UserFactory(firm=firm, role=User.Role.ADMIN, username="ada")
    other_firm_advisor = UserFactory(firm=FirmFactory(), username="olga")
    return World(
        firm=firm,
        advisor=advisor,
        other_advisor=other_advisor,
        analyst=analyst,
        compliance=compliance,
        admin=admin,
        other_firm_advisor=other_firm_advisor,
        client=ClientFactory(advisor=advisor, name="Marcus Chen", external_id="CRM-1"),
        other_client=ClientFactory(advisor=other_advisor, external_id="CRM-2"),
        foreign_client=ClientFactory(advisor=other_firm_advisor, external_id="CRM-1"),
    )


def api_as(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def token_api(user: User, *, scope=ApiToken.Scope.READ_WRITE) -> APIClient:
    """Return a client that authenticates with a real token of ``user``."""
    _, key = api_token_issue(user=user, name="test", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def holding(subject, **fields):
    return memory_record(
        subject=subject,
        kind="holding",
        key=fields.pop("key", "holding:AAPL:ira"),
        text=fields.pop("text", "Holds 200 AAPL in the IRA"),
        payload=fields.pop(
            "payload", {"instrument": "AAPL", "quantity": 200, "account": "ira"}
        ),
        cause=Cause.user(1),
        **fields,
    )
