"""Hybrid retrieval: meaning (pgvector cosine) fused with words (full text).

The two rankings are fused by reciprocal rank fusion, then re-scored by recency and
importance. A subject's search scans exactly that subject's rows (a materialised
scope, so the planner cannot switch to the approximate HNSW index and silently drop
rows under the filter); a firm-wide search uses the HNSW index with pgvector 0.8's
iterative scan so its filter still returns k rows.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .embedding import get_embedder
from .market import attach_freshness
from .models import Memory, MemoryStatus, Subject

DEFAULTS = {
    "rrf_k": 60,
    "pool": 60,
    "weight_rrf": 1.0,
    "weight_recency": 0.1,
    "weight_importance": 0.1,
    "recency_half_life_days": 365,
}
# What was true at a past moment may since have been superseded or retracted.
AS_OF_STATUSES = [MemoryStatus.ACTIVE, MemoryStatus.SUPERSEDED, MemoryStatus.RETRACTED]


def search_settings() -> dict:
    return {**DEFAULTS, **getattr(settings, "MEMORY_SEARCH", {})}


@dataclass
class Hit:
    memory: Memory
    score: float
    breakdown: dict
    provenance: list[dict] = field(default_factory=list)
    freshness: dict | None = None


def _vector_literal(vector: list[float]) -> str:
    return "[" + ",".join(f"{value:.7g}" for value in vector) + "]"


SUBJECT_SQL = """
WITH scope AS MATERIALIZED (
    SELECT id, embedding, search_vector
    FROM memory_memory
    WHERE {where}
),
dense AS (
    SELECT id,
           row_number() OVER (ORDER BY embedding <=> %(vector)s::vector) AS rank,
           1 - (embedding <=> %(vector)s::vector) AS similarity
    FROM scope
    WHERE embedding IS NOT NULL
    ORDER BY embedding <=> %(vector)s::vector
    LIMIT %(pool)s
),
words AS (
    SELECT replace(plainto_tsquery('english', %(text)s)::text, ' & ', ' | ')::tsquery
        AS query
),
lexical AS (
    SELECT id,
           row_number() OVER (ORDER BY ts_rank_cd(search_vector, words.query, 1) DESC,
                              id DESC) AS rank,
           ts_rank_cd(search_vector, words.query, 1) AS score
    FROM scope, words
    WHERE search_vector @@ words.query
    ORDER BY score DESC, id DESC
    LIMIT %(pool)s
)
SELECT coalesce(dense.id, lexical.id), dense.rank, dense.similarity,
       lexical.rank, lexical.score
FROM dense FULL OUTER JOIN lexical ON dense.id = lexical.id
"""


def memory_search(
    *,
    subject: Subject,
    query: str,
    kinds: list[str] | None = None,
    statuses: list[str] | None = None,
    as_of: datetime | None = None,
    limit: int = 10,
    include_house_views: bool = False,
) -> list[Hit]:
    """Return the ``limit`` memories of ``subject`` that best match ``query``."""
    params: dict = {"subject_id": subject.pk}
    statuses = list(statuses or (AS_OF_STATUSES if as_of else [MemoryStatus.ACTIVE]))
    own = ["subject_id = %(subject_id)s", "status = ANY(%(statuses)s)"]
    params["statuses"] = statuses
    if kinds:
        own.append("kind = ANY(%(kinds)s)")
        params["kinds"] = list(kinds)
    if as_of is not None:
        own.append(
            "recorded_at <= %(as_of)s AND (valid_from IS NULL OR valid_from <= %(as_of)s)"
            " AND (valid_to IS NULL OR valid_to > %(as_of)s)"
        )
        params["as_of"] = as_of
    where = "(" + " AND ".join(own) + ")"
    if include_house_views:
        house = [
            "tenant_id = %(tenant_id)s",
            "kind = 'view'",
            "status = 'active'",
            "published_at IS NOT NULL",
        ]
        if as_of is not None:
            house.append("published_at <= %(as_of)s")
        params["tenant_id"] = subject.tenant_id
        where += " OR (" + " AND ".join(house) + ")"
    return _run(SUBJECT_SQL.format(where=where), params, query, limit)


FIRM_SQL = """
SELECT id, row_number() OVER (ORDER BY distance) AS rank, 1 - distance
FROM (
    SELECT id, embedding <=> %(vector)s::vector AS distance
    FROM memory_memory
    WHERE tenant_id = %(tenant_id)s AND status = ANY(%(statuses)s) {kinds}
    ORDER BY embedding <=> %(vector)s::vector
    LIMIT %(pool)s
) nearest
"""


def memory_search_firm(
    *,
    tenant_id: int,
    query: str,
    kinds: list[str] | None = None,
    statuses: list[str] | None = None,
    limit: int = 10,
) -> list[Hit]:
    """Search a whole firm's memories by meaning, through the HNSW index."""
    params = {
        "tenant_id": tenant_id,
        "statuses": list(statuses or [MemoryStatus.ACTIVE]),
    }
    kinds_sql = ""
    if kinds:
        kinds_sql = "AND kind = ANY(%(kinds)s)"
        params["kinds"] = list(kinds)
    with transaction.atomic(), connection.cursor() as cursor:
        # Iterative scans keep walking the graph until the filter yields k rows.
        cursor.execute("SET LOCAL hnsw.iterative_scan = strict_order")
        cursor.execute("SET LOCAL hnsw.ef_search = 200")
        return _run(
            FIRM_SQL.format(kinds=kinds_sql),
            params,
            query,
            limit,
            lexical=False,
            cursor=cursor,
        )


