"""Background work of the memory engine: thin tasks that call one service.

Each task has an explicit name: domain code queues it by that name through
``memory.background`` and never imports this module.
"""

from celery import shared_task

from market.providers import ProviderError

from .conversations.imports import import_index
from .extraction.pipeline import message_extract
from .governance.retention import memory_expiry_sweep
from .models import ImportJob, Message, Subject
from .readings.refresh import readings_refresh
from .readings.sync import market_sync
from .recall.indexing import memories_embed_by_id
from .services import subject_summary_consolidate

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(
    name="memory.subject_summary_consolidate",
    dont_autoretry_for=(Subject.DoesNotExist,),
    **RETRY,
)
def subject_summary_consolidate_task(subject_id: int) -> int:
    """Consolidate one subject's profile summary; return its length in lines.

    The summary itself stays in the database: a task's result is kept by the
    result backend, and a client's words must not be copied there.
    """
    subject = subject_summary_consolidate(subject=Subject.objects.get(pk=subject_id))
    return len(subject.summary.splitlines())


@shared_task(name="memory.memories_embed", **RETRY)
def memories_embed_task(memory_ids: list[int]) -> int:
    return memories_embed_by_id(memory_ids=memory_ids)


@shared_task(
    name="memory.import_index", dont_autoretry_for=(ImportJob.DoesNotExist,), **RETRY
)
def import_index_task(job_id: int) -> str:
    job = import_index(job=ImportJob.objects.get(pk=job_id))
    return job.status


@shared_task(
    name="memory.message_extract", dont_autoretry_for=(Message.DoesNotExist,), **RETRY
)
def message_extract_task(message_id: int) -> int:
    """Extract memories from one message; running it twice changes nothing."""
    report = message_extract(message=Message.objects.get(pk=message_id))
    return len(report.applied)


@shared_task(name="memory.memory_expiry_sweep", **RETRY)
def memory_expiry_sweep_task() -> int:
    """Erase the content of memories past their retention; return how many."""
    return memory_expiry_sweep()


@shared_task(name="memory.readings_refresh", **RETRY)
def readings_refresh_task(
    instrument_ids: list[int] | None = None, reference_ids: list[int] | None = None
) -> dict:
    """Refresh readings (of references to some instruments, or some references;
    all if neither) against the stored quotes."""
    return readings_refresh(
        instrument_ids=instrument_ids,
        references=reference_ids,
        cause_ref="memory changed" if reference_ids is not None else "",
    ).as_dict()


@shared_task(
    name="memory.market_sync",
    autoretry_for=(ProviderError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def market_sync_task(tenant_id: int | None = None) -> dict:
    """Fetch quotes of every referenced instrument, then refresh the readings.

    A provider failure still applies the last good quotes, then raises so the
    task retries with backoff.
    """
    report = market_sync(tenant_id=tenant_id)
    if report.provider_errors:
        raise ProviderError("; ".join(report.provider_errors))
    return report.as_dict()
