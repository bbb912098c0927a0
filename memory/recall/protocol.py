"""What every embedder is: the protocol, and the error an unusable one raises."""

from typing import Protocol, runtime_checkable


class EmbedderError(Exception):
    """An embedder cannot be used: a missing extra, or weights that fail their check."""


@runtime_checkable
class Embedder(Protocol):
    """Turn texts into fixed-length vectors for cosine search."""

    name: str
    dimensions: int

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Return one vector per text, in order."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Return the vector of a search query."""
        ...
