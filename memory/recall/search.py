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
from .keys import MEMORY_KEY_CTES, SESSION_CTES
from .speakers import SPEAKER_CTES
from .temporal import (
    TIME_WORDS,
    asks_when,
    needs_anchor,
    subject_now,
    time_direction,
    time_windows,
)

DEFAULTS = {
    # Small, so that a ranking's first places stand out from its tenth: with the
    # usual 60 a lift (a session, a time) moved its turns hardly at all, and one
    # signal's many middling ranks outweighed another's first.
    "rrf_k": 10,
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
    # Turns lifted by what points back to them (``keys``): their session's
    # document, and the semantic memories drawn from them; and by time
    # (``temporal``): turns said in the time a question names, and for a "when"
    # question turns that place something in time. Each lifts only turns that
    # match the question's words, as a ranking of its own in the fusion.
    "weight_session": 1.0,
    # Only the sessions that match a question best lift their turns.
    "session_keys": 5,
    "weight_memory_key": 1.0,
    "weight_time": 1.0,
    "weight_when": 1.0,
    "weight_speaker": 1.0,
    # A question asking what was true before (or is true now) favours the
    # earliest (latest) of the turns whose words score at least this share of
    # the best.
    "weight_order": 2.0,
    "relevant": 0.5,
    # At most this many turns of one session in the results, so that an answer's
    # neighbours do not fill them and a question whose answer is in several
    # sessions finds each.
    "per_session": 100,
    # Widen the word ranking with the thesaurus of ``expansion``.
    "expand_query": True,
}
# What was true at a past moment may since have been superseded or retracted.
AS_OF_STATUSES = [MemoryStatus.ACTIVE, MemoryStatus.SUPERSEDED, MemoryStatus.RETRACTED]


# The rankings that lift turns, after the three plain ones (see ``keys`` and
# ``temporal``), as a hit's breakdown names them.
LIFTS = (
    "session_rank",
    "memory_key_rank",
    "time_rank",
    "when_rank",
    "speaker_rank",
    "order_rank",
)


