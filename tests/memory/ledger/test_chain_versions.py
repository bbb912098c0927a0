"""Chain versions: reasons erasure can remove, and chains begun before still verify.

Version 1 hashed an event's reason as text in its header, so erasure could not
remove a reason typed by a person; version 2 puts the reason inside the content
digest. A chain begun in version 1 and continued in version 2 verifies, and so
does its export.
"""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from memory.governance.erasure import subject_erase
from memory.governance.export import export_verify, subject_export
from memory.ledger.canonical import content_digest
from memory.ledger.chain import CHAIN_VERSION, GENESIS, Cause, HeaderHasher
from memory.ledger.verify import chain_verify
from memory.models import EventAction, MemoryEvent, MemoryStatus, Subject
from memory.services import (
    memory_record,
    memory_reject,
    memory_retract,
    memory_update,
    subject_create,
)

pytestmark = pytest.mark.django_db

ADVISOR = Cause.user(7)
TYPED = "Ottoline Vexworth told me she is moving to Reykjavik"


@pytest.fixture
def subject():
    return subject_create(tenant_id=1, kind="client")


def fact(subject, text, **extra):
    return memory_record(
        subject=subject,
        kind="fact",
        text=text,
        payload={"category": "life_event", "detail": text},
        cause=ADVISOR,
        **extra,
    )


def append_version_1(subject: Subject, memory, *, reason: str) -> MemoryEvent:
    """Write an event as the ledger wrote them before version 2 (reason in header)."""
    locked = Subject.objects.select_for_update().get(pk=subject.pk)
    sequence = locked.ledger_length + 1
    prev = locked.ledger_head or GENESIS
    after = {"text": memory.text}
    digest = content_digest(None, after)
    now = timezone.now()
    hasher = HeaderHasher(
        action=EventAction.UPDATE, cause=ADVISOR, occurred_at=now, version=1
    )
    event_hash = hasher.hash(
        prev=prev,
        subject_id=subject.pk,
        tenant_id=subject.tenant_id,
        sequence=sequence,
        memory_id=memory.pk,
        content=digest,
        reason=reason,
    )
    event = MemoryEvent.objects.create(
        subject=subject,
        tenant_id=subject.tenant_id,
        sequence=sequence,
        memory=memory,
        action=EventAction.UPDATE,
        after=after,
        content_digest=digest,
        cause_type=ADVISOR.type,
        cause_user_id=ADVISOR.user_id,
        reason=reason,
        occurred_at=now,
        prev_hash=prev,
        hash=event_hash,
        chain_version=1,
    )
    Subject.objects.filter(pk=subject.pk).update(
        ledger_length=sequence, ledger_head=event_hash
    )
    return event


def test_new_events_are_version_2_with_the_reason_inside_the_content_digest(
    subject,
):
    memory = fact(subject, "Second grandchild born in May")
    memory_retract(memory=memory, cause=ADVISOR, reason=TYPED)
    event = MemoryEvent.objects.get(memory=memory, action="retract")
    assert CHAIN_VERSION == 2 and event.chain_version == 2
    assert event.content_digest == content_digest(event.before, event.after, TYPED)
    assert chain_verify(subject).ok


@transaction.atomic
def test_a_chain_begun_in_version_1_verifies_and_continues_in_version_2(subject):
    memory = fact(subject, "Likes sailing")  # version 2
    old = append_version_1(subject, memory, reason="advisor corrected a typo")
    assert chain_verify(subject).ok
    subject.refresh_from_db()
    memory_update(memory=memory, cause=ADVISOR, text="Likes sailing and golf")
    versions = list(
        MemoryEvent.objects.filter(subject=subject)
        .order_by("sequence")
        .values_list("chain_version", flat=True)
    )
    assert versions == [2, 1, 2]
    assert chain_verify(subject).ok
    # A version 1 event's reason is in its hash: editing it is caught.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE memory_memoryevent SET reason = 'edited' WHERE id = %s", [old.pk]
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    report = chain_verify(subject)
    assert report.broken_event_id == old.pk
    assert report.problem == "hash does not match the event"


