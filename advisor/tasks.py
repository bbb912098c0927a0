"""Background work of the advisor app: thin, named tasks."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="advisor.sessions_clear_expired")
def sessions_clear_expired_task() -> int:
    """Delete expired sessions; return how many."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
