"""Verification: walk a chain and name the first event that does not verify."""

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
    if event.redacted_at is None and event.content_digest != content_digest(
        event.before, event.after
    ):
        return "content does not match its digest"
    if event.hash != event_hash(event):
        return "hash does not match the event"
    return ""


def tail_problem(*, events_seen: int, prev: str, length: int, head: str) -> str:
    """Return what is wrong with the chain's end against the subject's record."""
    if (length, head or GENESIS) == (events_seen, prev):
        return ""
    # Events were removed from the end, or the tail was rewritten.
    return (
        f"the chain ends at event {events_seen} but the subject records {length} events"
    )
