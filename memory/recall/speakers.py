"""The person a question names: favour what that person said.

In a conversation between two people a question names one of them ("What did
Noor cook?"), and the answer is a turn that person said, which seldom holds their
own name; turns that do hold it are mostly the other person addressing them
("Noor, you have to try this"). So a word of the question that is a speaker's name
is not a word to match but a choice of speaker: it leaves the word ranking, and the
turns that speaker said rank first among those that match the question's other
words, as a ranking of its own in the fusion.

These are the SQL parts (common table expressions) that compute it from the
search's ``scope`` (each turn's ``speaker``) and the question's ``words``.
"""

# The speakers of the subject's turns whose names (any word of them, stemmed as
# the question's words are) the question says.
SPEAKER_CTES = """
speaker_words AS (
    SELECT known.speaker, lexeme
    FROM (SELECT DISTINCT speaker FROM scope WHERE speaker <> '') AS known,
         unnest(tsvector_to_array(to_tsvector('english', known.speaker))) AS lexeme
),
named AS (
    SELECT speaker_words.speaker, speaker_words.lexeme
    FROM speaker_words
    JOIN words ON words.lexeme = speaker_words.lexeme AND words.weight = 1.0
),
"""
