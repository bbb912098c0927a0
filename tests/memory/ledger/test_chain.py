"""The memory store and its ledger: versions, supersession, a tamper-evident chain."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from memory.errors import InvalidMemory, InvalidTransition
from memory.ledger.canonical import canonical, content_digest, iso
from memory.ledger.chain import (
    FEW_EVENTS,
    GENESIS,
    Cause,
    Draft,
    Entry,
    Tail,
    append,
    append_many,
    chain_drafts,
    event_hash,
    subject_lock,
)
from memory.ledger.replay import subject_state_as_of, subject_state_live
from memory.ledger.verify import chain_verify
from memory.models import EventAction, Memory, MemoryEvent, MemoryStatus
from memory.selectors import memory_history, memory_lineage
from memory.services import (
    memory_approve,
    memory_record,
    memory_reject,
    memory_restore,
    memory_retract,
    memory_supersede,
    memory_update,
    subject_create,
)

pytestmark = pytest.mark.django_db

ADVISOR = Cause.user(7)


@pytest.fixture
def subject():
    return subject_create(tenant_id=1, kind="client")


def holding(subject, quantity=200, **extra):
    return memory_record(
        subject=subject,
        kind="holding",
        key="holding:AAPL:ira",
        text=f"Holds {quantity} AAPL in the IRA",
        payload={
            "instrument": "aapl",
            "quantity": quantity,
            "cost_basis": 150,
            "account": "ira",
        },
        cause=ADVISOR,
        **extra,
    )


VALID = {
    "profile": {"risk_tolerance": "Moderate", "horizon_years": 12},
    "goal": {"goal": "retirement", "target_age": 60, "amount": "1,500,000"},
    "preference": {
        "topic": "exclusions",
        "polarity": "avoids",
        "sectors": ["Tobacco", "weapons"],
    },
    "holding": {"instrument": "msft", "quantity": 50.5, "cost_basis": 310},
    "view": {
        "instrument": "TSLA",
        "stance": "bearish",
        "target_price": 180,
        "horizon_months": 6,
        "conviction": "high",
    },
    "fact": {"category": "life_event", "detail": "second grandchild born in May"},
    "episode": {
        "message": "Hello",
        "speaker": "client",
        "occurred_at": "2026-01-02T10:00:00+00:00",
    },
}


@pytest.mark.parametrize("kind", sorted(VALID))
def test_every_kind_accepts_a_valid_payload_and_normalises_it(subject, kind):
    memory = memory_record(
        subject=subject, kind=kind, text=f"A {kind}", payload=VALID[kind], cause=ADVISOR
    )
    memory.refresh_from_db()
    if kind == "holding":
        assert memory.payload["instrument"] == "MSFT"
    if kind == "profile":
        assert memory.payload["risk_tolerance"] == "moderate"
    if kind == "goal":
        assert memory.payload["amount"] == 1_500_000
    if kind == "preference":
        assert memory.payload["sectors"] == ["tobacco", "weapons"]


INVALID = [
    ("holding", {"quantity": 10}, "payload.instrument", "is required"),
    (
        "holding",
        {"instrument": "AAPL", "quantity": -5},
        "payload.quantity",
        "greater than zero",
    ),
    (
        "holding",
        {"instrument": "not a ticker!", "quantity": 5},
        "payload.instrument",
        "ticker",
    ),
    (
        "holding",
        {"instrument": "AAPL", "quantity": "lots"},
        "payload.quantity",
        "number",
    ),
    (
        "holding",
        {"instrument": "AAPL", "cost_basis": float("nan")},
        "payload.cost_basis",
        "finite",
    ),
    ("profile", {"risk_tolerance": "yolo"}, "payload.risk_tolerance", "one of"),
    ("profile", {}, "payload.risk_tolerance", "at least one"),
    ("goal", {"amount": 5}, "payload.goal", "is required"),
    (
        "goal",
        {"goal": "tuition", "target_date": "next year"},
        "payload.target_date",
        "date",
    ),
    ("preference", {"topic": "oil", "polarity": "hates"}, "payload.polarity", "one of"),
    ("view", {"stance": "bullish"}, "payload.instrument", "instrument or a sector"),
    ("view", {"instrument": "NVDA", "stance": "up"}, "payload.stance", "one of"),
    (
        "view",
        {"instrument": "NVDA", "stance": "bullish", "target_price": 0},
        "payload.target_price",
        "greater than zero",
    ),
    ("episode", {"speaker": "client"}, "payload.message", "is required"),
]


@pytest.mark.parametrize(("kind", "payload", "field", "words"), INVALID)
def test_invalid_payloads_are_refused_with_a_field_error(
    subject, kind, payload, field, words
):
    with pytest.raises(InvalidMemory) as caught:
        memory_record(
            subject=subject, kind=kind, text="x", payload=payload, cause=ADVISOR
        )
    assert field in caught.value.fields
    assert words in " ".join(caught.value.fields[field])
    assert not Memory.objects.exists()
    assert not MemoryEvent.objects.exists()


def test_empty_text_and_out_of_range_scores_are_refused(subject):
    with pytest.raises(InvalidMemory, match="text"):
        memory_record(
            subject=subject, kind="fact", text="  ", payload={}, cause=ADVISOR
        )
    with pytest.raises(InvalidMemory, match="confidence"):
        memory_record(
            subject=subject,
            kind="fact",
            text="x",
            payload={},
            cause=ADVISOR,
            confidence=1.5,
        )


def test_record_appends_a_create_event_with_the_full_state(subject):
    memory = holding(subject)
    (event,) = memory_history(memory=memory)
    assert event.action == EventAction.CREATE
    assert event.before is None
    assert event.after["text"] == "Holds 200 AAPL in the IRA"
    assert event.after["payload"]["quantity"] == 200
    assert event.cause_type == "user" and event.cause_user_id == 7
    assert event.sequence == 1
    assert event.prev_hash == GENESIS
    subject.refresh_from_db()
    assert subject.ledger_length == 1 and subject.ledger_head == event.hash


def test_supersede_keeps_both_versions_and_links_them(subject):
    old = holding(subject)
    new = memory_supersede(
        memory=old,
        cause=ADVISOR,
        text="Holds 300 AAPL in the IRA",
        payload={"instrument": "AAPL", "quantity": 300, "account": "ira"},
    )
    old.refresh_from_db()
    assert old.status == MemoryStatus.SUPERSEDED
    assert old.superseded_by_id == new.pk
    assert old.valid_to == new.valid_from
    assert old.text == "Holds 200 AAPL in the IRA"  # never overwritten
    assert new.status == MemoryStatus.ACTIVE and new.key == old.key
    assert memory_lineage(memory=new) == [old, new]
    assert [e.action for e in memory_history(memory=old)] == ["create", "supersede"]


def test_history_lists_every_version_in_order(subject):
    memory = holding(subject)
    memory_update(memory=memory, cause=ADVISOR, text="Holds 200 AAPL (IRA)")
    memory_update(memory=memory, cause=ADVISOR, importance=0.9)
    memory_retract(memory=memory, cause=ADVISOR, reason="sold")
    history = list(memory_history(memory=memory))
    assert [e.action for e in history] == ["create", "update", "update", "retract"]
    assert [e.sequence for e in history] == [1, 2, 3, 4]
    assert history[1].before["text"] == "Holds 200 AAPL in the IRA"
    assert history[1].after["text"] == "Holds 200 AAPL (IRA)"
    assert history[2].after["version"] == 3
    assert history[3].after["status"] == "retracted"
    for earlier, later in zip(history, history[1:], strict=False):
        assert later.prev_hash == earlier.hash


def test_an_update_that_changes_nothing_makes_no_version(subject):
    memory = holding(subject)
    memory_update(memory=memory, cause=ADVISOR, text="Holds 200 AAPL in the IRA")
    assert memory_history(memory=memory).count() == 1
    memory.refresh_from_db()
    assert memory.version == 1


def test_proposed_memory_waits_until_approved_then_supersedes_its_slot(subject):
    active = holding(subject)
    proposed = holding(subject, quantity=250, status=MemoryStatus.PROPOSED)
    assert Memory.objects.filter(status="active").count() == 1
    memory_approve(memory=proposed, cause=ADVISOR)
    active.refresh_from_db()
    proposed.refresh_from_db()
    assert proposed.status == "active"
    assert active.status == "superseded" and active.superseded_by_id == proposed.pk
    with pytest.raises(InvalidTransition):
        memory_approve(memory=proposed, cause=ADVISOR)


def test_rejected_proposal_never_becomes_active(subject):
    proposed = holding(subject, status=MemoryStatus.PROPOSED)
    memory_reject(memory=proposed, cause=ADVISOR, reason="client misspoke")
    proposed.refresh_from_db()
    assert proposed.status == "rejected"
    assert memory_history(memory=proposed).last().reason == "client misspoke"


def test_restore_brings_back_an_earlier_version_as_a_new_event(subject):
    memory = holding(subject)
    first = memory_history(memory=memory).first()
    memory_update(
        memory=memory,
        cause=ADVISOR,
        text="Holds 250 AAPL in the IRA",
        payload={"instrument": "AAPL", "quantity": 250},
    )
    memory_restore(memory=memory, event=first, cause=ADVISOR, reason="typo")
    memory.refresh_from_db()
    assert memory.text == "Holds 200 AAPL in the IRA"
    assert memory.payload["quantity"] == 200
    assert memory.version == 3
    assert [e.action for e in memory_history(memory=memory)] == [
        "create",
        "update",
        "restore",
    ]


def test_the_database_refuses_update_and_delete_of_ledger_rows(subject):
    holding(subject)
    event = MemoryEvent.objects.get()
    for statement in (
        "UPDATE memory_memoryevent SET reason = 'rewritten' WHERE id = %s",
        "UPDATE memory_memoryevent SET after = '{}'::jsonb WHERE id = %s",
        "DELETE FROM memory_memoryevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
    with pytest.raises((InternalError, DatabaseError)):
        with transaction.atomic():
            MemoryEvent.objects.filter(pk=event.pk).update(action="erase")
    event.refresh_from_db()
    assert event.reason == "" and event.action == "create"


def test_redaction_is_the_only_update_the_database_allows(subject):
    holding(subject)
    event = MemoryEvent.objects.get()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            # Redacting while also changing the hash is refused.
            cursor.execute(
                "UPDATE memory_memoryevent SET before = NULL, after = NULL, "
                "redacted_at = now(), hash = %s WHERE id = %s",
                ["f" * 64, event.pk],
            )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE memory_memoryevent SET before = NULL, after = NULL, "
            "redacted_at = now() WHERE id = %s",
            [event.pk],
        )
    assert chain_verify(subject).ok


def tamper(event_id: int, sql: str) -> None:
    with connection.cursor() as cursor:
        # As a superuser with a raw session could: replica mode skips triggers.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, [event_id])
        cursor.execute("SET session_replication_role = DEFAULT")


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        (
            "UPDATE memory_memoryevent SET after = jsonb_set(after::jsonb, '{text}', "
            "'\"Holds 2000 AAPL\"')::json WHERE id = %s",
            "digest",
        ),
        ("UPDATE memory_memoryevent SET cause_user_id = 99 WHERE id = %s", "hash"),
        (
            "UPDATE memory_memoryevent SET prev_hash = repeat('a', 64) WHERE id = %s",
            "link",
        ),
    ],
)
def test_chain_verify_finds_the_first_tampered_event(subject, sql, problem):
    memory = holding(subject)
    memory_update(memory=memory, cause=ADVISOR, text="Holds 200 AAPL (IRA)")
    memory_update(memory=memory, cause=ADVISOR, importance=0.8)
    assert chain_verify(subject).ok
    second = MemoryEvent.objects.get(subject=subject, sequence=2)
    tamper(second.pk, sql)
    report = chain_verify(subject)
    assert not report.ok
    assert report.broken_sequence == 2 and report.broken_event_id == second.pk
    assert problem in report.problem


def test_a_deleted_event_breaks_the_chain(subject):
    memory = holding(subject)
    memory_update(memory=memory, cause=ADVISOR, text="Holds 200 AAPL (IRA)")
    memory_update(memory=memory, cause=ADVISOR, importance=0.8)
    tamper(
        MemoryEvent.objects.get(sequence=2).pk,
        "DELETE FROM memory_memoryevent WHERE id = %s",
    )
    report = chain_verify(subject)
    assert not report.ok and report.broken_sequence == 3


def test_state_as_of_any_time_equals_the_live_state_then(subject):
    moments, lives = [], []

    def checkpoint():
        moments.append(timezone.now())
        lives.append(subject_state_live(subject=subject, statuses=None))

    checkpoint()
    first = holding(subject)
    checkpoint()
    second = memory_supersede(
        memory=first,
        cause=ADVISOR,
        text="Holds 300 AAPL",
        payload={"instrument": "AAPL", "quantity": 300},
    )
    checkpoint()
    view = memory_record(
        subject=subject,
        kind="view",
        text="Bearish on TSLA",
        payload={"instrument": "TSLA", "stance": "bearish"},
        cause=ADVISOR,
    )
    memory_update(
        memory=view,
        cause=ADVISOR,
        text="Bearish on TSLA, target $180",
        payload={"instrument": "TSLA", "stance": "bearish", "target_price": 180},
    )
    checkpoint()
    memory_retract(memory=second, cause=ADVISOR)
    checkpoint()
    for moment, live in zip(moments, lives, strict=True):
        assert subject_state_as_of(subject=subject, at=moment, statuses=None) == live
    assert subject_state_as_of(subject=subject, at=moments[0] - timedelta(days=1)) == {}


def test_event_sequence_is_unique_per_subject(subject):
    holding(subject)
    event = MemoryEvent.objects.get()
    duplicate = MemoryEvent(
        subject=subject,
        tenant_id=1,
        sequence=1,
        action="create",
        content_digest="0" * 64,
        cause_type="system",
        hash="1" * 64,
    )
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            duplicate.save()
    assert MemoryEvent.objects.count() == 1 and event.sequence == 1


# --- Hashing and batch appends ---------------------------------------------------


@pytest.mark.parametrize(
    "reason, ref, user_id, message_id",
    [
        ("", "", None, None),
        ('quote "AAPL"\ttab\nnewline \\ back', "api:req-1", 7, None),
        ("café — 東京 ✓ \u2028", "import", None, 12),
    ],
)
@pytest.mark.parametrize("version", [1, 2])
def test_the_header_hash_is_the_sha256_of_the_canonical_header(
    reason, ref, user_id, message_id, version
):
    """The fast header writer says exactly what the documented header says.

    Version 1 hashes the reason in the header; version 2 in the content digest,
    and names its version instead.
    """
    import hashlib

    occurred_at = timezone.now()
    event = MemoryEvent(
        prev_hash="ab" * 32,
        subject_id=3,
        tenant_id=8_000_000_000_001,
        sequence=41,
        memory_id=None if message_id else 99,
        action=EventAction.REFRESH,
        content_digest="cd" * 32,
        cause_type="user",
        cause_user_id=user_id,
        cause_message_id=message_id,
        cause_ref=ref,
        reason=reason,
        occurred_at=occurred_at,
        chain_version=version,
    )
    header = {
        "prev": event.prev_hash,
        "subject": 3,
        "tenant": 8_000_000_000_001,
        "sequence": 41,
        "memory": event.memory_id,
        "action": "refresh",
        "content": event.content_digest,
        "cause_type": "user",
        "cause_user": user_id,
        "cause_message": message_id,
        "cause_ref": ref,
        "reason": reason,
        "occurred_at": iso(occurred_at),
    }
    if version == 2:
        del header["reason"]
        header["version"] = 2
    assert event_hash(event) == (hashlib.sha256(canonical(header)).hexdigest())


@pytest.mark.parametrize(
    "before, after",
    [
        (None, None),
        (None, {"text": "café — 東京", "quantity": 10, "price": "1.50"}),
        ({"reading": {}}, {"reading": {"move": -0.05, "note": 'tab\t"q"'}}),
    ],
)
def test_the_content_digest_is_the_sha256_of_both_states_in_canonical_json(
    before, after
):
    import hashlib

    documented = hashlib.sha256(
        canonical({"before": before, "after": after})
    ).hexdigest()
    assert content_digest(before, after) == documented


def append_refresh_drafts(drafts: dict, *, cause: Cause) -> int:
    """Chain and write refresh drafts under their subjects' locks, as a refresh does."""
    with transaction.atomic():
        tails = {}
        for subject_id in drafts:
            locked = subject_lock(subject_id)
            tails[subject_id] = Tail(
                locked.tenant_id, locked.ledger_length, locked.ledger_head
            )
        chained = chain_drafts(
            tails=tails,
            drafts=drafts,
            action=EventAction.REFRESH,
            cause=cause,
            occurred_at=timezone.now(),
        )
        with connection.cursor() as cursor:
            return append_many(cursor, chained)