# Where each ranking is in a candidate row.
RANK_COLUMNS = (1, 3, 8, 10, 11, 12, 13, 14, 15)
# A session's key, the memories drawn from a turn, the speaker.
TURN_ONLY = (10, 11, 14)


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
                THEN (payload->>'message_id')::bigint END AS position,
           CASE WHEN kind = 'episode' THEN payload->>'speaker' END AS speaker,
           (coalesce(valid_from, recorded_at) AT TIME ZONE 'UTC')::date AS day,
           CASE WHEN %(asks_when)s THEN text ~* %(time_words)s END AS dated,
           CASE WHEN cardinality(%(window_starts)s::timestamptz[]) > 0 THEN EXISTS (
               SELECT FROM unnest(%(window_starts)s::timestamptz[],
                                  %(window_ends)s::timestamptz[]) AS w(starts, ends)
               WHERE coalesce(valid_from, recorded_at) >= w.starts
                 AND coalesce(valid_from, recorded_at) < w.ends
           ) END AS in_time
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
{speakers}
word_hits AS MATERIALIZED (
    -- The one pass of every term over every row: the weights and the hits
    -- below are read from it.
    SELECT scope.id, scope.conversation, scope.day, scope.terms, words.lexeme
    FROM scope
    JOIN words ON scope.search_vector @@ words.query
    WHERE words.lexeme NOT IN (SELECT lexeme FROM named)
),
weights AS (
    SELECT words.lexeme, words.query,
           min(words.weight) AS weight,
           min(words.weight)
           * ln(1 + (min(stats.n) - count(*) + 0.5) / (count(*) + 0.5)) AS idf
    FROM words CROSS JOIN stats
    JOIN word_hits ON word_hits.lexeme = words.lexeme
    GROUP BY words.lexeme, words.query
),
hits AS MATERIALIZED (
    SELECT word_hits.id, word_hits.conversation, word_hits.day, word_hits.terms,
           weights.lexeme, weights.idf
    FROM word_hits
    JOIN weights ON weights.lexeme = word_hits.lexeme
),
matches AS (
    SELECT hits.id,
           sum(hits.idf) * (1.2 + 1) / (
               1 + 1.2 * (
                   1 - 0.75 + 0.75 * min(hits.terms) / min(stats.avg_terms)
               )
           ) AS score
    FROM hits CROSS JOIN stats
    GROUP BY hits.id
),
{keys}
scored AS MATERIALIZED (
    SELECT scope.id, scope.conversation, scope.position, scope.day, scope.moment,
           1 - (scope.embedding <=> %(vector)s::vector) AS similarity,
           matches.score AS lexical,
           CASE WHEN sessions.place <= %(sessions)s THEN sessions.score END
               AS session,
           memory_keys.score AS memory_key, scope.dated, scope.in_time,
           scope.speaker IN (SELECT speaker FROM named) AS by_named
    FROM scope
    LEFT JOIN matches ON matches.id = scope.id
    LEFT JOIN sessions ON sessions.conversation = scope.conversation
         AND sessions.day = scope.day
    LEFT JOIN memory_keys ON memory_keys.position = scope.position
),
framed AS (
    SELECT id, conversation, similarity, lexical, session, memory_key, dated,
           in_time, by_named, moment,
           coalesce(lag(lexical) OVER session, 0)
           + coalesce(lead(lexical) OVER session, 0) AS lexical_near,
           coalesce(lag(lexical, 2) OVER session, 0)
           + coalesce(lead(lexical, 2) OVER session, 0) AS lexical_far
    FROM scored
    WINDOW session AS (
        PARTITION BY conversation, day
        ORDER BY position
    )
),
context AS (
    SELECT id, similarity, lexical, session, memory_key, dated, in_time, by_named,
           moment,
           CASE WHEN conversation IS NULL THEN lexical
                ELSE coalesce(lexical, 0) + %(near)s * lexical_near
                     + %(far)s * lexical_far
           END AS lexical_context
    FROM framed
),
relevant AS (
    SELECT *, {relevant} AS relevant FROM context
),
ranked AS (
    SELECT id, similarity, lexical,
           -- Ties broken as an exact scan by distance breaks them.
           CASE WHEN similarity IS NOT NULL THEN row_number() OVER (
               ORDER BY similarity DESC NULLS LAST, id) END AS dense_rank,
           -- Equal word scores share a place, so that no ranking's ties lean
           -- one way (the newest) and add up across the rankings.
           CASE WHEN lexical > 0 THEN rank() OVER (
               ORDER BY lexical DESC NULLS LAST) END AS lexical_rank,
           CASE WHEN lexical_context > 0 THEN rank() OVER (
               ORDER BY lexical_context DESC NULLS LAST)
           END AS context_lexical_rank,
           -- The keys below lift only turns that match the words.
           CASE WHEN lexical > 0 AND session > 0 THEN rank() OVER (
               ORDER BY lexical > 0 AND session > 0 DESC NULLS LAST,
                        session * lexical_context DESC NULLS LAST)
           END AS session_rank,
           CASE WHEN memory_key > 0 THEN rank() OVER (
               ORDER BY memory_key DESC NULLS LAST)
           END AS memory_key_rank,
           {time_rank} AS time_rank,
           {when_rank} AS when_rank,
           CASE WHEN lexical_context > 0 AND by_named THEN rank() OVER (
               ORDER BY lexical_context > 0 AND by_named DESC NULLS LAST,
                        lexical_context DESC)
           END AS speaker_rank,
           {order_rank} AS order_rank
    FROM relevant
)
SELECT scope.id, ranked.dense_rank, ranked.similarity, ranked.lexical_rank,
       ranked.lexical, scope.importance, scope.moment,
       -- Read for the few candidates only: a join here let the planner scan
       -- the whole table when it misjudged how many candidates there are.
       (SELECT md5(lower(memory.text)) FROM memory_memory memory
        WHERE memory.id = ranked.id),
       ranked.context_lexical_rank,
       CASE WHEN scope.kind = 'episode' THEN ARRAY[scope.position] ELSE (
           SELECT array_agg(link.message_id) FROM memory_memory_source_messages link
           WHERE link.memory_id = scope.id
       ) END,
       ranked.session_rank, ranked.memory_key_rank, ranked.time_rank,
       ranked.when_rank, ranked.speaker_rank, ranked.order_rank,
       scope.kind = 'episode',
       scope.conversation, scope.day
FROM ranked
JOIN scope ON scope.id = ranked.id
WHERE ranked.dense_rank <= %(pool)s OR ranked.lexical_rank <= %(pool)s
   OR ranked.context_lexical_rank <= %(pool)s OR ranked.session_rank <= %(pool)s
   OR ranked.memory_key_rank <= %(pool)s OR ranked.time_rank <= %(pool)s
   OR ranked.when_rank <= %(pool)s OR ranked.speaker_rank <= %(pool)s
   OR ranked.order_rank <= %(pool)s
