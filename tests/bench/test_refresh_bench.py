"""The refresh benchmark runs end to end on a small dataset (``make bench`` runs it
at 100,000 references): its checks hold and it reports every figure."""

import pytest

from bench import refresh_bench

# VACUUM, which the benchmark runs to let the database settle, cannot run in a
# test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_refresh_benchmark_runs_its_three_passes(monkeypatch):
    from memory.readings import refresh

    monkeypatch.setattr(refresh, "REFRESH_CHUNK", 150)  # several chunks, threads
    monkeypatch.setattr(refresh_bench, "QUOTE_HISTORY", 3)

    figures = refresh_bench.run(references=400, instruments=10)

    assert figures["refresh_references"] == figures["refresh_events"] == 400
    assert figures["refresh_instruments"] == 10
    assert figures["refresh_subjects"] == 20
    assert figures["refresh_alerts"] > 0
    for name in ("refs_per_s", "noop_refs_per_s", "moved_refs_per_s"):
        assert figures[f"refresh_{name}"] > 0
