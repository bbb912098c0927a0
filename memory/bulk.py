"""Write many rows fast: PostgreSQL's COPY, with lines formatted in Python.

psycopg's per-value adaptation (and parsing bulk INSERTs of thousands of
parameters) costs more than the database's own work on the engine's hot write
paths: imports, large ledger appends and market refreshes.
"""

import json
from collections.abc import Iterable
from datetime import date, datetime

from django.db import connection, models

from .ledger.canonical import canonical_text
from .models import CanonicalJSONField


def copy_text(value) -> str:
    """Return one field of PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def copy_json(text: str) -> str:
    """Return JSON text as a COPY field: json.dumps escapes control characters,
    so only its backslashes need doubling."""
    return text.replace("\\", "\\\\")


def copy_lines(cursor, table: str, columns: Iterable[str], lines: list[str]) -> None:
    """COPY lines already in PostgreSQL's text format into a table."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        for start in range(0, len(lines), 5000):
            copy.write("\n".join(lines[start : start + 5000]) + "\n")


def scratch_fill(
    cursor, name: str, definition: str, columns: Iterable[str], lines: list[str]
) -> None:
    """Fill a temporary table, living until the transaction ends, with COPY lines.

    Emptied rather than created afresh: a caller's outer transaction may fill it
    several times, and ON COMMIT DROP waits for the outermost commit. Not
    analysed: its caller joins it by key with a plan it sets (``SET LOCAL``),
    and analysing 10,000 rows costs more than joining them.
    """
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {name} ({definition}) ON COMMIT DROP"
    )
    cursor.execute(f"TRUNCATE {name}")
    copy_lines(cursor, name, columns, lines)


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """Draw ``count`` primary keys from a model's sequence, ahead of a COPY."""
    return next_ids_of({model: count})[model]


def next_ids_of(counts: dict[type[models.Model], int]) -> dict[type, list[int]]:
    """Draw primary keys from several models' sequences in one round trip:
    a turn's episode needs its memory's id and its event's."""
    parts, params = [], []
    for position, (model, count) in enumerate(counts.items()):
        parts.append(
            f"SELECT {position}, nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)"
        )
        params += [model._meta.db_table, model._meta.pk.column, count]
    drawn: dict[type, list[int]] = {model: [] for model in counts}
    models_at = list(counts)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for position, pk in cursor.fetchall():
            drawn[models_at[position]].append(pk)
    return drawn


def _field_text(field: models.Field, value) -> str:
    if value is None:
        return "\\N"
    if isinstance(field, CanonicalJSONField):
        return copy_json(canonical_text(value))
    if isinstance(field, models.JSONField):
        return copy_json(json.dumps(value, ensure_ascii=False))
    if field.get_internal_type() == "VectorField":
        return "[" + ",".join(map(repr, map(float, value))) + "]"
    return copy_text(value)


# Up to this many rows, an INSERT (one round trip) beats a COPY (two): a turn
# stores one episode at a time.
FEW_ROWS = 8


def copy_instances(model: type[models.Model], instances: list[models.Model]) -> None:
    """INSERT unsaved instances, their primary keys already set, with one COPY.

    Every concrete column is written as the instance holds it (defaults were
    applied when the instance was made); generated columns are left to the
    database. No signals, no ``save()``: a service calls this on rows it built.
    A few rows go in one ``bulk_create`` INSERT instead, the same rows.
    """
    if not instances:
        return
    if any(obj.pk is None for obj in instances):
        raise ValueError("copy_instances needs primary keys drawn with next_ids")
    if len(instances) <= FEW_ROWS:
        # The same rows in one INSERT: a COPY takes two round trips.
        model._default_manager.bulk_create(instances)
        return
    fields = [
        field
        for field in model._meta.concrete_fields
        if not getattr(field, "generated", False)
    ]
    lines = [
        "\t".join(_field_text(f, getattr(obj, f.attname)) for f in fields)
        for obj in instances
    ]
    with connection.cursor() as cursor:
        copy_lines(cursor, model._meta.db_table, [f.column for f in fields], lines)
    for obj in instances:
        obj._state.adding = False
        obj._state.db = connection.alias
