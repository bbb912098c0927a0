"""Keep memories findable: embeddings, and the indexing that follows an import.

Embeddings are derived data, not part of what a memory says, so making or remaking
one appends no ledger event.
"""

import logging

from django.db import transaction
from django.utils import timezone

from .embedding import Embedder, get_embedder
from .models import ImportJob, Memory, MemoryKind, Message

logger = logging.getLogger(__name__)


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
        from .tasks import memories_embed_task

        transaction.on_commit(lambda: memories_embed_task.delay(ids))


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


def import_index_soon(*, job_id: int) -> None:
    from .tasks import import_index_task

    transaction.on_commit(lambda: import_index_task.delay(job_id))


def import_index(*, job: ImportJob, batch_size: int = 200) -> ImportJob:
    """Embed what is not yet embedded and extract every turn of an import.

    Safe to run again after a failure: each message is extracted once.
    """
    from .extraction.pipeline import message_extract

    embedder = get_embedder()
    messages = Message.objects.filter(conversation_id=job.conversation_id).order_by(
        "occurred_at", "pk"
    )
    episodes = Memory.objects.filter(
        kind=MemoryKind.EPISODE, source_messages__conversation_id=job.conversation_id
    ).exclude(embedding_model=embedder.name)
    while True:
        batch = list(episodes.order_by("pk")[:batch_size])
        if not batch:
            break
        memories_embed(batch, embedder=embedder)
    job.turns_embedded = messages.count()
    ImportJob.objects.filter(pk=job.pk).update(turns_embedded=job.turns_embedded)
    extracted = 0
    for message in messages.filter(extracted_at__isnull=True).iterator(chunk_size=500):
        message_extract(message=message, consolidate=False)
        extracted += 1
        if extracted % 100 == 0:
            ImportJob.objects.filter(pk=job.pk).update(
                turns_extracted=messages.filter(extracted_at__isnull=False).count()
            )
    from .services import subject_summary_consolidate

    subject_summary_consolidate(subject=job.subject)
    job.turns_extracted = messages.filter(extracted_at__isnull=False).count()
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(
        update_fields=["turns_embedded", "turns_extracted", "status", "finished_at"]
    )
    logger.info("Import %s fully indexed: %s turns", job.pk, job.turns_total)
    return job
