"""The model server down, slow or answering nonsense: extraction retries with
backoff, then parks the message with the reason visible; nothing half-written.

The real ``openai`` client talks to the fake OpenAI-compatible server on
127.0.0.1; queued tasks run inline (eager), as a worker would run them.
"""

import json

import pytest
from django.test import override_settings

from advisor.config.celery_app import app as celery_app
from advisor.models import User
from memory.background import send
from memory.conversations.imports import import_index, transcript_import
from memory.conversations.messages import conversation_start, message_append
from memory.extraction.failures import ExtractionRetry, extraction_retry
from memory.extraction.pipeline import get_extractor, message_extract
from memory.ledger.verify import chain_verify
from memory.models import ExtractionFailure, ImportJob, Memory, MemoryEvent
from tests.memory.admin.helpers import ADMIN, staff

pytestmark = pytest.mark.django_db

SAID = "I picked up 200 Apple shares at $150 in my IRA."
HOLDING = {
    "kind": "holding",
    "key": "holding:AAPL:ira",
    "text": "Holds 200 AAPL in the IRA",
    "payload_json": json.dumps(
        {"instrument": "AAPL", "quantity": 200, "cost_basis": 150, "account": "ira"}
    ),
    "action": "assert",
    "confidence": 0.9,
    "importance": 0.6,
}


@pytest.fixture
def model(fake_openai):
    overrides = fake_openai.settings_overrides(
        MEMORY_EXTRACTOR="llm", OPENAI_TIMEOUT=0.5, MEMORY_EXTRACTION_MAX_ATTEMPTS=3
    )
    overrides.pop("OPENAI_EMBEDDING_MODEL")
    with override_settings(**overrides):
        yield fake_openai