def test_batch_appends_chain_like_single_appends_across_subjects(subject):
    other = subject_create(tenant_id=1, kind="client")
    first, second = holding(subject), holding(other)
    states = [
        ({"reading": {}}, {"reading": {"price": "1.00", "note": 'ünï "q"\n'}}),
        ({"reading": {"price": "1.00"}}, {"reading": {"price": "2.00"}}),
    ]
    drafts = {
        subject.pk: [
            Draft(
                first.pk,
                canonical(before).decode(),
                canonical(after).decode(),
                reason=f"step {number}",
            )
            for number, (before, after) in enumerate(states)
        ],
        other.pk: [Draft(second.pk, None, '{"reading":{}}', "tab\there")],
    }
    written = append_refresh_drafts(drafts, cause=Cause.task("batch-test"))

    assert written == 3
    events = list(MemoryEvent.objects.filter(memory=first, action="refresh"))
    assert [(e.before, e.after) for e in events] == states
    assert [e.reason for e in events] == ["step 0", "step 1"]
    assert MemoryEvent.objects.get(memory=second, action="refresh").reason == (
        "tab\there"
    )
    assert chain_verify(subject).ok and chain_verify(other).ok
    assert subject_state_as_of(subject=subject, at=timezone.now())[first.pk][
        "reading"
    ] == {"price": "2.00"}


