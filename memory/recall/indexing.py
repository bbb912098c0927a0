"""Keep memories findable by meaning: their embeddings, made, queued, remade.

Embeddings are derived data, not part of what a memory says, so making or remaking
one appends no ledger event.
"""

from memory.background import enqueue
from memory.models import Memory, MemoryKind

from .embedders import Embedder, get_embedder

MEMORIES_EMBED = "memory.memories_embed"


def is_local(embedder: Embedder) -> bool:
    """Whether the embedder runs in-process, cheap enough for the request path."""
    return embedder.name.startswith("offline-hash")


def embedding_text(memory: Memory) -> str:
    """Return what to embed for a memory: episodes keep who spoke and when."""
    if memory.kind == MemoryKind.EPISODE:
        payload = memory.payload or {}
        when = (payload.get("occurred_at") or "")[:10]
        return f"{payload.get('speaker', '')} ({when}): {memory.text}"
    return f"{memory.get_kind_display()}: {memory.text}"


def memories_embed(memories: list[Memory], *, embedder: Embedder | None = None) -> int:
    """Embed the given memories and save the vectors; return how many."""
    if not memories:
        return 0
    embedder = embedder or get_embedder()
    vectors = embedder.embed_documents([embedding_text(m) for m in memories])
    for memory, vector in zip(memories, vectors, strict=True):
        memory.embedding = vector
        memory.embedding_model = embedder.name
    Memory.objects.bulk_update(
        memories, ["embedding", "embedding_model"], batch_size=500
    )
    return len(memories)


def embeddings_prepare(memories: list[Memory]) -> bool:
    """Set the vectors of unsaved (or changed) memories now if the embedder is local.

    Return whether it did; a remote embedder's vectors are made after commit by
    ``embeddings_queue``, so no request waits on a model server.
    """
    embedder = get_embedder()
    if not is_local(embedder) or not memories:
        return False
    vectors = embedder.embed_documents([embedding_text(m) for m in memories])
    for memory, vector in zip(memories, vectors, strict=True):
        memory.embedding = vector
        memory.embedding_model = embedder.name
    return True


def embeddings_queue(memories: list[Memory]) -> None:
    """Queue the embedding of saved memories that have no vector yet."""
    ids = [m.pk for m in memories if m.embedding is None]
    if ids:
        enqueue(MEMORIES_EMBED, ids)


def memories_embed_by_id(*, memory_ids: list[int]) -> int:
    embedder = get_embedder()
    memories = list(
        Memory.objects.filter(pk__in=memory_ids).exclude(embedding_model=embedder.name)
    )
    return memories_embed(memories, embedder=embedder)


def memories_reembed_batch(
    *, after_id: int = 0, batch_size: int = 500
) -> tuple[int, int]:
    """Embed the next batch of memories not embedded by the current embedder.

    Return (how many were embedded, the last id seen); resumable from that id.
    """
    embedder = get_embedder()
    batch = list(
        Memory.objects.filter(pk__gt=after_id)
        .exclude(embedding_model=embedder.name)
        .exclude(status="erased")
        .order_by("pk")[:batch_size]
    )
    if not batch:
        return 0, after_id
    return memories_embed(batch, embedder=embedder), batch[-1].pk
