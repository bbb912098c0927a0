"""Verification: walk a chain and name the first event that does not verify.

Every chain version verifies (``memory.ledger.chain``): an event is read the way
it was written, so chains begun before version 2 verify as they always did.
"""

from dataclasses import dataclass

from memory.models import MemoryEvent, Subject

from .canonical import content_digest
from .chain import GENESIS, event_hash


@dataclass
class ChainReport:
    subject_id: int
    events_checked: int
    broken_event_id: int | None = None
    broken_sequence: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def chain_verify(subject: Subject, *, batch_size: int = 2000) -> ChainReport:
    """Walk a subject's chain and return the first event that does not verify."""
    report = ChainReport(subject_id=subject.pk, events_checked=0)
    prev = GENESIS
    expected_sequence = 0
    events = MemoryEvent.objects.filter(subject_id=subject.pk).order_by("sequence")
    for event in events.iterator(chunk_size=batch_size):
        expected_sequence += 1
        problem = event_problem(event, expected_sequence=expected_sequence, prev=prev)
        if problem:
            report.broken_event_id = event.pk
            report.broken_sequence = event.sequence
            report.problem = problem
            return report
        report.events_checked += 1
        prev = event.hash
    length, head = Subject.objects.values_list("ledger_length", "ledger_head").get(
        pk=subject.pk
    )
    problem = tail_problem(
        events_seen=expected_sequence, prev=prev, length=length, head=head
    )
    if problem:
        report.problem = problem
        report.broken_sequence = expected_sequence + 1
    return report


def event_problem(event: MemoryEvent, *, expected_sequence: int, prev: str) -> str:
    """Return what is wrong with an event at its place in the chain, or ""."""
    if event.sequence != expected_sequence:
        return f"sequence {event.sequence} where {expected_sequence} was due"
    if event.prev_hash != prev:
        return "does not link to the event before it"
    if event.redacted_at is None:
        if event.content_digest != event_content_digest(event):
            return "content does not match its digest"
    elif redacted_content(event):
        # Redaction skips the digest check: it must have left nothing to check.
        return "redacted but still holds content"
    if event.hash != event_hash(event):
        return "hash does not match the event"
    return ""


def event_content_digest(event: MemoryEvent) -> str:
    """Return the digest an event's content gives, as its chain version reads it."""
    if event.chain_version == 1:
        return content_digest(event.before, event.after)
    return content_digest(event.before, event.after, event.reason)


def redacted_content(event: MemoryEvent) -> bool:
    """Say whether a redacted event still holds what its digest would cover."""
    if event.before is not None or event.after is not None:
        return True
    return event.chain_version >= 2 and event.reason != ""


def tail_problem(*, events_seen: int, prev: str, length: int, head: str) -> str:
    """Return what is wrong with the chain's end against the subject's record."""
    if (length, head or GENESIS) == (events_seen, prev):
        return ""
    # Events were removed from the end, or the tail was rewritten.
    return (
        f"the chain ends at event {events_seen} but the subject records {length} events"
    )
