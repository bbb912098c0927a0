"""Governance: erasure, legal holds, retention, export, the ledger verifier."""

import copy
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from memory.errors import (
    InvalidMemory,
    InvalidTransition,
    LegalHoldActive,
    SubjectErased,
)
from memory.governance.access import subject_access_record
from memory.governance.erasure import subject_erase
from memory.governance.export import export_verify, subject_export
from memory.governance.holds import (
    legal_hold_place,
    legal_hold_release,
    subject_on_hold,
)
from memory.governance.retention import memory_expiry_sweep
from memory.governance.revert import memory_revert_to
from memory.ledger.canonical import canonical, content_digest
from memory.ledger.chain import Cause
from memory.ledger.verify import chain_verify
from memory.models import (
    Conversation,
    EventAction,
    MarketReference,
    Memory,
    MemoryEvent,
    MemoryStatus,
    Message,
    SubjectAccess,
)
from memory.selectors import memory_history
from memory.services import (
    memory_record,
    memory_supersede,
    memory_update,
    subject_create,
    subject_summary_consolidate,
)
from tests.factories import FirmFactory

pytestmark = pytest.mark.django_db

OFFICER = 41
ADVISOR = Cause.user(7)
SECRETS = ("zanzibar", "quixote", "crm-77331")


@pytest.fixture
def firm():
    return FirmFactory(slug="north")


@pytest.fixture
def subject(firm):
    return subject_create(tenant_id=firm.pk, kind="client")


def fact(subject, text, **extra):
    return memory_record(
        subject=subject,
        kind="fact",
        text=text,
        payload={"category": "life_event", "detail": text},
        cause=ADVISOR,
        **extra,
    )


def rich_history(subject):
    """Give a subject content everywhere: memories, versions, messages, summary."""
    conversation = Conversation.objects.create(
        subject=subject, title="Zanzibar planning", external_id="crm-77331-conv"
    )
    first = Message.objects.create(
        conversation=conversation,
        subject=subject,
        role="user",
        speaker="client",
        text="We are moving to Zanzibar next spring.",
        external_id="crm-77331-1",
    )
    Message.objects.create(
        conversation=conversation,
        subject=subject,
        parent=first,
        role="assistant",
        speaker="assistant",
        text="Noted: a move to Zanzibar.",
        citations=[{"memory_id": 1, "text": "Zanzibar"}],
    )
    move = memory_record(
        subject=subject,
        kind="fact",
        key="fact:move",
        text="Moving to Zanzibar next spring",
        payload={"category": "life_event", "detail": "Zanzibar"},
        cause=Cause.message(first.pk),
        source="message",
        source_messages=[first],
    )
    memory_update(memory=move, cause=ADVISOR, text="Moving to Zanzibar in April")
    memory_supersede(
        memory=move,
        cause=ADVISOR,
        text="Moved to Zanzibar; reads Don Quixote",
        payload={"category": "life_event", "detail": "Zanzibar, Quixote"},
    )
    holding = memory_record(
        subject=subject,
        kind="holding",
        text="Holds 10 AAPL for the Zanzibar house",
        payload={"instrument": "AAPL", "quantity": 10, "account": "zanzibar"},
        cause=ADVISOR,
    )
    Memory.objects.filter(pk=holding.pk).update(
        embedding=[0.1] * settings.MEMORY_EMBEDDING_DIMENSIONS
    )
    # What a market reading says of the person goes too.
    MarketReference.objects.filter(memory=holding).update(
        reading={"note": "Zanzibar fund value"}
    )
    subject_summary_consolidate(subject=subject)
    return conversation


