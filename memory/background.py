"""Queue background work by the task's name, once the transaction commits.

Domain code never imports a tasks module: it names the task here, and the task
(``memory.tasks``, ``market.tasks``, each with an explicit ``name=``) imports the
services it calls. So tasks import services and nothing imports tasks.

Queued with ``transaction.on_commit``: a worker never sees uncommitted rows, and
a rolled-back transaction queues nothing. In eager mode (the test suite) the
task runs inline at commit, as a worker would have run it.
"""

import logging

from celery import chain, current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def _registered(app, name: str):
    if name not in app.tasks:
        # Eager mode runs tasks in this process: register the autodiscovered ones.
        app.loader.import_default_modules()
    return app.tasks[name]


def send(name: str, *args, **kwargs):
    """Send the task named ``name`` now; return its result handle."""
    app = current_app
    if app.conf.task_always_eager:
        return _registered(app, name).apply_async(args, kwargs)
    return app.send_task(name, args=args, kwargs=kwargs)


def send_chain(*steps: tuple[str, tuple]):
    """Send tasks to run one after another: ``(name, args)`` each, immutable."""
    app = current_app
    if app.conf.task_always_eager:
        for name, _ in steps:
            _registered(app, name)
    return chain(
        *(app.signature(name, args=args, immutable=True) for name, args in steps)
    ).delay()


def enqueue(name: str, *args, **kwargs) -> None:
    """Queue the task named ``name`` for when the current transaction commits."""
    transaction.on_commit(lambda: send(name, *args, **kwargs))


def enqueue_quietly(name: str, *args, **kwargs) -> None:
    """Like ``enqueue``, but a broker that is down only logs a warning.

    For follow-up work the periodic tasks also catch up on: the write that
    asked for it must not fail because of it.
    """

    def send_or_warn():
        try:
            send(name, *args, **kwargs)
        except Exception:
            logger.warning("Task %s not queued", name, exc_info=True)

    transaction.on_commit(send_or_warn)
