"""What every topic's tests assert of the rules extractor's candidates."""

import json
from datetime import UTC, datetime

from memory.extraction.candidates import Candidate

SENT_AT = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)


def by_key(candidates: list[Candidate]) -> dict[str, Candidate]:
    keys = [c.key for c in candidates]
    assert len(keys) == len(set(keys)), f"a slot stated twice: {keys}"
    return {c.key: c for c in candidates}


def case_ids(cases: list[tuple]) -> list[str]:
    """Name each (role, message, ...) case after its message."""
    return [f"{i:02d}-{case[1][:40]}" for i, case in enumerate(cases)]


def assert_states_slot(extractor, role, message, key, action, fields) -> None:
    """Assert that ``message`` states ``key`` with ``action`` and these fields."""
    found = by_key(extractor.extract(message, role=role, occurred_at=SENT_AT))

    assert key in found, f"{key} not in {sorted(found)}"
    candidate = found[key]
    assert candidate.action is action
    assert candidate.kind == key.split(":")[0]
    for name, value in fields.items():
        assert candidate.payload.get(name) == value, (name, candidate.payload)
    assert candidate.evidence in message
    assert candidate.text and candidate.text[0].isupper()
    json.dumps(candidate.payload)  # JSON-serialisable, dates as strings
