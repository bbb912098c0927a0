"""The canonical form: the one serialisation the hash chain reads.

Sorted keys, no spaces, UTF-8 kept; datetimes as UTC ISO text with microseconds,
decimals as their text. An event's content (its states before and after, and
since chain version 2 its reason) enters its hash only as ``content_digest``,
the SHA-256 of their canonical text: erasure can remove the content and keep the
digest, and the chain still verifies.

A leaf: standard library only (the models store states in this form).
"""

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from json.encoder import c_make_encoder, encode_basestring

_CANONICAL = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}


def _not_serialisable(value):
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


@functools.cache
def _canonical_encoder(default) -> Callable[[object], str]:
    """Return what ``json.dumps(value, default=default, **_CANONICAL)`` does, made once.

    ``json.dumps`` builds its C encoder afresh on every call, which costs a third
    of encoding a small object: a refresh writes canonical text a hundred
    thousand times. No check for circular references (JSON values are trees).
    """
    if c_make_encoder is None:  # an interpreter without the C accelerator
        return json.JSONEncoder(default=default, **_CANONICAL).encode
    encode = c_make_encoder(
        None, default or _not_serialisable, encode_basestring, None, ":", ",",
        True, False, True,
    )  # fmt: skip
    return lambda value: "".join(encode(value, 0))


def canonical_text(value, default=None) -> str:
    """Return JSON values as canonical text: sorted keys, no spaces, UTF-8 kept.

    ``default`` serialises what JSON has no type for (see ``canonical``).
    """
    return _canonical_encoder(default)(value)


def _default(value):
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not serialisable in the ledger: {type(value).__name__}")


def canonical(value) -> bytes:
    """Serialise ``value`` the one way the hash chain reads it."""
    return canonical_text(value, default=_default).encode()


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def content_digest(
    before: dict | None, after: dict | None, reason: str | None = None
) -> str:
    """Return the digest of an event's content: SHA-256 of its canonical JSON.

    Version 1 events digest their states (``{"after", "before"}``); version 2
    events their reason too (``{"after", "before", "reason"}``): pass ``reason``.
    """
    return content_digest_of_texts(
        None if before is None else canonical_text(before, default=_default),
        None if after is None else canonical_text(after, default=_default),
        None if reason is None else reason_text(reason),
    )


def reason_text(reason: str) -> str:
    """Return a reason as the canonical JSON string the content digest holds."""
    return json.dumps(reason, ensure_ascii=False)


def content_digest_of_texts(
    before: str | None, after: str | None, reason: str | None = None
) -> str:
    """Return ``content_digest`` of content already in canonical text: that of
    ``{"after": ..., "before": ...}`` (and ``"reason"``, given as ``reason_text``
    for a version 2 event), keys sorted, written around them."""
    if reason is None:
        text = f'{{"after":{after or "null"},"before":{before or "null"}}}'
    else:
        text = f'{{"after":{after or "null"},"before":{before or "null"}'
        text += f',"reason":{reason}}}'
    return hashlib.sha256(text.encode()).hexdigest()
