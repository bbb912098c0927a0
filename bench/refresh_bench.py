"""Market refresh throughput: 100,000 references over 500 instruments.

The memories, references and quotes (each instrument's newest behind a week of
older ones) are bulk-created (the benchmark measures the refresh, not the
service path that records memories). Then one ``readings_refresh`` reads every
reference against the stored quotes, writing readings, references, one
``refresh`` ledger event per memory and the alerts, all committed; a second pass
with the same quotes must append nothing; a third, after every price moved,
replaces every reading (the steady state of the periodic refresh).

Run alone with ``python -m bench.refresh_bench`` (its own database on the test
cluster), or as the ``refresh`` section of ``python -m bench.run``.
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta
from decimal import Decimal

from bench.progress import logger
from memory.ledger.verify import chain_verify

REFERENCES = 100_000
INSTRUMENTS = 500
PER_SUBJECT = 20
# A week of quotes every 15 minutes behind each instrument's newest.
QUOTE_HISTORY = 7 * 96
TARGET_PER_S = 20_000
TENANT_BASE = 8_000_000_000_100
CHECKED_CHAINS = 50


def _instruments(count: int) -> list:
    from market.models import Instrument
    from market.services import instruments_ensure

    symbols = [f"RFB{number:03d}" for number in range(count)]
    existing = {
        instrument.symbol: instrument
        for instrument in Instrument.objects.filter(symbol__in=symbols)
    }
    missing = [
        {
            "symbol": symbol,
            "name": f"Refresh bench {symbol}",
            "reference_price": Decimal(20 + (index * 37) % 480),
        }
        for index, symbol in enumerate(symbols)
        if symbol not in existing
    ]
    if missing:
        instruments_ensure(specs=missing)
    return list(Instrument.objects.filter(symbol__in=symbols).order_by("symbol"))


def _dataset(references: int, instruments: list, rng: random.Random):
    """Create subjects, memories, references, and one fresh quote per instrument."""
    from django.db import connection, transaction
    from django.utils import timezone

    from market.models import Quote
    from memory.models import MarketReference, Memory, StatedPriceSource, Subject

    now = timezone.now()
    tenant_id = TENANT_BASE + int(time.time())
    prices = {
        instrument.pk: Decimal(instrument.reference_price or 100)
        for instrument in instruments
    }
    with transaction.atomic():
        Quote.objects.bulk_create(
            Quote(
                instrument=instrument,
                price=(prices[instrument.pk] * Decimal(rng.uniform(0.9, 1.1))).quantize(
                    Decimal("0.01")
                ),
                currency="USD",
                as_of=now - timedelta(minutes=1),
                source="simulated",
                fetched_at=now,
            )
            for instrument in instruments
        )
        # Quotes are kept: behind each newest quote, the history a worker storing
        # quotes every 15 minutes leaves, which the refresh must not read.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO market_quote
                    (instrument_id, price, currency, as_of, source, fetched_at)
                SELECT q.instrument_id, q.price, q.currency,
                       q.as_of - step * interval '15 minutes', q.source,
                       q.fetched_at - step * interval '15 minutes'
                FROM market_quote q, generate_series(1, %s) AS step
                WHERE q.fetched_at = %s AND q.instrument_id = ANY(%s)
                ON CONFLICT DO NOTHING
                """,
                [QUOTE_HISTORY, now, list(prices)],
            )
        subjects = Subject.objects.bulk_create(
            Subject(tenant_id=tenant_id, kind="client")
            for _ in range(-(-references // PER_SUBJECT))
        )
        memories = []
        for index in range(references):
            instrument = instruments[index % len(instruments)]
            subject = subjects[index // PER_SUBJECT]
            stated_at = now - timedelta(days=rng.randint(1, 400))
            if index % 10 < 7:
                payload = {
                    "instrument": instrument.symbol,
                    "quantity": rng.randint(1, 2000),
                    "cost_basis": round(float(prices[instrument.pk]) * 0.8, 2),
                    "account": "ira",
                }
                kind, text = "holding", f"Holds {instrument.symbol} in the IRA"
            else:
                stance = rng.choice(["bullish", "bearish", "neutral"])
                target = float(prices[instrument.pk]) * (
                    1.2 if stance == "bullish" else 0.8
                )
                payload = {
                    "instrument": instrument.symbol,
                    "stance": stance,
                    "target_price": round(target, 2),
                    "horizon_months": 12,
                }
                kind, text = "view", f"{stance.title()} on {instrument.symbol}"
            memories.append(
                Memory(
                    subject=subject,
                    tenant_id=tenant_id,
                    kind=kind,
                    key=f"{kind}:{instrument.symbol}:{index}",
                    text=text,
                    payload=payload,
                    source="api",
                    valid_from=stated_at,
                    recorded_at=stated_at,
                    created_at=stated_at,
                    updated_at=stated_at,
                )
            )
        Memory.objects.bulk_create(memories, batch_size=5000)
        MarketReference.objects.bulk_create(
            (
                MarketReference(
                    memory=memory,
                    subject_id=memory.subject_id,
                    tenant_id=tenant_id,
                    instrument=instruments[index % len(instruments)],
                    stated_price=(
                        prices[instruments[index % len(instruments)].pk]
                        * Decimal(rng.uniform(0.85, 1.15))
                    ).quantize(Decimal("0.01")),
                    stated_price_source=StatedPriceSource.QUOTE_AT_STATEMENT,
                    stated_at=memory.valid_from,
                )
                for index, memory in enumerate(memories)
            ),
            batch_size=5000,
        )
    return tenant_id, subjects


def _quotes_move(instruments: list) -> None:
    """Store a newer quote of every instrument, 0.3 % above its newest."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO market_quote
                (instrument_id, price, currency, as_of, source, fetched_at)
            SELECT DISTINCT ON (instrument_id) instrument_id,
                   round(price * 1.003, 2), currency, now(), source, now()
            FROM market_quote WHERE instrument_id = ANY(%s)
            ORDER BY instrument_id, as_of DESC
            """,
            [[instrument.pk for instrument in instruments]],
        )


def _settle() -> None:
    """Let the database settle after the bulk load, as it has before a real refresh.

    Statistics for the planner, the visibility map, and a checkpoint: otherwise the
    measured pass pays for the load (autovacuum at work, the first touch of every
    page after the load's checkpoint writing a full page image).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("memory_marketreference", "memory_memory", "memory_subject"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


def run(*, references: int = REFERENCES, instruments: int = INSTRUMENTS) -> dict:
    """Measure references refreshed per second on the caller's database."""
    from memory.readings.refresh import readings_refresh

    rng = random.Random(20260310)
    started = time.perf_counter()
    listed = _instruments(instruments)
    tenant_id, subjects = _dataset(references, listed, rng)
    logger.info(
        "refresh: %d references over %d instruments and %d subjects in %.1f s",
        references,
        len(listed),
        len(subjects),
        time.perf_counter() - started,
    )

    _settle()
    first = readings_refresh(tenant_id=tenant_id, cause_ref="refresh-bench")
    if first.read != references or first.events != references:
        raise AssertionError(f"the first refresh missed references: {first}")
    second = readings_refresh(tenant_id=tenant_id, cause_ref="refresh-bench")
    if second.events or second.changed:
        raise AssertionError(f"the second refresh appended events: {second}")
    _quotes_move(listed)
    _settle()
    moved = readings_refresh(tenant_id=tenant_id, cause_ref="refresh-bench")
    if moved.events != references:
        raise AssertionError(f"a moved price left readings unchanged: {moved}")
    for subject in rng.sample(subjects, min(CHECKED_CHAINS, len(subjects))):
        report = chain_verify(subject)
        if not report.ok:
            raise AssertionError(f"a refreshed chain does not verify: {report}")
    per_s = references / first.seconds
    return {
        "refresh_references": references,
        "refresh_instruments": len(listed),
        "refresh_subjects": len(subjects),
        "refresh_refs_per_s": round(per_s, 1),
        "refresh_refs_per_s_target": TARGET_PER_S,
        "refresh_seconds": round(first.seconds, 2),
        "refresh_events": first.events,
        "refresh_alerts": first.alerts,
        "refresh_noop_refs_per_s": round(references / second.seconds, 1),
        "refresh_moved_refs_per_s": round(references / moved.seconds, 1),
        "refresh_moved_alerts": moved.alerts,
        "notes": [
            f"refresh: one readings_refresh over {references:,} references "
            f"({PER_SUBJECT} per subject, 70% holdings, 30% views), quotes already "
            f"stored (each instrument's newest behind {QUOTE_HISTORY} older); "
            "readings, references, one ledger event per memory and alerts all "
            "committed; a second pass with the same quotes appended nothing; "
            "a third ('moved'), after every price moved 0.3 %, replaced every "
            "reading (each event's state before is a full reading); "
            f"{CHECKED_CHAINS} chains verified"
        ],
    }


if __name__ == "__main__":
    import json
    import logging
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.config.settings")
    os.environ.setdefault("EMBEDDED_POSTGRES_DIR", "var/postgres-test")
    os.environ.setdefault("EMBEDDED_POSTGRES_DB", "advisor_refresh_bench")
    logging.basicConfig(stream=sys.stderr, level=logging.INFO)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    size = int(sys.argv[1]) if len(sys.argv) > 1 else REFERENCES
    json.dump(run(references=size), sys.stdout, indent=2)
    sys.stdout.write("\n")
