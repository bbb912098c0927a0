"""Extra keys that point back to turns: a turn's session, and what was drawn from it.

A question often names what a whole conversation was about ("the trip to Porto",
"the donation to the library") while the turn holding the answer says little
("Finally, it's done, $2,000"). So each session (a conversation's turns of one day)
is a key of its own: a document of all its turns' words, scored by BM25 among the
subject's sessions, whose score lifts the turns of that session that match the
question at all. The session's document is made from its live turns at query time,
so a rollback, a retraction or an erasure changes it at once, and nothing derived
from erased words is ever stored.

A semantic memory extracted from turns ("Holds 225 shares of Disney") is a key too:
the question's words found in it lift the turns it was drawn from, which may say the
same thing in other words or only half of it.

Both are rankings of the turns, fused with the others by ``search``; these are the
SQL parts (common table expressions) that compute them from the search's ``scope``,
``stats``, ``weights`` and ``hits``.
"""

# Each session a document: its length in terms, how many of its turns hold each
# asked word (the word's frequency in the document), and BM25 over the sessions.
SESSION_CTES = """
session_lengths AS (
    SELECT conversation, day, sum(terms) AS terms
    FROM scope WHERE conversation IS NOT NULL
    GROUP BY conversation, day
),
session_stats AS (
    SELECT count(*) AS n, greatest(avg(terms), 1) AS avg_terms FROM session_lengths
),
session_words AS (
    SELECT conversation, day, lexeme, count(*) AS frequency
    FROM hits WHERE conversation IS NOT NULL
    GROUP BY conversation, day, lexeme
),
session_weights AS (
    SELECT session_words.lexeme,
           min(weights.weight) * ln(
               1 + (min(session_stats.n) - count(*) + 0.5) / (count(*) + 0.5)
           ) AS idf
    FROM session_words
    JOIN weights ON weights.lexeme = session_words.lexeme
    CROSS JOIN session_stats
    GROUP BY session_words.lexeme
),
sessions AS MATERIALIZED (
    SELECT session_words.conversation, session_words.day,
           sum(
               session_weights.idf * session_words.frequency * (1.2 + 1) / (
                   session_words.frequency + 1.2 * (
                       1 - 0.75 + 0.75 * session_lengths.terms
                       / session_stats.avg_terms
                   )
               )
           ) AS score,
           row_number() OVER (ORDER BY sum(
               session_weights.idf * session_words.frequency * (1.2 + 1) / (
                   session_words.frequency + 1.2 * (
                       1 - 0.75 + 0.75 * session_lengths.terms
                       / session_stats.avg_terms
                   )
               )
           ) DESC, session_words.conversation, session_words.day) AS place
    FROM session_words
    JOIN session_weights ON session_weights.lexeme = session_words.lexeme
    JOIN session_lengths ON session_lengths.conversation = session_words.conversation
         AND session_lengths.day = session_words.day
    CROSS JOIN session_stats
    GROUP BY session_words.conversation, session_words.day
),
"""

# The turns each matching semantic memory was drawn from, with the memory's word
# score (the best, when several memories point at one turn). Both CTEs are
# materialised and the links read by memory, per matching memory: on a fresh
# subject the planner expects one row everywhere and would otherwise rerun them
# for every turn (and scan every link of the table each time).
MEMORY_KEY_CTES = """
memory_keys AS MATERIALIZED (
    SELECT position, max(score) AS score
    FROM (
        SELECT matches.score, unnest(ARRAY(
            SELECT link.message_id FROM memory_memory_source_messages link
            WHERE link.memory_id = matches.id
        )) AS position
        FROM matches
        JOIN scope ON scope.id = matches.id AND scope.conversation IS NULL
    ) AS sourced
    GROUP BY position
),
"""
