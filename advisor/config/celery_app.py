"""The Celery application: configured from Django settings, tasks autodiscovered."""

import logging
import os

from celery import Celery

from . import db_broker  # noqa: F401 - registers the "twinsqla" broker transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.config.settings")

app = Celery("advisor_twin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class QuietPolls(logging.Filter):
    """Drop the INFO lines of tasks beat sends every few seconds.

    The webhook dispatcher polls every ``WEBHOOKS_POLL_SECONDS`` (5): three
    lines each time (sent, received, succeeded) would bury the lines people
    read. Its warnings and errors, and what the deliveries log, still show.
    """

    TASKS = ("webhooks.dispatch", "webhooks-dispatch")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        try:
            text = record.getMessage()
        except Exception:  # a record that cannot format is not ours to judge
            return True
        return not any(task in text for task in self.TASKS)


for _name in ("celery.beat", "celery.app.trace", "celery.worker.strategy"):
    logging.getLogger(_name).addFilter(QuietPolls())
