"""Fixtures of the assistant tests: a client of the advisor, a chat, a market."""

import pytest

from tests.factories import ClientFactory

from .helpers import start_chat


@pytest.fixture
def marcus(advisor_user):
    return ClientFactory(advisor=advisor_user, name="Marcus Chen")


@pytest.fixture
def chat(marcus):
    return start_chat(marcus.subject)
