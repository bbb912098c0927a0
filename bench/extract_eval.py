"""Measure extraction on a set of dialogues: precision and recall per kind.

Each dialogue runs through the product as a user's would: a transcript is
imported and indexed (``transcript_import`` then ``import_index``, the batch
path), a chat or an analyst's chat is appended turn by turn and each turn
extracted (``message_extract``). Then the subject's memories — those applied
and those waiting as proposals — are compared with what the dialogue expects:

- a memory is **correct** when it has the kind and every payload field of an
  expected one (numbers to a cent, lists as subsets, dotted names for nested
  fields; ``target_year`` and ``in_years`` of a goal are read from its target
  date). Each memory answers for at most one expectation.
- **recall** counts an expected memory found with the status it should have:
  applied at once when it was stated clearly, waiting when it was hedged;
  ``recall_incl_proposed`` counts it found at all.
- **precision** is the share of the memories left (applied or proposed) that
  are correct.
- ``clear_held_for_review`` counts clear statements found only as proposals;
  ``hedged_applied`` hedged ones applied at once.

The same measure runs the model extractor (``memory.extraction.llm``) through
the real ``openai`` client against the fake OpenAI-compatible server on
127.0.0.1 (``tests/fakes/openai_server.py``), whose answers are scripted from
the expectations themselves: the figures prove the path and the measure
(payload validation, reconciliation, review), not a model's judgement.

``python -m bench.extract_eval --set dev --show-misses`` prints what was missed.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from bench.extract_sets import (
    DEVSET,
    DEVSET2,
    DEVSET3,
    HELDOUT,
    HELDOUT2,
    HELDOUT3,
    SetNames,
    load_set,
)

SETS = {
    "dev": DEVSET,
    "dev2": DEVSET2,
    "dev3": DEVSET3,
    "heldout": HELDOUT,
    "heldout2": HELDOUT2,
    "heldout3": HELDOUT3,
}

EVAL_TENANT = 8_000_000_000_014
KINDS = ("profile", "goal", "preference", "holding", "view", "fact")
SAID_AT = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
PROVIDER = "bench.extract_sets.SetNames"


# ------------------------------------------------------------------ the dialogues


def _turn_times(count: int) -> list[datetime]:
    return [SAID_AT + timedelta(minutes=i) for i in range(count)]


def run_dialogue(dialogue: dict, *, extractor=None):
    """Play one dialogue into a fresh subject; return the subject."""
    from memory.conversations.imports import import_index, transcript_import
    from memory.conversations.messages import conversation_start, message_append
    from memory.extraction.pipeline import message_extract
    from memory.services import subject_create

    subject = subject_create(tenant_id=EVAL_TENANT, kind=dialogue["subject"]["kind"])
    full = dialogue["subject"]["name"]
    SetNames.names[subject.pk] = [full, full.split()[0]]
    turns = dialogue["turns"]
    times = _turn_times(len(turns))
    if dialogue["channel"] == "transcript":
        job = transcript_import(
            subject=subject,
            turns=[
                {
                    "speaker": t["speaker"],
                    "role": t["role"],
                    "text": t["text"],
                    "occurred_at": at,
                    "external_id": f"{dialogue['id']}-{i}",
                }
                for i, (t, at) in enumerate(zip(turns, times, strict=True))
            ],
            index=False,
        )
        import_index(job=job, extractor=extractor)
        return subject
    conversation = conversation_start(subject=subject)
    for turn, at in zip(turns, times, strict=True):
        message = message_append(
            conversation=conversation,
            role="assistant" if turn["role"] == "assistant" else "user",
            speaker=turn["speaker"],
            speaker_role=turn["role"],
            text=turn["text"],
            occurred_at=at,
            extract=False,
        )
        message_extract(message=message, extractor=extractor, consolidate=False)
    return subject


# ------------------------------------------------------------------- the measure


def _field(payload: dict, name: str):
    value = payload
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _goal_derived(payload: dict, name: str, said_at: datetime):
    """Read a goal's year or years-from-now from its target date."""
    if payload.get(name) is not None:
        return payload[name]
    when = payload.get("target_date")
    if not when:
        return None
    year = int(str(when)[:4])
    return year if name == "target_year" else year - said_at.year


def _same(expected, found) -> bool:
    if isinstance(expected, bool) or isinstance(found, bool):
        return expected == found
    if isinstance(expected, int | float) and isinstance(found, int | float):
        return math.isclose(expected, found, rel_tol=1e-4, abs_tol=0.01)
    if isinstance(expected, list):
        return isinstance(found, list) and set(expected) <= set(found)
    if isinstance(expected, str) and isinstance(found, str):
        return expected.strip().lower() == found.strip().lower()
    return expected == found


