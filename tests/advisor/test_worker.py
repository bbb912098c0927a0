"""A real Celery worker process runs a real task against the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from advisor.config.celery_app import app as celery_app
from memory.models import Memory, MemoryKind, Subject
from memory.tasks import subject_summary_consolidate_task

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def worker_queue():
    """Start `celery worker` on a queue of its own; stop it afterwards."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "ADVISOR_DATABASE_NAME": connection.settings_dict["NAME"],
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "CELERY_RESULT_BACKEND": celery_app.conf.result_backend or "",
    }
    log = BASE_DIR / "var" / f"worker-{queue}.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "advisor.config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield queue
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
    log.unlink(missing_ok=True)


def test_a_real_worker_executes_a_task(worker_queue):
    subject = Subject.objects.create(tenant_id=1, kind="client")
    Memory.objects.create(
        subject=subject,
        tenant_id=1,
        kind=MemoryKind.GOAL,
        text="Wants to retire at 60",
        source="manual",
    )
    celery_app.conf.task_always_eager = False
    try:
        result = subject_summary_consolidate_task.apply_async(
            args=[subject.pk], queue=worker_queue
        )
        lines = result.get(timeout=60)
    finally:
        celery_app.conf.task_always_eager = True
    # The result backend keeps a count, never the client's words.
    assert lines == 1
    subject.refresh_from_db()
    assert subject.summary == "Goal: Wants to retire at 60"
    assert subject.summary_updated_at is not None
    assert result.state == "SUCCESS"


def test_worker_picks_up_work_queued_while_it_was_busy(worker_queue):
    subjects = [Subject.objects.create(tenant_id=1, kind="client") for _ in range(3)]
    celery_app.conf.task_always_eager = False
    try:
        results = [
            subject_summary_consolidate_task.apply_async(
                args=[s.pk], queue=worker_queue
            )
            for s in subjects
        ]
        deadline = time.monotonic() + 60
        for result in results:
            result.get(timeout=max(1, deadline - time.monotonic()))
    finally:
        celery_app.conf.task_always_eager = True
    assert Subject.objects.filter(summary_updated_at__isnull=False).count() == 3


def test_the_webhook_poll_does_not_bury_the_worker_log(caplog):
    import logging

    from advisor.config import celery_app  # noqa: F401 - installs the filters

    trace = logging.getLogger("celery.app.trace")
    with caplog.at_level(logging.INFO, logger="celery.app.trace"):
        trace.info(
            "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
            {"name": "webhooks.dispatch", "id": "a", "runtime": 0.1, "return_value": 0},
        )
        trace.info(
            "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
            {
                "name": "memory.import_index",
                "id": "b",
                "runtime": 0.1,
                "return_value": 3,
            },
        )
        trace.error(
            "Task %s[%s] raised unexpected: %r", "webhooks.dispatch", "c", "boom"
        )
    shown = [record.getMessage() for record in caplog.records]
    assert len(shown) == 2
    assert "memory.import_index" in shown[0] and "boom" in shown[1]
