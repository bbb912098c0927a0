"""The offline rules extractor: deterministic patterns over one message.

It reads a message sentence by sentence and proposes candidate memories (holdings,
profile, goals, preferences, views, life facts). It never guesses across messages
on its own: a correction such as "actually it was 300, not 200" that names no
instrument is resolved against the candidates of the same message, or against the
``context`` the caller passes in.

The patterns are tuned to be cautious. A missed statement costs a question; a
wrong one puts a false holding or view into a client's record, which is worse.

One module per topic, each with its patterns beside the code that reads them;
``sentence`` holds the context they all read from and add to, and
``memory.extraction.speakers`` alone decides whose memory a statement is.
"""

from ..speakers import ROLES, subject_of
from .extractor import RulesExtractor
from .holdings import ACCOUNT_LABELS, find_accounts
from .numbers import AMOUNT, parse_amount, parse_int
from .sentence import split_sentences

__all__ = [
    "ACCOUNT_LABELS",
    "AMOUNT",
    "ROLES",
    "RulesExtractor",
    "find_accounts",
    "parse_amount",
    "parse_int",
    "split_sentences",
    "subject_of",
]