def matches(expected: dict, memory) -> bool:
    """Return whether a memory has the kind and the fields an expectation names."""
    if memory.kind != expected["kind"]:
        return False
    if memory.proposal_action == "retract":
        return expected.get("action") == "retract"
    payload = memory.payload or {}
    for name, want in expected["fields"].items():
        if memory.kind == "goal" and name in ("target_year", "in_years"):
            got = _goal_derived(payload, name, memory.valid_from or SAID_AT)
        else:
            got = _field(payload, name)
        if got is None or not _same(want, got):
            return False
    return True


def score_dialogue(dialogue: dict, memories: list) -> dict:
    """Match one dialogue's memories to its expectations; return the tallies."""
    left = list(memories)
    found = []
    for expected in dialogue["expect"]:
        wanted = (
            "active" if expected.get("status", "active") == "active" else "proposed"
        )
        candidates = [m for m in left if matches(expected, m)]
        # A memory of the right status answers first.
        candidates.sort(key=lambda m: m.status != wanted)
        if candidates:
            memory = candidates[0]
            left.remove(memory)
            found.append((expected, memory))
        else:
            found.append((expected, None))
    return {"found": found, "extra": left}


def evaluate(
    dataset: dict,
    *,
    extractor=None,
    label: str = "",
    progress=None,
    before_each=None,
) -> dict:
    """Run every dialogue of a set and return its figures (see the module).

    ``before_each(dialogue)``, if given, runs before each dialogue is played.
    """
    from django.test import override_settings

    from memory.models import Memory, MemoryStatus

    per_kind = {
        kind: Counter(gold=0, hit=0, hit_any=0, memories=0, correct=0) for kind in KINDS
    }
    per_topic: dict[str, Counter] = defaultdict(Counter)
    held = applied_hedged = 0
    misses, extras = [], []
    started = time.perf_counter()
    dialogues = dataset["dialogues"]
    with override_settings(MEMORY_TENANCY_PROVIDER=PROVIDER):
        for dialogue in dialogues:
            if before_each:
                before_each(dialogue)
            subject = run_dialogue(dialogue, extractor=extractor)
            memories = list(
                Memory.objects.filter(
                    subject=subject,
                    status__in=[MemoryStatus.ACTIVE, MemoryStatus.PROPOSED],
                ).exclude(kind="episode")
            )
            result = score_dialogue(dialogue, memories)
            topic = per_topic[dialogue["topic"]]
            for expected, memory in result["found"]:
                kind = per_kind[expected["kind"]]
                kind["gold"] += 1
                topic["gold"] += 1
                if memory is None:
                    misses.append((dialogue, expected))
                    continue
                kind["hit_any"] += 1
                wanted = expected.get("status", "active")
                if memory.status == wanted:
                    kind["hit"] += 1
                    topic["hit"] += 1
                elif wanted == "active":
                    held += 1
                    misses.append((dialogue, expected))
                else:
                    applied_hedged += 1
                    misses.append((dialogue, expected))
            for memory in memories:
                per_kind[memory.kind]["memories"] += 1
                topic["memories"] += 1
            for _, memory in result["found"]:
                if memory is not None:
                    per_kind[memory.kind]["correct"] += 1
                    topic["correct"] += 1
            extras.extend((dialogue, memory) for memory in result["extra"])
            if progress:
                progress.advance()
    seconds = time.perf_counter() - started
    total = Counter()
    for counts in per_kind.values():
        total.update(counts)
    figures = {
        "set": dataset.get("name", ""),
        "extractor": label,
        "dialogues": len(dialogues),
        "expected": total["gold"],
        "memories": total["memories"],
        "precision": _ratio(total["correct"], total["memories"]),
        "recall": _ratio(total["hit"], total["gold"]),
        "recall_incl_proposed": _ratio(total["hit_any"], total["gold"]),
        "clear_held_for_review": held,
        "hedged_applied": applied_hedged,
        "per_kind": {
            kind: {
                "expected": c["gold"],
                "memories": c["memories"],
                "precision": _ratio(c["correct"], c["memories"]),
                "recall": _ratio(c["hit"], c["gold"]),
            }
            for kind, c in per_kind.items()
        },
        "recall_per_topic": {
            topic: _ratio(c["hit"], c["gold"]) for topic, c in sorted(per_topic.items())
        },
        "dialogues_per_s": round(len(dialogues) / seconds, 1) if seconds else None,
    }
    figures["_misses"], figures["_extras"] = misses, extras
    return figures


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


# ------------------------------------------------------------ the scripted model