@pytest.fixture
def retrying_tasks():
    """Let eager tasks retry as a worker would (Celery re-runs them inline),
    instead of raising the first Retry into the test."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


@pytest.fixture
def said(client_of):
    conversation = conversation_start(subject=client_of.subject)

    def say(text=SAID):
        return message_append(
            conversation=conversation,
            role="user",
            speaker="client",
            text=text,
            extract=False,
        )

    return say


def written(subject):
    memories = Memory.objects.filter(subject=subject).exclude(kind="episode")
    events = MemoryEvent.objects.filter(subject=subject, memory__in=memories)
    return memories.count(), events.count()


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("down", "HTTP 503"),
        ("slow", "timed out"),
        ("invalid_json", "not the JSON asked for"),
        ("not_a_list", "not the JSON asked for"),
    ],
)
def test_a_model_fault_writes_nothing_and_says_why(model, said, fault, reason):
    message = said()
    if fault == "down":
        model.fail_next(503)
    elif fault == "slow":
        model.delay_next(2.0)
    elif fault == "invalid_json":
        model.queue_chat('{"memories": [ {"kind": "holding", ')
    else:
        model.queue_chat({"memories": "a holding of Apple"})

    with pytest.raises(ExtractionRetry):
        message_extract(message=message, extractor=get_extractor())

    assert written(message.subject) == (0, 0)
    message.refresh_from_db()
    assert message.extracted_at is None
    failure = ExtractionFailure.objects.get(message=message)
    assert failure.attempts == 1 and failure.parked_at is None
    assert reason in failure.reason and "retrying" in failure.reason
    # The reason never carries what was said (it outlives an erasure).
    assert "Apple" not in failure.reason and "200" not in failure.reason
    assert failure.extractor == "model:fake-chat"
    assert failure.tenant_id == message.subject.tenant_id


def test_the_task_retries_with_backoff_then_parks_the_message(
    model, said, retrying_tasks
):
    message = said()
    model.fail_next(500, times=10)

    send("memory.message_extract", message.pk)

    # Three attempts (MEMORY_EXTRACTION_MAX_ATTEMPTS), then no more.
    assert len(model.chat_requests) == 3
    failure = ExtractionFailure.objects.get(message=message)
    assert failure.attempts == 3 and failure.parked_at is not None
    assert "HTTP 500" in failure.reason and "parked after 3" in failure.reason
    assert written(message.subject) == (0, 0)


def test_a_retry_after_the_server_recovers_applies_once(model, said):
    message = said()
    model.fail_next(503)
    with pytest.raises(ExtractionRetry):
        message_extract(message=message, extractor=get_extractor())
    model.queue_chat({"memories": [HOLDING]})

    report = message_extract(message=message, extractor=get_extractor())

    (holding,) = Memory.objects.filter(subject=message.subject, kind="holding")
    assert report.applied == [("add", holding.pk)]
    failure = ExtractionFailure.objects.get(message=message)
    assert failure.resolved_at is not None
    again = message_extract(message=message, extractor=get_extractor())
    assert again.already_extracted and len(model.chat_requests) == 2
    assert chain_verify(message.subject).ok


def test_a_person_retries_a_parked_message_from_the_audit_admin(
    model, said, client, firm, retrying_tasks, django_capture_on_commit_callbacks
):
    message = said()
    model.fail_next(503, times=3)
    send("memory.message_extract", message.pk)
    failure = ExtractionFailure.objects.get(message=message)
    assert failure.parked_at is not None
    officer = staff(firm, User.Role.COMPLIANCE, "officer")
    client.force_login(officer)

    page = client.get(f"{ADMIN}/extractionfailure/").content.decode()
    assert "HTTP 503" in page and "parked after 3" in page

    model.queue_chat({"memories": [HOLDING]})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{ADMIN}/extractionfailure/",
            {"action": "retry_extraction", "_selected_action": [failure.pk]},
            follow=True,
        )

    assert "1 parked message(s) queued" in response.content.decode()
    assert Memory.objects.filter(subject=message.subject, kind="holding").count() == 1
    failure.refresh_from_db()
    assert failure.resolved_at is not None


def test_another_firms_failures_are_not_listed(model, said, client, retrying_tasks):
    from tests.factories import FirmFactory

    message = said()
    model.fail_next(503, times=3)
    send("memory.message_extract", message.pk)
    other = staff(FirmFactory(), User.Role.COMPLIANCE, "elsewhere")
    client.force_login(other)

    page = client.get(f"{ADMIN}/extractionfailure/").content.decode()

    assert "HTTP 503" not in page
    assert extraction_retry(failures=[]) == 0


def test_an_import_parks_the_turns_the_model_kept_failing_on(
    model, client_of, django_capture_on_commit_callbacks
):
    turns = [
        {
            "speaker": "client",
            "role": "client",
            "text": text,
            "occurred_at": f"2026-03-0{day}T10:00:00Z",
        }
        for day, text in [(1, SAID), (2, "No tobacco, please."), (3, "Thanks!")]
    ]
    job = transcript_import(subject=client_of.subject, turns=turns, index=False)
    answered = []

    def first_answer_then_fail(body):
        answered.append(body)
        if len(answered) > 1:
            raise RuntimeError("the model server fell over")  # answers HTTP 500
        return {"memories": [HOLDING]}

    model.chat_handler = first_answer_then_fail

    # The first turn applies; the second fails and the task would retry.
    with pytest.raises(ExtractionRetry):
        import_index(job=job, extractor=get_extractor())
    assert written(client_of.subject)[0] == 1
    with pytest.raises(ExtractionRetry):  # the second of three attempts
        import_index(job=job, extractor=get_extractor())

    # The last attempt parks the turn, and the one after it with it.
    job = import_index(job=job, extractor=get_extractor())

    assert job.status == ImportJob.Status.FAILED and not job.fully_indexed
    assert "2 turn(s) could not be extracted" in job.error
    assert "HTTP 500" in job.error
    assert job.turns_extracted == 1
    parked = ExtractionFailure.objects.filter(parked_at__isnull=False)
    assert parked.count() == 2
    assert chain_verify(client_of.subject).ok

    model.reset()
    model.queue_chat({"memories": []})
    model.queue_chat({"memories": []})
    with django_capture_on_commit_callbacks(execute=True):
        assert extraction_retry(failures=list(parked)) == 2
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.turns_extracted == 3
