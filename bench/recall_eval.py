"""Measure evidence recall@k on the recall sets.

``bench/recall_devset.json`` is the development set (search is tuned on it);
``bench/recall_heldout.json`` is the held-out set, written apart and never tuned
on. ``recall_at_k`` is the metric; ``evaluate`` runs any ranker over a set. Run as
``python -m bench.recall_eval [--set heldout]`` to print the baselines the app's
hybrid search is compared against: plain BM25, BM25 over each turn with its
neighbouring turns of the same session, and plain dense cosine over the offline
embedder, each ranking all the turns of the question's subject.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

DEVSET = Path(__file__).with_name("recall_devset.json")
HELDOUT = Path(__file__).with_name("recall_heldout.json")
# A third check, friends' casual chats with dated sessions (never tuned on).
CASUAL = Path(__file__).with_name("recall_casual.json")
SETS = {"dev": DEVSET, "heldout": HELDOUT, "casual": CASUAL}
KS = (5, 10)

# subject, question -> turn ids, best first
Ranker = Callable[[str, str], list[str]]


def recall_at_k(ranked_turn_ids: list[str], evidence: list[str], k: int) -> float:
    """Return the fraction of the evidence turns found among the top ``k`` ranked."""
    if not evidence:
        raise ValueError("A question needs at least one evidence turn")
    if k < 1:
        raise ValueError("k must be at least 1")
    top = set(ranked_turn_ids[:k])
    wanted = set(evidence)
    return len(wanted & top) / len(wanted)


def load_devset(path: Path = DEVSET) -> dict:
    """Return the dev set as parsed JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def set_main(
    build: Callable[[int], dict], *, description: str, seed: int, output: Path
) -> None:
    """The command line of a recall set's generator: ``--seed`` and ``--output``,
    then write the set and print its size."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--output", type=Path, default=output)
    args = parser.parse_args()
    built = build(args.seed)
    text = json.dumps(built, indent=1, ensure_ascii=False) + "\n"
    args.output.write_text(text, encoding="utf-8")
    turns = sum(
        len(session["turns"])
        for conversation in built["conversations"]
        for session in conversation["sessions"]
    )
    kinds = Counter(question["type"] for question in built["questions"])
    print(
        f"wrote {args.output} ({len(text) / 1e6:.2f} MB): "
        f"{len(built['conversations'])} conversations, {turns} turns, "
        f"{len(built['questions'])} questions {dict(kinds)}"
    )


def turns_by_subject(devset: dict) -> dict[str, list[tuple[str, str]]]:
    """Return each subject's turns as ``(turn_id, text)`` in conversation order."""
    turns: dict[str, list[tuple[str, str]]] = {}
    for conversation in devset["conversations"]:
        turns[conversation["subject"]] = [
            (turn["turn_id"], turn["text"])
            for session in conversation["sessions"]
            for turn in session["turns"]
        ]
    return turns


def context_turns_by_subject(
    devset: dict, width: int = 1
) -> dict[str, list[tuple[str, str]]]:
    """Return each subject's turns, each with the ``width`` turns either side of it
    in its session, as one document: the neighbour-context BM25 baseline."""
    turns: dict[str, list[tuple[str, str]]] = {}
    for conversation in devset["conversations"]:
        documents = turns.setdefault(conversation["subject"], [])
        for session in conversation["sessions"]:
            texts = [turn["text"] for turn in session["turns"]]
            for index, turn in enumerate(session["turns"]):
                window = texts[max(0, index - width) : index + width + 1]
                documents.append((turn["turn_id"], " ".join(window)))
    return turns


def evaluate(devset: dict, rank: Ranker, ks: Iterable[int] = KS) -> dict:
    """Return mean recall@k overall and per question type for ``rank``.

    The result maps ``"all"`` and each type to ``{"n": count, "recall@k": mean}``.
    """
    ks = tuple(ks)
    totals: dict[str, dict[str, float]] = {}
    for question in devset["questions"]:
        ranked = rank(question["subject"], question["question"])
        for group in ("all", question["type"]):
            row = totals.setdefault(group, {"n": 0, **{f"recall@{k}": 0.0 for k in ks}})
            row["n"] += 1
            for k in ks:
                row[f"recall@{k}"] += recall_at_k(ranked, question["evidence"], k)
    for row in totals.values():
        for k in ks:
            row[f"recall@{k}"] /= row["n"]
    return totals


# --------------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_BM25_STOP_WORDS = frozenset(
    "a an and are as at be but by did do does for from had has have he her his how "
    "i in is it its me my of on or our she so that the their them they this to was "
    "we were what when where which who why will with you your".split()
)


