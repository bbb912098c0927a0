"""Extraction: how well and how fast, on sets written the way people talk.

Quality: precision and recall per kind on the development set (tuned on) and
the held-out set (never tuned on), for the rules extractor and for the model
extractor through the real ``openai`` client against the fake server on
127.0.0.1, with one measure (``bench.extract_eval``). The model path's answers
are scripted from the sets' own expectations: its figures prove the path and
the measure, not a model.

Throughput: ``message_extract`` one message at a time over realistic turns (the
chat's path; the import's batch path is the ``import`` section).
"""

from __future__ import annotations

import time

from bench.extract_eval import evaluate, evaluate_model_path, public
from bench.extract_sets import (
    DEVSET,
    DEVSET2,
    DEVSET3,
    HELDOUT,
    HELDOUT2,
    HELDOUT3,
    load_set,
)
from bench.import_bench import realistic_turns
from bench.progress import Progress
from memory.conversations.imports import transcript_import
from memory.extraction.pipeline import get_extractor, message_extract
from memory.models import Memory, Message
from memory.services import subject_create

EXTRACT_TENANT = 8_000_000_000_002
MESSAGES = 2_000
# --quick runs every fourth dialogue of each set.
QUICK_STEP = 4


def run(*, messages: int = MESSAGES, quick: bool = False) -> dict:
    """Measure extraction quality on both sets and both paths, then throughput."""
    figures: dict = {"notes": []}
    sets = {
        name: load_set(path)
        for name, path in (
            ("dev", DEVSET),
            ("dev2", DEVSET2),
            ("heldout", HELDOUT),
            ("heldout2", HELDOUT2),
            ("dev3", DEVSET3),
            ("heldout3", HELDOUT3),
        )
        if path.exists()
    }
    if quick:
        for data in sets.values():
            data["dialogues"] = data["dialogues"][::QUICK_STEP]
        figures["notes"].append(
            f"extract: --quick measured every {QUICK_STEP}th dialogue of each set"
        )
    quality: dict = {}
    for name, data in sets.items():
        total = len(data["dialogues"])
        progress = Progress(f"extract {name} rules", total)
        rules = public(evaluate(data, label="rules", progress=progress))
        progress.close()
        progress = Progress(f"extract {name} model", total)
        model = public(evaluate_model_path(data, progress=progress))
        progress.close()
        quality[name] = {"rules": rules, "model": model}
        for path, result in (("rules", rules), ("model", model)):
            for measure in ("precision", "recall"):
                figures[f"extract_{name}_{path}_{measure}"] = result[measure]
    figures["extract_heldout_aim"] = {"recall": 0.90, "precision": 0.95}
    figures["extract_tuned_on"] = ["dev", "dev2", "dev3"]
    figures["extract_never_tuned_on"] = ["heldout", "heldout2", "heldout3"]
    figures["extract_quality"] = quality
    figures["notes"].append(
        "extract: the model path's answers are scripted from the sets' "
        "expectations (fake OpenAI-compatible server on 127.0.0.1); its figures "
        "prove the path and the measure, not a model's judgement"
    )
    figures.update(_throughput(messages=messages // (4 if quick else 1)))
    return figures


def _throughput(*, messages: int) -> dict:
    """Store ``messages`` turns, then time ``message_extract`` over each of them."""
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
    progress.close()
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
