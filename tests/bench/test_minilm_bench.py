"""The MiniLM search benchmark: skipped without the extra, exact with it."""

import importlib.util

import pytest
from django.test import override_settings

from bench import minilm_bench
from memory.models import Memory, Subject

pytestmark = pytest.mark.django_db


def test_the_minilm_section_is_skipped_without_the_extra(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)

    result = minilm_bench.run(queries=5, recall=False)

    assert result == {
        "skipped": "sentence_transformers is not installed (the optional "
        "'minilm' extra)"
    }
    assert not Subject.objects.filter(tenant_id=minilm_bench.MINILM_TENANT).exists()


def test_the_minilm_bench_never_asks_the_same_question_twice():
    import random

    queries = minilm_bench.query_texts(random.Random(1), 320)

    assert len(set(queries)) == 320
    assert queries == minilm_bench.query_texts(random.Random(1), 320)


@pytest.mark.skipif(
    minilm_bench.minilm_missing() is not None,
    reason=minilm_bench.minilm_missing() or "",
)
def test_the_minilm_bench_builds_once_and_finds_the_exact_top_10(monkeypatch):
    monkeypatch.setattr(minilm_bench, "SUBJECTS", 3)

    result = minilm_bench.run(queries=12, recall=False)
    with override_settings(MEMORY_EMBEDDER="offline"):
        again = minilm_bench.dataset_ready()

    memories = Memory.objects.filter(tenant_id=minilm_bench.MINILM_TENANT)
    assert result["dataset"] == "built" and again == {"dataset": "reused"}
    assert memories.count() == 300
    assert set(memories.values_list("embedding_model", flat=True)) == {
        "minilm/all-MiniLM-L6-v2"
    }
    assert result["queries"] == 12
    assert result["vector_top10_exact_rate"] == 1.0
    assert result["results_10_rate"] == 1.0
    assert result["search_p95_ms"] >= result["query_embed_p50_ms"] > 0
