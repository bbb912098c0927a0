"""The autouse guard: loopback and Unix sockets only, anything else fails the test."""

import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests import conftest

BASE_DIR = Path(__file__).resolve().parents[2]


def test_a_connection_off_this_machine_is_refused_before_it_leaves():
    with pytest.raises(conftest.NetworkAccessBlocked):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    with pytest.raises(conftest.NetworkAccessBlocked):
        socket.getaddrinfo("example.com", 443)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with udp, pytest.raises(conftest.NetworkAccessBlocked):
        udp.sendto(b"x", ("198.51.100.7", 53))
    assert len(conftest.blocked_attempts) == 3
    # Recorded attempts fail the test at teardown; this one expected them.
    conftest.blocked_attempts.clear()


def test_loopback_and_unix_sockets_are_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
        with socket.create_connection(("localhost", server.getsockname()[1]), 2):
            pass
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "s")
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path)
            server.listen()
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(path)
    assert conftest.blocked_attempts == []


def test_a_test_that_swallows_the_error_still_fails():
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--no-migrations",
            str(Path(__file__).with_name("network_probe.py")),
        ],
        cwd=BASE_DIR,
        env={**os.environ, "PYTEST_ADDOPTS": ""},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "the test tried to reach the network" in run.stdout
    assert "192.0.2.1" in run.stdout
