"""Extraction that failed: retried with backoff, then parked with its reason.

When the model server is down, slow or answers nonsense, nothing of the
message's extraction is written (its transaction never starts); the attempt is
recorded on an ``ExtractionFailure`` and the caller's task retries with
backoff. After ``MEMORY_EXTRACTION_MAX_ATTEMPTS`` attempts the message is
parked: no more automatic retries, the reason is in the audit admin
(Admin → Memory engine → Extraction failures), and a person can retry it there.
The reason says what failed, never what was said.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from memory.background import enqueue
from memory.llm import ModelError
from memory.models import ExtractionFailure, ImportJob, Message

MESSAGE_EXTRACT = "memory.message_extract"
IMPORT_INDEX = "memory.import_index"


class ExtractionRetry(ModelError):
    """The model failed on a message; the task should retry it later."""


def max_attempts() -> int:
    return max(1, int(getattr(settings, "MEMORY_EXTRACTION_MAX_ATTEMPTS", 4)))


def failure_reason(error: ModelError) -> str:
    """Say what went wrong with the model, without a word the model was sent.

    A model's invalid answer may echo the message, so its text is never kept.
    """
    text = error.message.lower()
    if error.status is not None:
        what = f"the model server answered HTTP {error.status}"
    elif "timed out" in text:
        what = "the model server timed out"
    elif "could not reach" in text:
        what = "the model server could not be reached"
    elif "invalid json" in text or "not an object" in text or "json" in text:
        what = "the model answered something that is not the JSON asked for"
    elif "refused" in text:
        what = "the model refused to answer"
    elif "length limit" in text:
        what = "the model stopped at its length limit"
    elif "no chat model" in text:
        what = "no chat model is configured"
    else:
        what = "the model call failed"
    return what


@transaction.atomic
def extraction_failed(
    *, message: Message, extractor_label: str, error: ModelError, park: bool = False
) -> ExtractionFailure:
    """Record a failed attempt to extract ``message``; park it after the last.

    ``park`` parks it at once (the model failed on the message before it too,
    in the same run: it is down, and the rest of a batch waits for a person).
    """
    now = timezone.now()
    failure = (
        ExtractionFailure.objects.select_for_update()
        .filter(message_id=message.pk)
        .first()
    )
    if failure is None:
        failure = ExtractionFailure(
            message_id=message.pk,
            subject_id=message.subject_id,
            tenant_id=message.subject.tenant_id,
            first_failed_at=now,
        )
    if failure.resolved_at is not None:  # it failed again after a success
        failure.attempts, failure.resolved_at, failure.first_failed_at = 0, None, now
    failure.attempts += 1
    failure.extractor = extractor_label[:200]
    failure.last_failed_at = now
    reason = failure_reason(error)
    if park or failure.attempts >= max_attempts():
        failure.parked_at = now
        reason += f"; parked after {failure.attempts} attempt(s)"
    else:
        reason += f"; attempt {failure.attempts} of {max_attempts()}, retrying"
    failure.reason = reason[:500]
    failure.full_clean(exclude=["message", "subject"])
    failure.save()
    return failure


def failures_resolve(*, subject_id: int, message_ids: list[int], at) -> int:
    """Mark the failures of messages now extracted as resolved."""
    open_failures = ExtractionFailure.objects.filter(
        subject_id=subject_id, resolved_at__isnull=True
    )
    if not message_ids or not open_failures.exists():
        return 0
    return open_failures.filter(message_id__in=message_ids).update(resolved_at=at)


@transaction.atomic
def extraction_retry(*, failures: list[ExtractionFailure]) -> int:
    """Retry parked extractions now (a person asked); return how many.

    A parked turn of an import resumes the import's indexing; any other
    message is extracted again. Each gets its full number of attempts.
    """
    parked = [f for f in failures if f.parked_at and not f.resolved_at]
    if not parked:
        return 0
    ExtractionFailure.objects.filter(pk__in=[f.pk for f in parked]).update(
        parked_at=None, attempts=0
    )
    messages = Message.objects.filter(pk__in=[f.message_id for f in parked])
    conversations = {m.conversation_id for m in messages}
    jobs = list(
        ImportJob.objects.filter(conversation_id__in=conversations).exclude(
            status=ImportJob.Status.STORING
        )
    )
    resumed = {job.conversation_id for job in jobs}
    for job in jobs:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.INDEXING, finished_at=None, error=""
        )
        enqueue(IMPORT_INDEX, job.pk)
    for message in messages:
        if message.conversation_id not in resumed:
            enqueue(MESSAGE_EXTRACT, message.pk)
    return len(parked)
