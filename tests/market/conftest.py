"""Fixtures of the market tests: instruments, and a guard against the network."""

import socket

import pytest

from tests.market.factories import InstrumentFactory


@pytest.fixture
def no_network(monkeypatch):
    """Fail any TCP connection (the database's Unix socket stays allowed)."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"A test tried to reach the network: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", _refuse)


def _refuse(address, *args, **kwargs):
    raise AssertionError(f"A test tried to reach the network: {address!r}")


@pytest.fixture
def aapl(db):
    return InstrumentFactory(symbol="AAPL", name="Apple Inc.", aliases=["Apple"])


@pytest.fixture
def msft(db):
    return InstrumentFactory(symbol="MSFT", name="Microsoft Corporation")
