"""Shared fixtures: real PostgreSQL + pgvector, factories, no network."""

import ipaddress
import socket

import pytest

from advisor.config.celery_app import app as celery_app

pytest_plugins = ["tests.factories", "tests.fakes.conftest_plugin"]


@pytest.fixture(autouse=True, scope="session")
def _celery_runs_tasks_inline():
    """Run queued tasks inline, so a test sees what a worker would have done.

    ``tests/advisor/test_worker.py`` starts a real worker process instead.
    """
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords cheaply; production keeps Django's slow default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- No test reaches the network -----------------------------------------------------


class NetworkAccessBlocked(OSError):
    """A test tried to reach an address that is not on this machine."""


LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
# Every attempt since the current test started; the guard fails the test even
# when the code under test caught the error (as a provider's retry loop does).
blocked_attempts: list[str] = []


def _is_local_host(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").split("%", 1)[0].lower()
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost: resolving it is network already


def _refuse(what: str):
    blocked_attempts.append(what)
    raise NetworkAccessBlocked(f"tests may not reach the network: {what}")


def _check_address(sock, address) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    if isinstance(address, tuple) and address and _is_local_host(address[0]):
        return
    _refuse(f"connect to {address!r}")


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self, address):
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_address(self, address)
    return _real_connect_ex(self, address)


def _guarded_sendto(self, data, *args):
    address = args[-1]
    _check_address(self, address)
    return _real_sendto(self, data, *args)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local_host(host):
        _refuse(f"resolve {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _network_guard_installed():
    """Allow only loopback and Unix sockets for the whole run (this process)."""
    patches = {
        (socket.socket, "connect"): _guarded_connect,
        (socket.socket, "connect_ex"): _guarded_connect_ex,
        (socket.socket, "sendto"): _guarded_sendto,
        (socket, "getaddrinfo"): _guarded_getaddrinfo,
    }
    originals = {target: getattr(*target) for target in patches}
    for (owner, name), guarded in patches.items():
        setattr(owner, name, guarded)
    yield
    for (owner, name), original in originals.items():
        setattr(owner, name, original)


@pytest.fixture(autouse=True)
def _no_network(_network_guard_installed):
    """Fail a test that tried to reach anything but loopback or a Unix socket."""
    blocked_attempts.clear()
    yield
    if blocked_attempts:
        attempts = "; ".join(blocked_attempts)
        blocked_attempts.clear()
        pytest.fail(f"the test tried to reach the network: {attempts}", pytrace=False)
