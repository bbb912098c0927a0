"""Transcript import throughput: storing turns, then the indexing pass after it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bench.progress import Progress
from bench.recall_eval import load_devset
from memory.conversations.imports import import_index, transcript_import
from memory.models import Memory
from memory.services import subject_create

IMPORT_TENANT = 8_000_000_000_001
TURNS = 10_000
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def realistic_turns(count: int, *, prefix: str) -> list[dict]:
    """Return ``count`` turns of casual advisor-client talk, one minute apart."""
    said = [
        (turn["speaker"], turn["text"])
        for conversation in load_devset()["conversations"]
        for session in conversation["sessions"]
        for turn in session["turns"]
    ]
    return [
        {
            "speaker": said[i % len(said)][0],
            "role": "user",
            "text": said[i % len(said)][1],
            "occurred_at": START + timedelta(minutes=i),
            "external_id": f"{prefix}-{i}",
        }
        for i in range(count)
    ]


def run(*, turns: int = TURNS, index: bool = True) -> dict:
    """Import ``turns`` turns into a fresh subject; time storage and indexing."""
    subject = subject_create(tenant_id=IMPORT_TENANT, kind="client")
    raw = realistic_turns(turns, prefix=f"bench-{subject.pk}")
    progress = Progress("import turns", turns)
    last = [0]

    def advance(job) -> None:
        progress.advance(job.turns_stored - last[0])
        last[0] = job.turns_stored

    started = time.perf_counter()
    job = transcript_import(
        subject=subject, turns=raw, title="bench import", progress=advance, index=False
    )
    stored_s = time.perf_counter() - started
    progress.close()
    result = {
        "import_turns": turns,
        "import_s": round(stored_s, 2),
        "import_turns_per_s": round(turns / stored_s, 1),
        "import_turns_per_s_target": 1000,
        "import_turns_embedded_inline": job.turns_embedded,
        "notes": [
            "import: transcript_import with index=False stores messages, episodes "
            "and their ledger events, and embeds inline with the offline embedder"
        ],
    }
    if index:
        started, cpu = time.perf_counter(), time.process_time()
        job = import_index(job=job)
        index_s = time.perf_counter() - started
        cpu_s = time.process_time() - cpu
        result["import_index_s"] = round(index_s, 2)
        result["import_index_turns_per_s"] = round(turns / index_s, 1)
        result["import_index_turns_per_s_target"] = 1000
        # The bench process's own CPU time: what the indexing costs in Python,
        # whatever else the machine is doing (the database's work is not in it).
        result["import_index_process_cpu_s"] = round(cpu_s, 2)
        result["import_index_turns_extracted"] = job.turns_extracted
        result["import_index_memories"] = (
            Memory.objects.filter(subject=subject).exclude(kind="episode").count()
        )
        result["notes"].append(
            "import_index: embeds what is left, then extracts every turn in "
            "set-based passes (one lock, one read of the subject's memories, "
            "writes and ledger events batched per pass of 2,000 turns)"
        )
    return result
