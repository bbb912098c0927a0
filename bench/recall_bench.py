"""Evidence recall of the app's search on the recall sets.

Two sets, reported apart: the development set (``bench/recall_devset.json``, search
is tuned on it) and the held-out set (``bench/recall_heldout.json``, written apart
and never tuned on); the gap between them is the honest figure. Each conversation
of a set becomes one subject; each of its sessions is
imported as a transcript (turn ids as the messages' external ids, one minute
between turns from 09:00 on the session's date), indexed as the product indexes an
import (embedding, then extraction), and each question is asked through
``memory_search``. A hit counts for the turns it came from: an episode for its own
turn, an extracted memory for the turns it was extracted from. Everything happens
in one transaction that is rolled back, so the benchmark database stays as it was.
"""

from __future__ import annotations

import importlib.util
import time
from datetime import UTC, datetime, timedelta

from django.db import transaction

from bench import recall_eval
from bench.progress import Progress
from memory.conversations.imports import import_index, transcript_import
from memory.models import Memory, Subject
from memory.recall.embedders import get_embedder
from memory.recall.indexing import memories_embed
from memory.recall.search import memory_search, search_settings
from memory.services import subject_create

RECALL_TENANT = 8_000_000_000_003


def session_turns(session: dict) -> list[dict]:
    """Return a dev-set session as transcript turns."""
    day = datetime.fromisoformat(session["date"]).replace(hour=9, tzinfo=UTC)
    return [
        {
            "speaker": turn["speaker"],
            # The held-out set names its roles; the dev set's speakers are
            # "client", "advisor" or the client's spouse (the client's side).
            "role": turn.get("role", "user"),
            "text": turn["text"],
            "occurred_at": day + timedelta(minutes=index),
            "external_id": turn["turn_id"],
        }
        for index, turn in enumerate(session["turns"])
    ]


def devset_import(devset: dict, *, extract: bool) -> dict[str, Subject]:
    """Import every conversation of the dev set; return its subjects by name."""
    subjects = {}
    sessions = sum(len(c["sessions"]) for c in devset["conversations"])
    progress = Progress("import dev set", sessions)
    for conversation in devset["conversations"]:
        subject = subject_create(tenant_id=RECALL_TENANT, kind="client")
        subjects[conversation["subject"]] = subject
        for session in conversation["sessions"]:
            job = transcript_import(
                subject=subject,
                turns=session_turns(session),
                title=session["session_id"],
                conversation_external_id=session["session_id"],
                index=False,
            )
            if extract:
                import_index(job=job)
            progress.advance()
        # Extracted memories are stored unembedded; embed them as a re-embedding
        # pass would, so that they are found by meaning too.
        memories_embed(list(Memory.objects.filter(subject=subject, embedding=None)))
    progress.close()
    return subjects


def search_ranker(subjects: dict[str, Subject], *, kinds=None) -> recall_eval.Ranker:
    """Return a ranker of turn ids through ``memory_search``."""

    def rank(subject: str, question: str) -> list[str]:
        ranked: list[str] = []
        for hit in memory_search(
            subject=subjects[subject], query=question, kinds=kinds, limit=10
        ):
            for source in hit.provenance:
                if source["external_id"] and source["external_id"] not in ranked:
                    ranked.append(source["external_id"])
        return ranked

    return rank


def _figures(results: dict) -> dict:
    overall = results["all"]
    return {
        "recall_at_10": round(overall["recall@10"], 4),
        "recall_at_5": round(overall["recall@5"], 4),
        "by_type": {
            group: {
                "n": row["n"],
                "recall_at_10": round(row["recall@10"], 4),
                "recall_at_5": round(row["recall@5"], 4),
            }
            for group, row in sorted(results.items())
            if group != "all"
        },
    }


def baselines(devset: dict, *, dense: bool = True) -> dict:
    """Return the BM25 (plain, and with each turn's neighbours) and dense baselines
    of ``bench.recall_eval``."""
    from memory.recall.embedders import OfflineEmbedder

    bm25 = recall_eval.per_subject_ranker(devset, recall_eval.BM25)
    bm25_context = recall_eval.per_subject_ranker(devset, recall_eval.BM25, context=1)
    result = {
        "bm25": _figures(recall_eval.evaluate(devset, bm25)),
        "bm25_with_neighbours": _figures(recall_eval.evaluate(devset, bm25_context)),
    }
    if dense:
        embedder = OfflineEmbedder()
        ranker = recall_eval.per_subject_ranker(
            devset, lambda docs: recall_eval.DenseIndex(docs, embedder)
        )
        result[f"dense_{embedder.name}"] = _figures(
            recall_eval.evaluate(devset, ranker)
        )
    return result


class _RollBack(Exception):
    pass


def measure(devset: dict, *, extract: bool) -> dict:
    """Import one set, ask its questions, and report recall beside the baselines."""
    result: dict = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            subjects = devset_import(devset, extract=extract)
            result["import_s"] = round(time.perf_counter() - started, 1)
            started = time.perf_counter()
            every_kind = recall_eval.evaluate(devset, search_ranker(subjects))
            seconds = time.perf_counter() - started
            episodes = recall_eval.evaluate(
                devset, search_ranker(subjects, kinds=["episode"])
            )
            raise _RollBack
    except _RollBack:
        pass
    result.update(_figures(every_kind))
    result["search_ms_mean"] = round(seconds * 1000 / len(devset["questions"]), 2)
    result["episodes_only"] = _figures(episodes)
    # The dense baseline ranks every turn in Python: slow, and only the dev set's.
    result["baselines"] = baselines(devset, dense=False)
    result["size"] = {
        "conversations": len(devset["conversations"]),
        "questions": len(devset["questions"]),
        "turns": sum(
            len(s["turns"]) for c in devset["conversations"] for s in c["sessions"]
        ),
    }
    return result


def run(*, extract: bool | None = None) -> dict:
    """Measure both sets; the held-out one's figures are the ones to believe."""
    if extract is None:
        extract = importlib.util.find_spec("memory.extraction.rules") is not None
    dev = measure(recall_eval.load_devset(recall_eval.DEVSET), extract=extract)
    heldout = measure(recall_eval.load_devset(recall_eval.HELDOUT), extract=extract)
    casual = measure(recall_eval.load_devset(recall_eval.CASUAL), extract=extract)
    return {
        "recall_dev_at_10": dev["recall_at_10"],
        "recall_heldout_at_10": heldout["recall_at_10"],
        "recall_casual_at_10": casual["recall_at_10"],
        "recall_dev_bm25_at_10": dev["baselines"]["bm25"]["recall_at_10"],
        "recall_heldout_bm25_at_10": heldout["baselines"]["bm25"]["recall_at_10"],
        "recall_dev_bm25_neighbours_at_10": dev["baselines"]["bm25_with_neighbours"][
            "recall_at_10"
        ],
        "recall_heldout_bm25_neighbours_at_10": heldout["baselines"][
            "bm25_with_neighbours"
        ]["recall_at_10"],
        "recall_casual_bm25_neighbours_at_10": casual["baselines"][
            "bm25_with_neighbours"
        ]["recall_at_10"],
        "dev": dev,
        "heldout": heldout,
        "casual": casual,
        "config": {
            "kinds": "all (episodes and extracted memories, mapped to source turns)",
            "extraction": "rules" if extract else "none",
            "embedder": get_embedder().name,
            "search_settings": search_settings(),
            "metric": "evidence recall over the first 10 distinct source turns "
            "of memory_search(limit=10), the search the API endpoint calls",
        },
    }