"""


# Said in the time the question names: the turns that match its words first,
# then the others by meaning.
TIME_RANK = """CASE WHEN in_time THEN row_number() OVER (
               ORDER BY in_time DESC NULLS LAST, lexical_context DESC NULLS LAST,
                        similarity DESC NULLS LAST, id DESC) END"""
WHEN_RANK = """CASE WHEN lexical_context > 0 AND dated THEN rank() OVER (
               ORDER BY lexical_context > 0 AND dated DESC NULLS LAST,
                        lexical_context DESC) END"""
# "Before", "originally": the earliest of the turns that match well; "now",
# "currently": the latest.
RELEVANT = "lexical_context >= %(relevant)s * max(lexical_context) OVER ()"
EARLIEST_RANK = """CASE WHEN relevant THEN row_number() OVER (
               ORDER BY relevant DESC NULLS LAST, moment, id) END"""
LATEST_RANK = """CASE WHEN relevant THEN row_number() OVER (
               ORDER BY relevant DESC NULLS LAST, moment DESC, id DESC) END"""


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
    params = _query_params(params, query, limit)
    windows = (
        time_windows(query, subject_now(subject=subject, as_of=as_of))
        if needs_anchor(query)
        else []
    )
    when, direction = asks_when(query), time_direction(query)
    params.update(
        asks_when=when,
        relevant=search_settings()["relevant"],
        time_words=TIME_WORDS,
        window_starts=[w.start for w in windows],
        window_ends=[w.end for w in windows],
    )
    # A ranking the question has no use for (no time named, no "when", no
    # "before" or "now") is left out of the statement, not computed and unused.
    none = "NULL::bigint"
    sql = SUBJECT_SQL.format(
        where=where,
        speakers=SPEAKER_CTES,
        keys=SESSION_CTES + MEMORY_KEY_CTES,
        time_rank=TIME_RANK if windows else none,
        when_rank=WHEN_RANK if when else none,
        order_rank=(EARLIEST_RANK if direction < 0 else LATEST_RANK)
        if direction
        else none,
        relevant=RELEVANT if direction else "NULL::boolean",
    )
    return sql, params


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
        "sessions": tuning["session_keys"],
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
        *(
            (
                tuning["weight_context_lexical"],
                tuning["weight_session"],
                tuning["weight_memory_key"],
                tuning["weight_time"],
                tuning["weight_when"],
                tuning["weight_speaker"],
                tuning["weight_order"],
            )
            if has_context
            else (0.0,) * 7
        ),
    )
    now = timezone.now()
    # The best fused score there could be, of the rankings this search has: a
    # question naming no time is not marked down for the time rankings it lacks.
    # Only turns have a session and memories drawn from them, so a memory is
    # measured against the best it could have, and one kind of signal cannot
    # drown another by counting more times.
    present = [i < len(rows[0]) and any(row[i] for row in rows) for i in RANK_COLUMNS]
    best_turn = sum(w for w, p in zip(weights, present, strict=True) if p)
    best_other = best_turn - sum(
        weights[RANK_COLUMNS.index(column)]
        for column in TURN_ONLY
        if present[RANK_COLUMNS.index(column)]
    )
    scored = []
    for row in rows:
        memory_id, dense_rank, similarity, lexical_rank, lexical_score = row[:5]
        importance, moment, digest = row[5], row[6], row[7]
        context_lexical, sources = row[8:10] if has_context else (None, None)
        lifts = row[10:16] if has_context else (None,) * 6
        best_rrf = ((best_turn if has_context and row[16] else best_other) or 1.0) / (
            k + 1
        )
        rrf = sum(
            weight / (k + rank)
            for weight, rank in zip(
                weights,
                (dense_rank, lexical_rank, context_lexical, *lifts),
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
            breakdown.update(zip(LIFTS, lifts, strict=True))
        turns = frozenset(t for t in (sources or ()) if t is not None)
        session = (row[17], row[18]) if has_context and row[17] else None
        scored.append((round(score, 6), memory_id, breakdown, digest, turns, session))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    top, seen, covered, per_session = [], set(), set(), {}
    cap = tuning["per_session"]
    for score, memory_id, breakdown, digest, turns, session in scored:
        if digest in seen or (turns and turns <= covered):
            continue
        if session and per_session.get(session, 0) >= cap:
            continue
        seen.add(digest)
        covered |= turns
        if session:
            per_session[session] = per_session.get(session, 0) + 1
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
