"""The Celery application: configured from Django settings, tasks autodiscovered."""

import os

from celery import Celery

from . import db_broker  # noqa: F401 - registers the "twinsqla" broker transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.config.settings")

app = Celery("advisor_twin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
