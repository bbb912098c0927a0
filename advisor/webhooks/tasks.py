"""Background work of webhooks: thin tasks, each named, queued by name."""

from celery import shared_task

from memory.background import send

from .services import deliveries_due, delivery_attempt, outbox_collect


@shared_task(name="webhooks.dispatch")
def dispatch_task() -> dict:
    """Collect what changed into deliveries, then queue each one due (beat's)."""
    made = outbox_collect()
    due = deliveries_due()
    for delivery_id in due:
        send("webhooks.delivery_attempt", delivery_id)
    return {"created": made, "queued": len(due)}


@shared_task(name="webhooks.delivery_attempt")
def delivery_attempt_task(delivery_id: int) -> str:
    """Attempt one delivery; its retries are scheduled in the database."""
    delivery = delivery_attempt(delivery_id=delivery_id)
    return "not due" if delivery is None else delivery.status