@pytest.mark.parametrize("table", ["memory_memory", "memory_subject", "memory_message"])
def test_the_database_refuses_to_delete_a_row_the_ledger_names(subject, table):
    from memory.conversations.messages import conversation_start, message_append

    conversation = conversation_start(subject=subject)
    message = message_append(
        conversation=conversation,
        role="user",
        speaker="client",
        text="Hi",
        extract=False,
    )
    memory = memory_record(
        subject=subject,
        kind="fact",
        text="Second grandchild born in May",
        payload={},
        cause=Cause.message(message.pk),
        source_messages=[message],
    )
    row = {"memory_memory": memory.pk, "memory_subject": subject.pk}.get(
        table, message.pk
    )
    with pytest.raises(IntegrityError, match="the memory ledger names"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row])
    assert MemoryEvent.objects.filter(subject_id=subject.pk).exists()


def test_a_refresh_event_is_not_a_version_to_restore(subject):
    memory = holding(subject)
    append_refresh_drafts(
        {subject.pk: [Draft(memory.pk, None, '{"reading":{}}')]},
        cause=Cause.task("t"),
    )
    refresh_event = MemoryEvent.objects.get(memory=memory, action="refresh")

    with pytest.raises(InvalidTransition, match="market reading"):
        memory_restore(memory=memory, event=refresh_event, cause=ADVISOR)


