"""Background work of the memory engine: thin tasks that call one service."""

from celery import shared_task

from .models import Subject
from .services import subject_summary_consolidate


@shared_task(
    autoretry_for=(Exception,),
    dont_autoretry_for=(Subject.DoesNotExist,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def subject_summary_refresh(subject_id: int) -> str:
    """Consolidate one subject's profile summary from its active memories."""
    subject = Subject.objects.get(pk=subject_id)
    return subject_summary_consolidate(subject=subject).summary
