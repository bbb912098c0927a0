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

from memory.models import Memory, MemoryStatus, Subject

from .embedders import get_embedder
from .expansion import EXPANSION_WEIGHT, expansion_words, query_words
from .hits import hits_load, prepared_rows

DEFAULTS = {
    "rrf_k": 60,
    # Candidates taken from each ranking before fusion; repeats collapse after it.
    "pool": 100,
    "weight_rrf": 1.0,
    "weight_recency": 0.1,
    "weight_importance": 0.1,
    "recency_half_life_days": 365,
    # Context: the share of a neighbouring turn's score an episode takes on, for
    # the turns next to it and for those two away, and the weight of the two
    # context rankings in the fusion beside the plain ones.
    "context_near": 0.5,
    "context_far": 0.25,
    # The weight of each ranking in the fusion: meaning, words, and words with each
    # turn's context. The offline embedder's meaning is the noisier signal (a
    # hashed bag of words), so it counts for half; words in context count double,
    # since an answer's words are so often in the question just before it.
    "weight_dense": 0.5,
    "weight_lexical": 1.0,
    "weight_context_lexical": 2.0,
    # Widen the word ranking with the thesaurus of ``expansion``.
    "expand_query": True,
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


# The subject's rows are materialised first, so the planner cannot reach them through
# the approximate HNSW index. Words are ranked by BM25 over that scope: each query
# term weighs by its rarity among the subject's own memories (a word said in every
# session counts for little, a rare one for much), with OR semantics, so a question
# matches a turn that shares only some of its words (BM25's usual k1 = 1.2, b = 0.75).
#
# A turn rarely answers a question alone: "I picked up 200 more" means nothing
# without the turn before it naming the company. So each episode is also scored
# with its context, the turns around it in the same session (same conversation,
# same day): its own word score plus a decaying share of its neighbours' (half of
# the turns next to it, a quarter of those two away). That is a third ranking,
# fused with the plain two; a semantic memory has no neighbours and keeps its own
# score. (Meaning in context was tried too: with the offline embedder it added
# noise, not recall.)
SUBJECT_SQL = """
WITH scope AS MATERIALIZED (
    SELECT id, embedding, search_vector, length(search_vector) AS terms, importance,
           coalesce(valid_from, recorded_at) AS moment, kind,
           CASE WHEN kind = 'episode'
                THEN (payload->>'conversation_id')::bigint END AS conversation,
           CASE WHEN kind = 'episode'
                THEN (payload->>'message_id')::bigint END AS position
    FROM memory_memory
    WHERE {where}
),
stats AS (
    SELECT count(*) AS n, greatest(avg(terms), 1) AS avg_terms FROM scope
),
words AS (
    -- Each term's query is built once here, not once per row it is tried on.
    SELECT lexeme, max(weight) AS weight,
           plainto_tsquery('simple', lexeme) AS query
    FROM (
        SELECT lexeme, 1.0 AS weight
        FROM unnest(tsvector_to_array(to_tsvector('english', %(text)s))) AS lexeme
        UNION ALL
        SELECT lexeme, %(expansion_weight)s
        FROM unnest(tsvector_to_array(to_tsvector('english', %(expansion)s))) AS lexeme
    ) AS asked
    GROUP BY lexeme
),
weights AS (
    SELECT words.lexeme, words.query,
           min(words.weight)
           * ln(1 + (min(stats.n) - count(*) + 0.5) / (count(*) + 0.5)) AS idf
    FROM words CROSS JOIN stats
    JOIN scope ON scope.search_vector @@ words.query
    GROUP BY words.lexeme, words.query
),
matches AS (
    SELECT scope.id,
           sum(weights.idf) * (1.2 + 1) / (
               1 + 1.2 * (
                   1 - 0.75 + 0.75 * min(scope.terms) / min(stats.avg_terms)
               )
           ) AS score
    FROM scope
    JOIN weights ON scope.search_vector @@ weights.query
    CROSS JOIN stats
    GROUP BY scope.id
),
scored AS MATERIALIZED (
    SELECT scope.id, scope.conversation, scope.position, scope.moment,
           1 - (scope.embedding <=> %(vector)s::vector) AS similarity,
           matches.score AS lexical
    FROM scope LEFT JOIN matches ON matches.id = scope.id
),
framed AS (
    SELECT id, conversation, similarity, lexical,
           coalesce(lag(lexical) OVER session, 0)
           + coalesce(lead(lexical) OVER session, 0) AS lexical_near,
           coalesce(lag(lexical, 2) OVER session, 0)
           + coalesce(lead(lexical, 2) OVER session, 0) AS lexical_far
    FROM scored
    WINDOW session AS (
        PARTITION BY conversation, (moment AT TIME ZONE 'UTC')::date
        ORDER BY position
    )
),
context AS (
    SELECT id, similarity, lexical,
           CASE WHEN conversation IS NULL THEN lexical
                ELSE coalesce(lexical, 0) + %(near)s * lexical_near
                     + %(far)s * lexical_far
           END AS lexical_context
    FROM framed
),
ranked AS (
    SELECT id, similarity, lexical,
           -- Ties broken as an exact scan by distance breaks them.
           CASE WHEN similarity IS NOT NULL THEN row_number() OVER (
               ORDER BY similarity DESC NULLS LAST, id) END AS dense_rank,
           CASE WHEN lexical > 0 THEN row_number() OVER (
               ORDER BY lexical DESC NULLS LAST, id DESC) END AS lexical_rank,
           CASE WHEN lexical_context > 0 THEN row_number() OVER (
               ORDER BY lexical_context DESC NULLS LAST, id DESC)
           END AS context_lexical_rank
    FROM context
)
SELECT scope.id, ranked.dense_rank, ranked.similarity, ranked.lexical_rank,
       ranked.lexical, scope.importance, scope.moment, md5(lower(memory.text)),
       ranked.context_lexical_rank,
       CASE WHEN scope.kind = 'episode' THEN ARRAY[scope.position] ELSE (
           SELECT array_agg(link.message_id) FROM memory_memory_source_messages link
           WHERE link.memory_id = scope.id
       ) END
FROM ranked
JOIN scope ON scope.id = ranked.id
JOIN memory_memory memory ON memory.id = ranked.id
WHERE ranked.dense_rank <= %(pool)s OR ranked.lexical_rank <= %(pool)s
   OR ranked.context_lexical_rank <= %(pool)s
"""


def _subject_where(
    *, subject, kinds, statuses, as_of, include_house_views
) -> tuple[str, dict]:
    params: dict = {"subject_id": subject.pk}
    statuses = list(statuses or (AS_OF_STATUSES if as_of else [MemoryStatus.ACTIVE]))
    own = ["subject_id = %(subject_id)s", "status = ANY(%(statuses)s)"]
    params["statuses"] = statuses
    if kinds:
        own.append("kind = ANY(%(kinds)s)")
        params["kinds"] = list(kinds)
    if as_of is not None:
        own.append(
            "recorded_at <= %(as_of)s"
            " AND (valid_from IS NULL OR valid_from <= %(as_of)s)"
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
    return where, params


def subject_search_sql(
    *,
    subject: Subject,
    query: str,
    kinds: list[str] | None = None,
    statuses: list[str] | None = None,
    as_of: datetime | None = None,
    include_house_views: bool = False,
    limit: int = 10,
) -> tuple[str, dict]:
    """Return the SQL and parameters of a subject's candidate rows for ``query``.

    Each row is ``(id, dense rank, cosine similarity, lexical rank, lexical score)``;
    the benchmark runs it to compare the dense ranking with an exact scan.
    """
    where, params = _subject_where(
        subject=subject,
        kinds=kinds,
        statuses=statuses,
        as_of=as_of,
        include_house_views=include_house_views,
    )
    return SUBJECT_SQL.format(where=where), _query_params(params, query, limit)


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
    sql, params = subject_search_sql(
        subject=subject,
        query=query,
        kinds=kinds,
        statuses=statuses,
        as_of=as_of,
        include_house_views=include_house_views,
        limit=limit,
    )
    rows = prepared_rows(sql, params, binary=True)
    return _score(rows, limit, search_settings())


FIRM_SQL = """
SELECT id, row_number() OVER (ORDER BY distance) AS rank, 1 - distance, NULL, NULL,
       importance, moment, digest
FROM (
    SELECT id, embedding <=> %(vector)s::vector AS distance, importance,
           coalesce(valid_from, recorded_at) AS moment, md5(lower(text)) AS digest
    FROM memory_memory
    WHERE tenant_id = %(tenant_id)s AND status = ANY(%(statuses)s) {kinds}
      AND kind <> 'episode'
    ORDER BY embedding <=> %(vector)s::vector
    LIMIT %(pool)s
) nearest
"""
# Iterative scans keep walking the graph until the filter yields k rows; the
# candidates come back in roughly the graph's order and are put in exact order by
# distance above (relaxed_order: cheaper than strict, and the same rows). The
# candidate list is ef_search long: a longer one finds more of the exact top k
# and costs more (``make bench`` prints the trade-off at 1M memories).
FIRM_EF_SEARCH = 400
FIRM_SETTINGS = (
    "SET LOCAL hnsw.iterative_scan = relaxed_order",
    f"SET LOCAL hnsw.ef_search = {FIRM_EF_SEARCH}",
)


def firm_settings(ef_search: int = FIRM_EF_SEARCH) -> tuple[str, ...]:
    """Return the statements that tune the HNSW scan of a firm-wide search."""
    return (
        "SET LOCAL hnsw.iterative_scan = relaxed_order",
        f"SET LOCAL hnsw.ef_search = {int(ef_search)}",
    )


def firm_search_sql(
    *,
    tenant_id: int,
    query: str,
    kinds: list[str] | None = None,
    statuses: list[str] | None = None,
    limit: int = 10,
) -> tuple[str, dict]:
    """Return the SQL and parameters of a firm's nearest rows.

    Run it after ``FIRM_SETTINGS``, in the same transaction.
    """
    params = {
        "tenant_id": tenant_id,
        "statuses": list(statuses or [MemoryStatus.ACTIVE]),
    }
    kinds_sql = ""
    if kinds:
        kinds_sql = "AND kind = ANY(%(kinds)s)"
        params["kinds"] = list(kinds)
    return FIRM_SQL.format(kinds=kinds_sql), _query_params(params, query, limit)


def memory_search_firm(
    *,
    tenant_id: int,
    query: str,
    kinds: list[str] | None = None,
    statuses: list[str] | None = None,
    limit: int = 10,
) -> list[Hit]:
    """Search a whole firm's semantic memories by meaning, through the HNSW index.

    Episodes (the verbatim turns) are searched per subject, by ``memory_search``.
    """
    sql, params = firm_search_sql(
        tenant_id=tenant_id, query=query, kinds=kinds, statuses=statuses, limit=limit
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in FIRM_SETTINGS:
            cursor.execute(statement)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _score(rows, limit, search_settings())


def _query_params(params: dict, query: str, limit: int) -> dict:
    tuning = search_settings()
    vector = get_embedder().embed_query(query or "")
    return {
        **params,
        "vector": _vector_literal(vector),
        "text": query_words(query),
        "expansion": expansion_words(query) if tuning["expand_query"] else "",
        "expansion_weight": EXPANSION_WEIGHT,
        "pool": max(tuning["pool"], limit),
        "near": tuning["context_near"],
        "far": tuning["context_far"],
    }


def _score(rows, limit: int, tuning: dict) -> list[Hit]:
    """Fuse the rankings, re-score, and load only the memories that make the cut.

    Each row is ``(id, dense rank, similarity, lexical rank, lexical score,
    importance, moment, text digest)``, and for a subject's search also ``(context
    lexical rank, source message ids)``. Of rows saying the
    very same thing ("Thanks, talk soon" in every session) only the best is kept,
    and a row whose every source turn a better row already stands for (the turn's
    episode below the fact drawn from it) is left out: repeats would otherwise
    fill the top k and push out the rows that answer the query.
    """
    if not rows:
        return []
    k = tuning["rrf_k"]
    has_context = len(rows[0]) > 8
    weights = (
        tuning["weight_dense"],
        tuning["weight_lexical"],
        tuning["weight_context_lexical"] if has_context else 0.0,
    )
    now = timezone.now()
    best_rrf = sum(weights) / (k + 1)
    scored = []
    for row in rows:
        memory_id, dense_rank, similarity, lexical_rank, lexical_score = row[:5]
        importance, moment, digest = row[5], row[6], row[7]
        context_lexical, sources = row[8:10] if has_context else (None, None)
        rrf = sum(
            weight / (k + rank)
            for weight, rank in zip(
                weights,
                (dense_rank, lexical_rank, context_lexical),
                strict=True,
            )
            if rank
        )
        age_days = max(0.0, (now - moment).total_seconds() / 86400)
        recency = math.pow(0.5, age_days / tuning["recency_half_life_days"])
        score = (
            tuning["weight_rrf"] * rrf / best_rrf
            + tuning["weight_recency"] * recency
            + tuning["weight_importance"] * importance
        )
        breakdown = {
            "dense_rank": dense_rank,
            "dense_similarity": None if similarity is None else round(similarity, 4),
            "lexical_rank": lexical_rank,
            "lexical_score": None if lexical_score is None else round(lexical_score, 4),
            "rrf": round(rrf, 6),
            "recency": round(recency, 4),
            "importance": importance,
        }
        if has_context:
            breakdown["context_lexical_rank"] = context_lexical
        turns = frozenset(t for t in (sources or ()) if t is not None)
        scored.append((round(score, 6), memory_id, breakdown, digest, turns))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    top, seen, covered = [], set(), set()
    for score, memory_id, breakdown, digest, turns in scored:
        if digest in seen or (turns and turns <= covered):
            continue
        seen.add(digest)
        covered |= turns
        top.append((score, memory_id, breakdown))
        if len(top) == limit:
            break
    return _hits(top[:limit])


def _hits(top: list[tuple]) -> list[Hit]:
    """Load the chosen ``(score, id, breakdown)`` as hits, in one statement."""
    loaded = hits_load([memory_id for _, memory_id, _ in top], now=timezone.now())
    return [
        Hit(
            memory=loaded[memory_id][0],
            score=score,
            breakdown=breakdown,
            provenance=loaded[memory_id][1],
            freshness=loaded[memory_id][2],
        )
        for score, memory_id, breakdown in top
        if memory_id in loaded
    ]