def _stored(subject) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT action, memory_id, before::text, after::text, reason, cause_type,"
            " cause_ref, content_digest, chain_version FROM memory_memoryevent"
            " WHERE subject_id = %s AND action = 'refresh' ORDER BY sequence",
            [subject.pk],
        )
        return cursor.fetchall()


@pytest.mark.parametrize("count", [FEW_EVENTS, FEW_EVENTS + 1])
def test_a_few_events_in_one_insert_are_the_rows_a_copy_writes(subject, count):
    """A handful of events go in one INSERT, more in a COPY: the same rows."""
    other = subject_create(tenant_id=1, kind="client")
    first, second = holding(subject), holding(other)
    entries = [
        (
            {"reading": {"price": f"{number}.00"}},
            {"reading": {"price": f"{number + 1}.00", "note": 'ünï "q"\n\\'}},
            f"step {number}\twith a tab",
        )
        for number in range(count)
    ]
    cause = Cause.task("few-or-many")
    at = timezone.now()
    locked = subject_lock(subject.pk)
    append(
        subject=locked,
        entries=[
            Entry(first, EventAction.REFRESH, before, after, reason)
            for before, after, reason in entries
        ],
        cause=cause,
        occurred_at=at,
    )
    # The other subject's through the COPY, whatever their number.
    other_locked = subject_lock(other.pk)
    chained = chain_drafts(
        tails={
            other.pk: Tail(
                other.tenant_id, other_locked.ledger_length, other_locked.ledger_head
            )
        },
        drafts={
            other.pk: [
                Draft(
                    second.pk,
                    canonical(before).decode(),
                    canonical(after).decode(),
                    reason,
                )
                for before, after, reason in entries
            ]
        },
        action=EventAction.REFRESH,
        cause=cause,
        occurred_at=at,
    )
    with connection.cursor() as cursor:
        append_many(cursor, chained)

    mine, theirs = _stored(subject), _stored(other)
    assert len(mine) == count
    assert [row[:1] + row[2:] for row in mine] == [row[:1] + row[2:] for row in theirs]
    subject.refresh_from_db()
    assert subject.ledger_length == locked.ledger_length
    assert chain_verify(subject).ok and chain_verify(other).ok
