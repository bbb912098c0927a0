"""Verify every subject's ledger chain, firm by firm, in one streaming pass."""

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from memory import tenancy
from memory.ledger.chain import GENESIS
from memory.ledger.verify import event_problem, tail_problem
from memory.models import MemoryEvent, Subject


@dataclass
class Broken:
    subject_id: int
    event_id: int | None
    sequence: int | None
    problem: str

    def __str__(self):
        event = f"event {self.event_id}" if self.event_id else "end of chain"
        return (
            f"{event} of subject {self.subject_id} at sequence {self.sequence}: "
            f"{self.problem}"
        )


@dataclass
class TenantCounts:
    subjects: int = 0
    events: int = 0
    broken: list[Broken] = field(default_factory=list)


class Command(BaseCommand):
    help = (
        "Walk the hash chain of every subject's memory ledger (of one firm with "
        "--firm) and fail naming the first event that does not verify."
    )

    def add_arguments(self, parser):
        parser.add_argument("--firm", help="Verify only this firm's subjects (slug).")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=5000,
            help="Events fetched per round trip (default 5000).",
        )

    def handle(self, *args, firm=None, chunk_size=5000, **options):
        subjects = Subject.objects.all()
        events = MemoryEvent.objects.all()
        if firm:
            tenant_id = tenancy.tenant_of_key(firm)
            if tenant_id is None:
                raise CommandError(f"No firm with the slug {firm!r}.")
            subjects = subjects.filter(tenant_id=tenant_id)
            # By the subject's tenant, not the event's own (hashed) column: an
            # event whose tenant was rewritten still shows up, as a broken link.
            events = events.filter(subject__tenant_id=tenant_id)
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:
                # One snapshot for both streams: appends made during the walk
                # must not look like a chain ending short of its subject's record.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                    )
            counts = self._walk(subjects, events, chunk_size)
        keys = tenancy.tenant_keys(counts)
        broken = []
        for tenant_id in sorted(counts):
            tally = counts[tenant_id]
            name = keys.get(tenant_id, "(no firm)")
            self.stdout.write(
                f"{name} (tenant {tenant_id}): {tally.subjects} subjects, "
                f"{tally.events} events checked, {len(tally.broken)} broken"
            )
            broken.extend(tally.broken)
        total_subjects = sum(t.subjects for t in counts.values())
        total_events = sum(t.events for t in counts.values())
        if broken:
            for report in broken:
                self.stderr.write(f"BROKEN: {report}")
            raise CommandError(f"Ledger does not verify: {broken[0]}")
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {total_subjects} subjects, {total_events} events verified."
            )
        )

    def _walk(self, subjects, events, chunk_size) -> dict[int, TenantCounts]:
        """Merge the subjects (by id) with their events (by subject, sequence)."""
        counts: dict[int, TenantCounts] = {}
        event_rows = iter(
            events.order_by("subject_id", "sequence").iterator(chunk_size=chunk_size)
        )
        pending = next(event_rows, None)
        subject_rows = (
            subjects.order_by("pk")
            .values_list("pk", "tenant_id", "ledger_length", "ledger_head")
            .iterator(chunk_size=chunk_size)
        )
        for subject_id, tenant_id, length, head in subject_rows:
            tally = counts.setdefault(tenant_id, TenantCounts())
            tally.subjects += 1
            prev, seen, failure = GENESIS, 0, None
            # Events of subjects outside this walk cannot occur: both sides
            # share the filter and the order.
            while pending is not None and pending.subject_id == subject_id:
                if failure is None:
                    seen += 1
                    problem = event_problem(pending, expected_sequence=seen, prev=prev)
                    if problem:
                        failure = Broken(
                            subject_id, pending.pk, pending.sequence, problem
                        )
                    else:
                        tally.events += 1
                        prev = pending.hash
                pending = next(event_rows, None)
            if failure is None:
                problem = tail_problem(
                    events_seen=seen, prev=prev, length=length, head=head
                )
                if problem:
                    failure = Broken(subject_id, None, seen + 1, problem)
            if failure is not None:
                tally.broken.append(failure)
        return counts
