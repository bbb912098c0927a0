"""The one module that makes outgoing HTTP requests: webhook deliveries.

Each delivery is signed the Standard Webhooks way (``webhook-id``,
``webhook-timestamp``, ``webhook-signature``: HMAC-SHA256 over
``id.timestamp.body``), by the ``standardwebhooks`` package, so a receiver
verifies it with any off-the-shelf library (svix, standardwebhooks).
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from standardwebhooks.webhooks import Webhook

USER_AGENT = "AdvisorTwin-Webhooks/1"


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str
    duration_ms: int
    excerpt: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(*, secret: str, message_id: str, body: str, at: datetime) -> dict:
    """Return the Standard Webhooks headers of a message sent at ``at``."""
    signature = Webhook(secret).sign(message_id, at, body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def url_refusal(url: str) -> str:
    """Say why a receiver URL may not be called ("" when it may)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "the URL must be http or https"
    if not parts.hostname:
        return "the URL names no host"
    if settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        return ""
    if parts.scheme != "https":
        return "the URL must be https"
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except OSError as error:
        return f"the host does not resolve ({error})"
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            return f"the host resolves to a non-public address ({ip})"
    return ""


def send(*, url: str, secret: str, message_id: str, body: str) -> SendResult:
    """POST one signed message to a receiver; never raise for the receiver's sake."""
    started = time.monotonic()
    refusal = url_refusal(url)
    if refusal:
        return SendResult(None, f"Not sent: {refusal}.", 0, "")
    headers = signed_headers(
        secret=secret, message_id=message_id, body=body, at=datetime.now(UTC)
    )
    try:
        response = httpx.post(
            url,
            content=body.encode(),
            headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        elapsed = int((time.monotonic() - started) * 1000)
        return SendResult(None, f"{type(error).__name__}: {error}"[:1000], elapsed, "")
    elapsed = int((time.monotonic() - started) * 1000)
    error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return SendResult(response.status_code, error, elapsed, response.text[:500])
