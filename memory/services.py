"""Writes to the memory engine. No other code saves a memory model."""

from django.db import transaction

from .models import Subject


@transaction.atomic
def subject_create(*, tenant_id: int, kind: str) -> Subject:
    subject = Subject(tenant_id=tenant_id, kind=kind)
    subject.full_clean()
    subject.save()
    return subject


SUMMARY_KIND_ORDER = ["profile", "goal", "preference", "holding", "view", "fact"]


@transaction.atomic
def subject_summary_consolidate(*, subject: Subject) -> Subject:
    """Rewrite a subject's profile summary from its active semantic memories."""
    from django.utils import timezone

    from .models import MemoryKind, MemoryStatus

    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    memories = subject.memories.filter(status=MemoryStatus.ACTIVE).exclude(
        kind=MemoryKind.EPISODE
    )
    by_kind: dict[str, list[str]] = {}
    for memory in memories.order_by("-importance", "-recorded_at").only("kind", "text"):
        by_kind.setdefault(memory.kind, []).append(memory.text)
    lines = []
    for kind in SUMMARY_KIND_ORDER:
        if by_kind.get(kind):
            label = MemoryKind(kind).label
            lines.append(f"{label}: " + "; ".join(by_kind[kind][:8]))
    subject.summary = "\n".join(lines)
    subject.summary_updated_at = timezone.now()
    subject.save(update_fields=["summary", "summary_updated_at"])
    return subject
