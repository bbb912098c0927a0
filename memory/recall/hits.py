"""Load the memories a search chose, with all a hit carries, in one statement.

Once the fusion has chosen its ids, one query returns each memory (without its
vectors), its subject, its market reference with the instrument and the firm's
freshness policy, and the turns it was drawn from (its provenance). The rows are
turned into the same model instances the ORM would build (``select_related``
caches included), so a hit's memory reads exactly as before, and nothing more
is asked of the database to show it.
"""

import time
from decimal import Decimal
from functools import cache

import psycopg
from django.db import connection

from market.models import Instrument
from memory.models import MarketReference, Memory, Subject
from memory.readings.freshness import policy_with_defaults, reference_freshness

# A search never needs the vectors, which are most of a row's bytes.
DEFERRED = {"embedding", "search_vector"}

# A threshold no statement reaches: only those asked for are prepared.
NEVER_AUTOMATICALLY = 2**31

HITS_SQL = """
SELECT {columns},
       policy.stale_after_minutes, policy.stale_after_minutes_market_hours,
       policy.move_threshold,
       sources.ids, sources.external_ids, sources.occurred_ats, sources.speakers,
       sources.conversations
FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS wanted(id, position)
JOIN memory_memory memory ON memory.id = wanted.id
JOIN memory_subject subject ON subject.id = memory.subject_id
LEFT JOIN memory_marketreference reference ON reference.memory_id = memory.id
LEFT JOIN market_instrument instrument ON instrument.id = reference.instrument_id
LEFT JOIN memory_memorypolicy policy ON policy.tenant_id = reference.tenant_id
LEFT JOIN LATERAL (
    -- In the order of Message.Meta.ordering, as the ORM's prefetch gives them.
    SELECT array_agg(message.id ORDER BY message.occurred_at, message.id) AS ids,
           array_agg(message.external_id ORDER BY message.occurred_at, message.id)
               AS external_ids,
           array_agg(message.occurred_at ORDER BY message.occurred_at, message.id)
               AS occurred_ats,
           array_agg(message.speaker ORDER BY message.occurred_at, message.id)
               AS speakers,
           array_agg(message.conversation_id
                     ORDER BY message.occurred_at, message.id) AS conversations
    FROM memory_memory_source_messages link
    JOIN memory_message message ON message.id = link.message_id
    WHERE link.memory_id = memory.id
) sources ON true
ORDER BY wanted.position
"""


def prepared_rows(sql: str, params: dict, *, binary: bool = False) -> list[tuple]:
    """Run a search statement as a prepared statement; return its rows.

    A search's statements are long and the same on every call (only their
    parameters change), so PostgreSQL parses and plans each once per connection
    instead of on every search (about 0.6 ms of its time each, measured). Django's
    cursors bind parameters on the client, which cannot prepare; this one binds
    them on the server. Floats go as ``numeric``, the type the same value has
    when bound on the client, so the arithmetic (and every score) is unchanged.
    Prepared statements live in the session: behind a transaction-pooling proxy
    (PgBouncer in transaction mode before 1.21) this would need turning off.

    With ``binary`` the rows come in PostgreSQL's binary format, decoded by
    psycopg's C loaders rather than by parsing text (Django's own timestamp
    loader is Python): for numbers, text, arrays and timestamps only (Django
    expects JSON as text).
    """
    params = {
        name: Decimal(repr(value)) if isinstance(value, float) else value
        for name, value in params.items()
    }
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns automatic preparing off; ``prepare=True`` needs a number.
        # Its own cursors bind on the client and never prepare, whatever it is.
        raw.prepare_threshold = NEVER_AUTOMATICALLY
    with connection.wrap_database_errors:
        with psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, params, prepare=True, binary=binary)
            rows = cursor.fetchall()
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": sql, "time": f"{time.monotonic() - started:.3f}"}
        )
    return rows


class _Loader:
    """Build one model's instances from its slice of a row, as the ORM does."""

    def __init__(self, model, alias: str, *, skip=frozenset()):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.name not in skip]
        self.names = [f.attname for f in self.fields]
        self.columns = [f'{alias}."{f.column}"' for f in self.fields]
        self.converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            if found:
                self.converters.append((index, column, found))

    def build(self, values: list):
        for index, column, converters in self.converters:
            value = values[index]
            for converter in converters:
                value = converter(value, column, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.names, values)


@cache
def _loaders() -> tuple[_Loader, _Loader, _Loader, _Loader]:
    return (
        _Loader(Memory, "memory", skip=DEFERRED),
        _Loader(Subject, "subject"),
        _Loader(MarketReference, "reference"),
        _Loader(Instrument, "instrument"),
    )


@cache
def hits_sql() -> str:
    columns = ", ".join(column for loader in _loaders() for column in loader.columns)
    return HITS_SQL.format(columns=columns)


def hits_load(memory_ids: list[int], *, now) -> dict[int, tuple]:
    """Return ``{id: (memory, provenance, freshness)}`` of the memories that exist.

    ``freshness`` is None for a memory without a market reference.
    """
    if not memory_ids:
        return {}
    rows = prepared_rows(hits_sql(), {"ids": list(memory_ids)})
    loaders = _loaders()
    reference_field = Memory._meta.get_field("market_reference")
    subject_field = Memory._meta.get_field("subject")
    instrument_field = MarketReference._meta.get_field("instrument")
    memory_field = MarketReference._meta.get_field("memory")
    loaded = {}
    for row in rows:
        start, parts = 0, []
        for loader in loaders:
            end = start + len(loader.names)
            parts.append(list(row[start:end]))
            start = end
        memory_values, subject_values, reference_values, instrument_values = parts
        policy_values = row[start : start + 3]
        ids, external_ids, occurred_ats, speakers, conversations = row[start + 3 :]
        memory = loaders[0].build(memory_values)
        subject_field.set_cached_value(memory, loaders[1].build(subject_values))
        reference = None
        freshness = None
        if reference_values[0] is not None:
            reference = loaders[2].build(reference_values)
            instrument_field.set_cached_value(
                reference, loaders[3].build(instrument_values)
            )
            memory_field.set_cached_value(reference, memory)
            freshness = reference_freshness(
                reference,
                now=now,
                policy=policy_with_defaults(reference.tenant_id, *policy_values),
            )
        reference_field.set_cached_value(memory, reference)
        provenance = [
            {
                "message_id": message_id,
                "external_id": external_id,
                "occurred_at": occurred_at.isoformat(),
                "speaker": speaker,
                "conversation_id": conversation_id,
            }
            for message_id, external_id, occurred_at, speaker, conversation_id in zip(
                ids or (),
                external_ids or (),
                occurred_ats or (),
                speakers or (),
                conversations or (),
                strict=True,
            )
        ]
        loaded[memory.pk] = (memory, provenance, freshness)
    return loaded
