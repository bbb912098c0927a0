"""Pytest fixtures for the fakes; load with ``pytest_plugins``."""

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAIServer


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """Run a fake OpenAI-compatible server on 127.0.0.1 for one test."""
    with FakeOpenAIServer() as server:
        yield server
