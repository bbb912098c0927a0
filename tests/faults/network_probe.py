"""Run by ``test_network_guard.py`` on its own: a test that quietly tries the network.

Not collected by the suite (its name is not ``test_*.py``); the guard must fail
it even though it catches the error, as a provider's retry loop would.
"""

import socket


def test_swallows_a_connection_to_the_outside():
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1
    except OSError:
        pass