def bm25_tokens(text: str) -> list[str]:
    """Split text into lowercase words, without stemming or synonyms."""
    return [w for w in _WORD.findall(text.lower()) if w not in _BM25_STOP_WORDS]


class BM25:
    """Okapi BM25 over a fixed list of documents."""

    def __init__(
        self, documents: list[tuple[str, str]], k1: float = 1.2, b: float = 0.75
    ) -> None:
        self.ids = [doc_id for doc_id, _ in documents]
        self.k1, self.b = k1, b
        self.term_counts = [Counter(bm25_tokens(text)) for _, text in documents]
        self.lengths = [sum(counts.values()) for counts in self.term_counts]
        self.average_length = sum(self.lengths) / max(1, len(self.lengths))
        frequency: Counter[str] = Counter()
        for counts in self.term_counts:
            frequency.update(counts.keys())
        total = len(documents)
        self.idf = {
            term: math.log(1 + (total - df + 0.5) / (df + 0.5))
            for term, df in frequency.items()
        }

    def rank(self, query: str) -> list[str]:
        """Return document ids, best match first."""
        terms = [t for t in set(bm25_tokens(query)) if t in self.idf]
        scores = []
        for index, counts in enumerate(self.term_counts):
            norm = self.k1 * (
                1 - self.b + self.b * self.lengths[index] / self.average_length
            )
            score = 0.0
            for term in terms:
                tf = counts.get(term)
                if tf:
                    score += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
            scores.append(score)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        return [self.ids[i] for i in order]


class DenseIndex:
    """Exact cosine search over unit vectors from an embedder."""

    def __init__(self, documents: list[tuple[str, str]], embedder) -> None:
        self.ids = [doc_id for doc_id, _ in documents]
        self.embedder = embedder
        self.vectors = embedder.embed_documents([text for _, text in documents])

    def rank(self, query: str) -> list[str]:
        """Return document ids, most similar first."""
        q = self.embedder.embed_query(query)
        scores = [sum(a * b for a, b in zip(q, v, strict=True)) for v in self.vectors]
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        return [self.ids[i] for i in order]


def per_subject_ranker(
    devset: dict, build: Callable[[list], object], *, context: int = 0
) -> Ranker:
    """Return a ranker that searches only the turns of the question's subject.

    With ``context``, each turn is indexed with that many turns either side.
    """
    documents = (
        context_turns_by_subject(devset, context)
        if context
        else turns_by_subject(devset)
    )
    indexes = {subject: build(turns) for subject, turns in documents.items()}

    def rank(subject: str, question: str) -> list[str]:
        return indexes[subject].rank(question)

    return rank


def print_report(name: str, results: dict, seconds: float) -> None:
    """Print one method's recall table."""
    print(f"\n{name}  ({seconds:.1f} s)")
    print(f"  {'type':<18}{'n':>5}{'R@5':>8}{'R@10':>8}")
    groups = ["all"] + sorted(group for group in results if group != "all")
    for group in groups:
        row = results[group]
        print(
            f"  {group:<18}{row['n']:>5}{row['recall@5']:>8.3f}{row['recall@10']:>8.3f}"
        )


def main() -> None:
    """Print recall@5 and recall@10 of the BM25 and dense baselines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="dev")
    parser.add_argument(
        "--embedder",
        choices=("offline", "minilm"),
        default="offline",
        help="embedder of the dense baseline (minilm needs the optional extra)",
    )
    args = parser.parse_args()
    devset = load_devset(SETS[args.set])
    turns = sum(len(t) for t in turns_by_subject(devset).values())
    print(f"{len(devset['questions'])} questions over {turns} turns")

    started = time.perf_counter()
    bm25 = per_subject_ranker(devset, BM25)
    print_report("BM25", evaluate(devset, bm25), time.perf_counter() - started)
    started = time.perf_counter()
    bm25_context = per_subject_ranker(devset, BM25, context=1)
    print_report(
        "BM25, each turn with its neighbours",
        evaluate(devset, bm25_context),
        time.perf_counter() - started,
    )

    from memory.recall.embedders import OfflineEmbedder
    from memory.recall.minilm import MiniLMEmbedder

    embedder = MiniLMEmbedder() if args.embedder == "minilm" else OfflineEmbedder()
    started = time.perf_counter()
    dense = per_subject_ranker(devset, lambda docs: DenseIndex(docs, embedder))
    print_report(
        f"dense ({embedder.name}, cosine)",
        evaluate(devset, dense),
        time.perf_counter() - started,
    )


if __name__ == "__main__":
    main()
