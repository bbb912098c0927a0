"""Fixtures of the readings tests: two instruments and a client subject."""

import pytest

from memory.services import subject_create
from tests.market.factories import InstrumentFactory


@pytest.fixture
def aapl():
    return InstrumentFactory(symbol="AAPL", name="Apple Inc.")


@pytest.fixture
def tsla():
    return InstrumentFactory(symbol="TSLA", name="Tesla, Inc.")


@pytest.fixture
def subject():
    return subject_create(tenant_id=1, kind="client")
