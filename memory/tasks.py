"""Background work of the memory engine: thin tasks that call one service."""

from celery import shared_task

from market.providers import ProviderError

from .models import ImportJob, Message, Subject

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(dont_autoretry_for=(Subject.DoesNotExist,), **RETRY)
def subject_summary_refresh(subject_id: int) -> str:
    """Consolidate one subject's profile summary from its active memories."""
    from .services import subject_summary_consolidate

    subject = Subject.objects.get(pk=subject_id)
    return subject_summary_consolidate(subject=subject).summary


@shared_task(**RETRY)
def memories_embed_task(memory_ids: list[int]) -> int:
    from .indexing import memories_embed_by_id

    return memories_embed_by_id(memory_ids=memory_ids)


@shared_task(dont_autoretry_for=(ImportJob.DoesNotExist,), **RETRY)
def import_index_task(job_id: int) -> str:
    from .indexing import import_index

    job = import_index(job=ImportJob.objects.get(pk=job_id))
    return job.status


@shared_task(dont_autoretry_for=(Message.DoesNotExist,), **RETRY)
def message_extract_task(message_id: int) -> int:
    """Extract memories from one message; running it twice changes nothing."""
    from .extraction.pipeline import message_extract

    report = message_extract(message=Message.objects.get(pk=message_id))
    return len(report.applied)


@shared_task(**RETRY)
def memory_expiry_sweep_task() -> int:
    """Erase the content of memories past their retention; return how many."""
    from .governance import memory_expiry_sweep

    return memory_expiry_sweep()


@shared_task(**RETRY)
def references_refresh_task(
    instrument_ids: list[int] | None = None, reference_ids: list[int] | None = None
) -> dict:
    """Re-read references (to some instruments, or some references; all if neither)
    against the stored quotes."""
    from .refresh import references_refresh

    return references_refresh(
        instrument_ids=instrument_ids,
        references=reference_ids,
        cause_ref="memory changed" if reference_ids is not None else "",
    ).as_dict()


@shared_task(
    autoretry_for=(ProviderError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def market_refresh_task(tenant_id: int | None = None) -> dict:
    """Fetch quotes of every referenced instrument, then re-read the references.

    A provider failure still applies the last good quotes, then raises so the
    task retries with backoff.
    """
    from .market import market_refresh

    report = market_refresh(tenant_id=tenant_id)
    if report.provider_errors:
        raise ProviderError("; ".join(report.provider_errors))
    return report.as_dict()
