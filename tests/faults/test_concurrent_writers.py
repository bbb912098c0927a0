"""Twenty concurrent writers on one subject: nothing lost, no deadlock, one chain.

The writers are ``bench/concurrency_bench.py``'s (``make bench`` runs them for
longer): edits of shared memories, racing reviews, new facts and retractions, a
market refresh with prices moving, a transcript import with its indexing, and
chat turns, extracted and every second one rolled back.
"""

import pytest

from bench.concurrency_bench import run_writers

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_twenty_writers_on_one_subject_lose_nothing_and_keep_one_valid_chain():
    figures = run_writers(writers=20, seconds=8)

    assert figures["concurrent_writers_errors"] == []
    assert figures["concurrent_writers_hung"] == 0
    calls = figures["concurrent_writers_calls"]
    for kind in (
        "edit",
        "record",
        "retract",
        "refresh",
        "import",
        "quote",
        "turn",
        "rollback",
    ):
        assert calls.get(kind, 0) > 0, (kind, calls)
    assert calls.get("approve", 0) + calls.get("reject", 0) > 0, calls
    assert figures["lost_updates"] == []
    assert figures["replay_matches_live"]
    assert figures["chain_valid"], figures["chain_problem"]
    assert figures["concurrent_writers_events"] > 100
    assert figures["concurrent_writers_events_per_s"] > 0
