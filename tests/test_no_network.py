"""Tests reach nothing but loopback: pytest-socket guards every connect."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


def test_only_loopback_is_allowed(request: pytest.FixtureRequest) -> None:
    allowed = set(request.config.getoption("allow_hosts").split(","))
    assert allowed <= {"127.0.0.1", "::1", "localhost"}


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_connect_to_another_host_is_blocked_before_any_packet() -> None:
    # A name in the reserved .invalid domain: even if the guard failed, nothing would resolve.
    with pytest.raises(SocketConnectBlockedError), socket.socket() as sock:
        sock.connect(("sentry.invalid", 443))