def _key_of(expected: dict) -> str:
    kind, f = expected["kind"], expected["fields"]
    if kind == "holding":
        account = f.get("account")
        return f"holding:{f['instrument']}" + (f":{account}" if account else "")
    if kind == "view":
        return (
            f"view:{f['instrument']}"
            if f.get("instrument")
            else (f"view:sector:{f['sector']}")
        )
    if kind == "preference":
        if not f.get("sectors") and not f.get("instruments"):
            # How and when to be contacted: the topic is the slot.
            return f"preference:{f['polarity']}:contact:{f.get('topic', '?')}"
        item = (f.get("sectors") or f.get("instruments"))[0]
        sort = "sector" if f.get("sectors") else "instrument"
        return f"preference:{f['polarity']}:{sort}:{item}"
    if kind == "goal":
        return f"goal:{f['goal'].replace(' ', '_')}"
    if kind == "profile":
        return "profile:" + "|".join(sorted(f)).replace(".", ":")
    return f"fact:{f.get('category')}:{f.get('event')}"


def _payload_of(expected: dict) -> dict:
    payload: dict = {}
    for name, value in expected["fields"].items():
        if expected["kind"] == "goal" and name == "target_year":
            payload["target_date"] = f"{value}-01-01"
            continue
        if expected["kind"] == "goal" and name == "in_years":
            payload["target_date"] = f"{SAID_AT.year + value}-01-01"
            continue
        head, _, rest = name.partition(".")
        if rest:
            payload.setdefault(head, {})[rest] = value
        else:
            payload[name] = value
    if expected["kind"] == "preference":
        items = payload.get("sectors") or payload.get("instruments") or []
        payload.setdefault("topic", items[0] if items else "unspecified")
    return payload


def scripted_answers(dialogue: dict) -> dict[str, dict]:
    """Return, per turn text, what the scripted model answers for it.

    The last turn a person spoke states every expected memory (hedged ones
    with a low confidence); the others state nothing.
    """
    spoken = [t for t in dialogue["turns"] if t["role"] != "assistant"]
    answers = {t["text"]: {"memories": []} for t in spoken}
    if spoken:
        answers[spoken[-1]["text"]] = {
            "memories": [
                {
                    "kind": e["kind"],
                    "key": _key_of(e),
                    "text": f"{e['kind'].capitalize()}: "
                    + ", ".join(f"{k} {v}" for k, v in e["fields"].items()),
                    "payload_json": json.dumps(_payload_of(e)),
                    "action": "assert",
                    "confidence": 0.9 if e.get("status", "active") == "active" else 0.5,
                    "importance": 0.6,
                }
                for e in dialogue["expect"]
            ]
        }
    return answers


_MESSAGE = re.compile(r"\nMessage:\n(?P<text>.*)\Z", re.DOTALL)


def evaluate_model_path(dataset: dict, *, progress=None) -> dict:
    """Run a set through the model extractor against the fake server."""
    from django.test import override_settings

    from memory.extraction.pipeline import get_extractor
    from tests.fakes.openai_server import FakeOpenAIServer

    script: dict[str, dict] = {}

    def answer(body: dict) -> dict:
        match = _MESSAGE.search(body["messages"][-1]["content"])
        return script.get(match.group("text") if match else "", {"memories": []})

    def script_of(dialogue: dict) -> None:
        script.clear()
        script.update(scripted_answers(dialogue))

    with FakeOpenAIServer() as server:
        server.chat_handler = answer
        overrides = server.settings_overrides(MEMORY_EXTRACTOR="llm")
        overrides.pop("OPENAI_EMBEDDING_MODEL")  # embeddings stay offline
        with override_settings(**overrides):
            extractor = get_extractor()
            figures = evaluate(
                dataset,
                extractor=extractor,
                label=extractor.author_label,
                progress=progress,
                before_each=script_of,
            )
        figures["model_requests"] = len(server.chat_requests)
    return figures


def public(figures: dict) -> dict:
    """Return the figures without the misses kept for ``--show-misses``."""
    return {k: v for k, v in figures.items() if not k.startswith("_")}


def show_misses(figures: dict, out=sys.stderr) -> None:
    for dialogue, expected in figures["_misses"]:
        turns = " | ".join(f"{t['role']}: {t['text']}" for t in dialogue["turns"])
        out.write(f"MISS {dialogue['id']} {expected}\n    {turns}\n")
    for dialogue, memory in figures["_extras"]:
        turns = " | ".join(f"{t['role']}: {t['text']}" for t in dialogue["turns"])
        out.write(
            f"EXTRA {dialogue['id']} {memory.kind} {memory.status} {memory.payload}"
            f" ({memory.text})\n    {turns}\n"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=list(SETS), default="dev")
    parser.add_argument("--extractor", choices=["rules", "llm"], default="rules")
    parser.add_argument("--topic", default="")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    from bench.run import django_setup

    django_setup()
    dataset = load_set(SETS[args.set])
    if args.topic:
        dataset["dialogues"] = [
            d for d in dataset["dialogues"] if d["topic"] == args.topic
        ]
    if args.extractor == "llm":
        figures = evaluate_model_path(dataset)
    else:
        figures = evaluate(dataset, label="rules")
    if args.show_misses:
        show_misses(figures)
    json.dump(public(figures), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
