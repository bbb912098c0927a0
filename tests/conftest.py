"""Shared fixtures: real PostgreSQL + pgvector, factories, no network."""

import pytest

from advisor.config.celery_app import app as celery_app

pytest_plugins = ["tests.factories", "tests.fakes.conftest_plugin"]


@pytest.fixture(autouse=True, scope="session")
def _celery_runs_tasks_inline():
    """Run queued tasks inline, so a test sees what a worker would have done.

    ``tests/advisor/test_worker.py`` starts a real worker process instead.
    """
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords cheaply; production keeps Django's slow default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