def test_erasure_removes_typed_reasons_and_the_chain_still_verifies(subject):
    kept = fact(subject, "Second grandchild born in May")
    memory_update(
        memory=kept, cause=ADVISOR, text="Grandchild born in May", reason=TYPED
    )
    retracted = fact(subject, "Moving to Reykjavik")
    memory_retract(memory=retracted, cause=ADVISOR, reason=TYPED)
    proposal = fact(subject, "Wants a boat", status=MemoryStatus.PROPOSED)
    memory_reject(memory=proposal, cause=ADVISOR, reason=f"no: {TYPED}")
    assert MemoryEvent.objects.filter(reason__contains="Vexworth").count() == 3

    erasure = subject_erase(
        subject=subject, requested_by_user_id=41, reason="right to be forgotten"
    )

    assert not MemoryEvent.objects.filter(reason__contains="Vexworth").exists()
    # Only the erase events keep a reason: the erasure's own, on its record too.
    reasons = set(
        MemoryEvent.objects.filter(subject=subject)
        .exclude(reason="")
        .values_list("action", "reason")
    )
    assert reasons == {("erase", "right to be forgotten")}
    assert erasure.reason == "right to be forgotten"
    report = chain_verify(subject)
    assert report.ok, report.problem


def test_erasure_keeps_a_version_1_reason_so_the_old_chain_still_verifies(subject):
    memory = fact(subject, "Likes sailing")
    with transaction.atomic():
        append_version_1(subject, memory, reason="old reason, hashed as text")
    subject.refresh_from_db()
    subject_erase(subject=subject, requested_by_user_id=41, reason="request")
    old = MemoryEvent.objects.get(subject=subject, chain_version=1)
    assert old.redacted_at is not None and old.after is None
    assert old.reason == "old reason, hashed as text"
    assert chain_verify(subject).ok


def test_the_database_lets_only_a_version_2_reason_be_cleared(subject):
    memory = fact(subject, "Likes sailing")
    memory_retract(memory=memory, cause=ADVISOR, reason=TYPED)
    with transaction.atomic():
        old = append_version_1(subject, memory, reason="hashed as text")
    new = MemoryEvent.objects.get(memory=memory, action="retract")
    refused = [
        # A version 1 reason is in the hash: clearing it would break the chain.
        ("reason = ''", old.pk),
        # A redaction may not touch any other column, a new one included.
        ("reason = '', chain_version = 1", new.pk),
        ("reason = 'rewritten'", new.pk),
    ]
    for change, pk in refused:
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE memory_memoryevent SET before = NULL, after = NULL, "
                    f"redacted_at = now(), {change} WHERE id = %s",
                    [pk],
                )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE memory_memoryevent SET before = NULL, after = NULL, "
            "redacted_at = now(), reason = '' WHERE id = %s",
            [new.pk],
        )
    assert chain_verify(subject).ok


def test_a_redacted_event_that_still_holds_a_reason_does_not_verify(subject):
    memory = fact(subject, "Likes sailing")
    memory_retract(memory=memory, cause=ADVISOR, reason=TYPED)
    event = MemoryEvent.objects.get(memory=memory, action="retract")
    # Marking an event redacted skips its digest check; a forged reason must
    # not hide behind that.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE memory_memoryevent SET before = NULL, after = NULL, "
            "redacted_at = now(), reason = 'forged' WHERE id = %s",
            [event.pk],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    report = chain_verify(subject)
    assert report.broken_event_id == event.pk
    assert report.problem == "redacted but still holds content"


def test_an_export_of_a_chain_of_both_versions_verifies(subject):
    memory = fact(subject, "Likes sailing")
    with transaction.atomic():
        append_version_1(subject, memory, reason="hashed as text")
    subject.refresh_from_db()
    memory_retract(memory=memory, cause=ADVISOR, reason=TYPED)
    export = subject_export(subject=subject)
    assert [row["chain_version"] for row in export["events"]] == [2, 1, 2]
    assert export_verify(export)