def leaks(secret: str) -> list[str]:
    """Return every memory-table column, of any text or JSON type, holding it."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name LIKE 'memory\\_%%'
              AND (data_type IN ('text', 'character varying', 'json', 'jsonb',
                                 'tsvector')
                   OR udt_name = 'vector')
            """
        )
        columns = cursor.fetchall()
        assert ("memory_memory", "search_vector") in columns
        for table, column in columns:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',
                [f"%{secret}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def test_erasure_leaves_no_content_anywhere_and_the_chain_still_verifies(subject):
    rich_history(subject)
    assert "memory_memory.search_vector" in leaks("zanzibar")
    assert "memory_marketreference.reading" in leaks("zanzibar")
    assert "memory_memoryevent.after" in leaks("quixote")
    assert "memory_message.external_id" in leaks("crm-77331")
    assert "memory_subject.summary" in leaks("zanzibar")
    events_before = subject.events.count()

    erasure = subject_erase(
        subject=subject, requested_by_user_id=OFFICER, reason="GDPR article 17"
    )

    for secret in SECRETS:
        assert leaks(secret) == [], f"{secret} survived erasure"
    assert not Memory.objects.filter(embedding__isnull=False).exists()
    assert set(Memory.objects.values_list("status", flat=True)) == {"erased"}
    report = chain_verify(subject)
    assert report.ok, report.problem
    erase_events = MemoryEvent.objects.filter(subject=subject, action="erase")
    assert erase_events.count() == Memory.objects.filter(subject=subject).count() == 3
    for event in erase_events:
        assert event.cause_type == "user" and event.cause_user_id == OFFICER
        assert event.reason == "GDPR article 17"
        assert event.before is None and event.after is None
        assert event.content_digest == content_digest(None, None, event.reason)
    assert not MemoryEvent.objects.filter(
        subject=subject, redacted_at__isnull=True
    ).exclude(action="erase")
    subject.refresh_from_db()
    assert subject.erased_at is not None and subject.summary == ""
    assert subject.ledger_length == events_before + 3
    assert (erasure.memories_erased, erasure.messages_erased) == (3, 2)
    assert erasure.events_redacted == events_before
    assert erasure.requested_by_user_id == OFFICER


def test_an_erased_subject_takes_no_new_memory_and_cannot_be_erased_twice(subject):
    fact(subject, "Second grandchild born in May")
    subject_erase(subject=subject, requested_by_user_id=OFFICER, reason="request")
    with pytest.raises(SubjectErased):
        fact(subject, "Third grandchild")
    with pytest.raises(SubjectErased):
        subject_erase(subject=subject, requested_by_user_id=OFFICER, reason="again")
    assert Memory.objects.count() == 1


def test_erasure_needs_a_reason(subject):
    fact(subject, "Second grandchild born in May")
    with pytest.raises(InvalidMemory, match="reason"):
        subject_erase(subject=subject, requested_by_user_id=OFFICER, reason=" ")
    assert Memory.objects.get().text == "Second grandchild born in May"


def place_hold(subject):
    return legal_hold_place(
        subject=subject,
        matter="SEC inquiry 2026-14",
        scope="all communications",
        approver_user_id=42,
        reason="litigation hold",
        placed_by_user_id=OFFICER,
    )


def test_legal_hold_blocks_erasure_until_released_with_a_reason(subject):
    memory = fact(subject, "Second grandchild born in May")
    hold = place_hold(subject)
    assert subject_on_hold(subject)
    with pytest.raises(LegalHoldActive) as refused:
        subject_erase(subject=subject, requested_by_user_id=OFFICER, reason="request")
    assert refused.value.extra["holds"][0]["matter"] == "SEC inquiry 2026-14"
    memory.refresh_from_db()
    assert memory.text == "Second grandchild born in May"
    assert not subject.erasures.exists()

    with pytest.raises(InvalidMemory, match="release_reason"):
        legal_hold_release(hold=hold, released_by_user_id=OFFICER, release_reason="")
    assert subject_on_hold(subject)
    released = legal_hold_release(
        hold=hold, released_by_user_id=OFFICER, release_reason="matter closed"
    )
    assert released.released_at is not None and released.released_by_user_id == 41
    with pytest.raises(InvalidTransition):
        legal_hold_release(hold=hold, released_by_user_id=OFFICER, release_reason="x")
    assert not subject_on_hold(subject)
    subject_erase(subject=subject, requested_by_user_id=OFFICER, reason="request")
    memory.refresh_from_db()
    assert memory.status == "erased" and memory.text == "[erased]"


def test_expiry_sweep_erases_expired_memories_except_under_legal_hold(firm, subject):
    now = timezone.now()
    expired = fact(subject, "Old Zanzibar note", expires_at=now - timedelta(days=1))
    memory_update(memory=expired, cause=ADVISOR, text="Old Zanzibar note, revised")
    current = fact(subject, "Lives in Lisbon", expires_at=now + timedelta(days=30))
    held_subject = subject_create(tenant_id=firm.pk, kind="client")
    held = fact(held_subject, "Held Zanzibar memo", expires_at=now - timedelta(days=1))
    hold = place_hold(held_subject)

    assert memory_expiry_sweep(now=now) == 1
    assert memory_expiry_sweep(now=now) == 0  # nothing left to expire

    expired.refresh_from_db()
    current.refresh_from_db()
    held.refresh_from_db()
    assert expired.status == "erased" and expired.text == "[erased]"
    assert expired.payload == {}
    assert [e.action for e in memory_history(memory=expired)] == [
        "create",
        "update",
        "erase",
    ]
    erase = memory_history(memory=expired).last()
    assert erase.cause_type == "task" and erase.cause_ref == "memory_expiry_sweep"
    assert not memory_history(memory=expired).filter(after__isnull=False).exists()
    assert current.text == "Lives in Lisbon"
    assert memory_history(memory=current).get().after["text"] == "Lives in Lisbon"
    assert held.text == "Held Zanzibar memo"
    assert chain_verify(subject).ok

    legal_hold_release(hold=hold, released_by_user_id=OFFICER, release_reason="done")
    assert memory_expiry_sweep(now=now) == 1
    held.refresh_from_db()
    assert held.status == "erased"
    assert chain_verify(held_subject).ok


def test_expiry_task_runs_the_sweep(subject):
    from memory.tasks import memory_expiry_sweep_task

    fact(subject, "Stale note", expires_at=timezone.now() - timedelta(minutes=1))
    assert memory_expiry_sweep_task.delay().get() == 1
    assert Memory.objects.get().status == "erased"


def test_export_manifest_verifies_and_detects_any_modification(subject):
    rich_history(subject)
    export = subject_export(subject=subject)
    manifest = export["manifest"]
    assert manifest["subject_id"] == subject.pk
    assert manifest["events"] == subject.events.count() == len(export["events"])
    subject.refresh_from_db()
    assert manifest["chain_head"] == subject.ledger_head
    assert set(manifest["sha256"]) >= {"memories", "events"}
    assert len(export["memories"]) == 3 and len(export["messages"]) == 2
    assert export_verify(export)
    assert export_verify(json.loads(json.dumps(export)))

    edited = copy.deepcopy(export)
    edited["memories"][0]["text"] = "Holds 1000 AAPL"
    assert not export_verify(edited)

    forged = copy.deepcopy(export)
    forged["events"][1]["after"]["text"] = "Moving to Paris"
    forged["manifest"]["sha256"]["events"] = _sha(forged["events"])
    assert not export_verify(forged)

    forged_memory = copy.deepcopy(export)
    forged_memory["memories"][0]["text"] = "Holds 1000 AAPL"
    forged_memory["manifest"]["sha256"]["memories"] = _sha(forged_memory["memories"])
    assert not export_verify(forged_memory)

    dropped = copy.deepcopy(export)
    dropped["events"].pop()
    dropped["manifest"]["sha256"]["events"] = _sha(dropped["events"])
    dropped["manifest"]["events"] -= 1
    assert not export_verify(dropped)


def _sha(part) -> str:
    import hashlib

    return hashlib.sha256(canonical(part)).hexdigest()


def test_export_of_an_erased_subject_verifies_and_holds_no_content(subject):
    rich_history(subject)
    subject_erase(subject=subject, requested_by_user_id=OFFICER, reason="request")
    export = subject_export(subject=subject)
    assert export_verify(export)
    text = json.dumps(export).lower()
    for secret in SECRETS:
        assert secret not in text


def tamper(event_id: int, sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, [event_id])
        cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def two_firm_ledgers(firm, subject):
    south = FirmFactory(slug="south")
    other = subject_create(tenant_id=firm.pk, kind="client")
    southern = subject_create(tenant_id=south.pk, kind="client")
    subject_create(tenant_id=south.pk, kind="analyst")  # a subject with no events
    memory = fact(subject, "Likes sailing")
    memory_update(memory=memory, cause=ADVISOR, text="Likes sailing and golf")
    fact(other, "Has two children")
    southern_memory = fact(southern, "Prefers dividend payers")
    memory_update(memory=southern_memory, cause=ADVISOR, importance=0.9)
    return {"north": firm, "south": south, "southern": southern}


def test_verify_ledger_passes_on_a_clean_ledger_and_names_its_counts(
    two_firm_ledgers,
):
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    text = out.getvalue()
    north, south = two_firm_ledgers["north"], two_firm_ledgers["south"]
    assert f"north (tenant {north.pk}): 2 subjects, 3 events checked" in text
    assert f"south (tenant {south.pk}): 2 subjects, 2 events checked" in text
    assert "OK: 4 subjects, 5 events verified." in text


def test_verify_ledger_fails_naming_the_tampered_event(two_firm_ledgers):
    southern = two_firm_ledgers["southern"]
    second = MemoryEvent.objects.get(subject=southern, sequence=2)
    tamper(second.pk, "UPDATE memory_memoryevent SET reason = 'edited' WHERE id = %s")
    with pytest.raises(CommandError) as failed:
        call_command("verify_ledger", stdout=StringIO(), stderr=StringIO())
    message = str(failed.value)
    assert f"event {second.pk} of subject {southern.pk} at sequence 2" in message
    # Since chain version 2 the reason is part of the content digest.
    assert "content does not match its digest" in message


def test_verify_ledger_fails_on_a_chain_cut_short(two_firm_ledgers):
    southern = two_firm_ledgers["southern"]
    last = MemoryEvent.objects.get(subject=southern, sequence=2)
    tamper(last.pk, "DELETE FROM memory_memoryevent WHERE id = %s")
    with pytest.raises(CommandError, match=f"subject {southern.pk} at sequence 2"):
        call_command("verify_ledger", stdout=StringIO(), stderr=StringIO())


def test_verify_ledger_with_firm_walks_only_that_firm(two_firm_ledgers):
    southern = two_firm_ledgers["southern"]
    tamper(
        MemoryEvent.objects.get(subject=southern, sequence=1).pk,
        "UPDATE memory_memoryevent SET prev_hash = repeat('a', 64) WHERE id = %s",
    )
    out = StringIO()
    call_command("verify_ledger", "--firm", "north", stdout=out)
    assert "2 subjects, 3 events checked" in out.getvalue()
    assert "south" not in out.getvalue()
    with pytest.raises(CommandError, match="does not link"):
        call_command("verify_ledger", "--firm", "south", stdout=StringIO())
    with pytest.raises(CommandError, match="No firm"):
        call_command("verify_ledger", "--firm", "nowhere", stdout=StringIO())


def test_verify_ledger_passes_after_an_erasure(two_firm_ledgers, subject):
    subject_erase(subject=subject, requested_by_user_id=OFFICER, reason="request")
    out = StringIO()
    call_command("verify_ledger", "--firm", "north", stdout=out)
    assert "2 subjects, 4 events checked, 0 broken" in out.getvalue()


def test_revert_to_a_past_version_appends_a_revert_event(subject):
    memory = fact(subject, "Has one grandchild")
    first = memory_history(memory=memory).first()
    memory_update(memory=memory, cause=ADVISOR, text="Has two grandchildren")
    memory_revert_to(memory=memory, event=first, cause=Cause.user(OFFICER), reason="x")
    memory.refresh_from_db()
    assert memory.text == "Has one grandchild" and memory.version == 3
    last = memory_history(memory=memory).last()
    assert last.action == EventAction.REVERT and last.cause_user_id == OFFICER
    other = fact(subject, "Lives in Lisbon")
    with pytest.raises(InvalidTransition):
        memory_revert_to(memory=other, event=first, cause=ADVISOR, reason="x")
    assert chain_verify(subject).ok


def test_subject_access_is_recorded_with_the_subjects_tenant(firm, subject):
    access = subject_access_record(subject=subject, user_id=OFFICER, surface="api")
    assert SubjectAccess.objects.get() == access
    assert (access.tenant_id, access.user_id, access.surface) == (firm.pk, 41, "api")


def test_a_redacted_version_cannot_be_reverted_to(subject):
    memory = fact(subject, "Old note", expires_at=timezone.now())
    memory_expiry_sweep()
    first = memory_history(memory=memory).first()
    with pytest.raises(InvalidTransition, match="erased"):
        memory_revert_to(memory=memory, event=first, cause=ADVISOR, reason="x")
    assert Memory.objects.get().status == MemoryStatus.ERASED


@pytest.mark.django_db
def test_erasure_after_extraction_leaves_no_client_words_in_the_ledger():
    """Extraction must not copy what was said into hashed, unerasable columns."""
    from django.db import connection

    from memory.conversations.messages import conversation_start, message_append
    from memory.extraction.pipeline import message_extract
    from memory.governance.erasure import subject_erase
    from memory.ledger.verify import chain_verify
    from memory.services import subject_create

    subject = subject_create(tenant_id=1, kind="client")
    conversation = conversation_start(subject=subject)
    said = [
        "I own 100 shares of Tesla in my Roth IRA at Zephyrbank.",
        "I sold all my Tesla at Zephyrbank last week.",
    ]
    for text in said:
        message = message_append(
            conversation=conversation,
            role="user",
            speaker="client",
            text=text,
            extract=False,
        )
        message_extract(message=message)
    subject_erase(subject=subject, requested_by_user_id=1, reason="GDPR request 17")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM memory_memoryevent WHERE subject_id = %s AND "
            "(reason ILIKE %s OR cause_ref ILIKE %s OR coalesce(before::text, '') "
            "ILIKE %s OR coalesce(after::text, '') ILIKE %s)",
            [subject.pk] + ["%zephyrbank%"] * 4,
        )
        assert cursor.fetchone()[0] == 0
    assert chain_verify(subject).ok