def _run(sql, params, query, limit, *, lexical=True, cursor=None) -> list[Hit]:
    tuning = search_settings()
    vector = get_embedder().embed_query(query or "")
    params = {
        **params,
        "vector": _vector_literal(vector),
        "text": query or "",
        "pool": max(tuning["pool"], limit),
    }
    if cursor is None:
        with connection.cursor() as own_cursor:
            own_cursor.execute(sql, params)
            rows = own_cursor.fetchall()
    else:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not lexical:
        rows = [(row[0], row[1], row[2], None, None) for row in rows]
    return _score(rows, limit, tuning)


def _score(rows, limit: int, tuning: dict) -> list[Hit]:
    if not rows:
        return []
    k = tuning["rrf_k"]
    now = timezone.now()
    memories = {
        m.pk: m
        for m in Memory.objects.filter(pk__in=[row[0] for row in rows])
        .select_related("subject")
        .prefetch_related("source_messages")
    }
    hits = []
    best_rrf = 2 / (k + 1)
    for memory_id, dense_rank, similarity, lexical_rank, lexical_score in rows:
        memory = memories.get(memory_id)
        if memory is None:
            continue
        rrf = (1 / (k + dense_rank) if dense_rank else 0) + (
            1 / (k + lexical_rank) if lexical_rank else 0
        )
        moment = memory.valid_from or memory.recorded_at
        age_days = max(0.0, (now - moment).total_seconds() / 86400)
        recency = math.pow(0.5, age_days / tuning["recency_half_life_days"])
        score = (
            tuning["weight_rrf"] * rrf / best_rrf
            + tuning["weight_recency"] * recency
            + tuning["weight_importance"] * memory.importance
        )
        hits.append(
            Hit(
                memory=memory,
                score=round(score, 6),
                breakdown={
                    "dense_rank": dense_rank,
                    "dense_similarity": None
                    if similarity is None
                    else round(similarity, 4),
                    "lexical_rank": lexical_rank,
                    "lexical_score": None
                    if lexical_score is None
                    else round(lexical_score, 4),
                    "rrf": round(rrf, 6),
                    "recency": round(recency, 4),
                    "importance": memory.importance,
                },
                provenance=[
                    {
                        "message_id": message.pk,
                        "external_id": message.external_id,
                        "occurred_at": message.occurred_at.isoformat(),
                        "speaker": message.speaker,
                        "conversation_id": message.conversation_id,
                    }
                    for message in memory.source_messages.all()
                ],
            )
        )
    hits.sort(key=lambda hit: (-hit.score, -hit.memory.pk))
    return attach_freshness(hits[:limit])
