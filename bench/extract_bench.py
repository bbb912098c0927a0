"""Extraction throughput: the rules extractor over realistic client messages."""

from __future__ import annotations

import importlib.util
import time

from bench.import_bench import realistic_turns
from bench.progress import Progress
from memory.conversations.imports import transcript_import
from memory.models import Memory, Message
from memory.services import subject_create

EXTRACT_TENANT = 8_000_000_000_002
MESSAGES = 2_000


def run(*, messages: int = MESSAGES) -> dict | None:
    """Store ``messages`` turns, then time ``message_extract`` over each of them."""
    if importlib.util.find_spec("memory.extraction.rules") is None:
        return {
            "extract_messages_per_s": None,
            "notes": ["extract: memory/extraction/rules.py is not there yet"],
        }
    from memory.extraction.pipeline import get_extractor, message_extract

    subject = subject_create(tenant_id=EXTRACT_TENANT, kind="client")
    raw = realistic_turns(messages, prefix=f"extract-{subject.pk}")
    job = transcript_import(subject=subject, turns=raw, index=False)
    stored = list(Message.objects.filter(conversation_id=job.conversation_id))
    extractor = get_extractor()
    progress = Progress("extract messages", len(stored))
    started = time.perf_counter()
    for message in stored:
        message_extract(message=message, extractor=extractor)
        progress.advance()
    seconds = progress.close()
    seconds = time.perf_counter() - started
    extracted = Memory.objects.filter(subject=subject).exclude(kind="episode")
    return {
        "extract_messages": len(stored),
        "extract_s": round(seconds, 2),
        "extract_messages_per_s": round(len(stored) / seconds, 1),
        "extract_memories_created": extracted.count(),
        "extract_memories_by_kind": {
            kind: extracted.filter(kind=kind).count()
            for kind in sorted(set(extracted.values_list("kind", flat=True)))
        },
        "extractor": getattr(extractor, "name", type(extractor).__name__),
    }