@pytest.mark.django_db
def test_erasure_removes_market_references_and_alerts():
    from datetime import timedelta

    from django.utils import timezone

    from memory.governance.erasure import subject_erase
    from memory.models import MarketAlert, MarketReference
    from memory.services import subject_create
    from tests.market.factories import InstrumentFactory
    from tests.memory.readings.helpers import refresh, store_quote

    InstrumentFactory(symbol="AAPL", name="Apple Inc.")
    subject = subject_create(tenant_id=1, kind="client")
    stated = timezone.now() - timedelta(days=1)
    store_quote("AAPL", "100", stated - timedelta(minutes=1))
    from memory.ledger.chain import Cause
    from memory.readings.references import references_sync
    from memory.services import memory_record

    memory = memory_record(
        subject=subject,
        kind="holding",
        text="Holds 10 AAPL",
        payload={"instrument": "AAPL", "quantity": 10},
        cause=Cause.system(),
        valid_from=stated,
        recorded_at=stated,
    )
    references_sync(memories=[memory])
    now = timezone.now()
    store_quote("AAPL", "130", now - timedelta(minutes=1))
    refresh(now=now)
    assert MarketReference.objects.filter(subject=subject).exists()
    assert MarketAlert.objects.filter(subject=subject).exists()
    subject_erase(subject=subject, requested_by_user_id=1, reason="request")
    assert not MarketReference.objects.filter(subject=subject).exists()
    assert not MarketAlert.objects.filter(subject=subject).exists()
