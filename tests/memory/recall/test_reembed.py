import pytest
from django.core.management import call_command
from django.test import override_settings

from memory.ledger.chain import Cause
from memory.models import Memory, MemoryEvent
from memory.services import memory_record, subject_create

pytestmark = pytest.mark.django_db


def test_reembed_switches_every_memory_to_the_new_embedder_and_resumes(
    fake_openai, capsys
):
    subject = subject_create(tenant_id=1, kind="client")
    for i in range(7):
        memory_record(
            subject=subject,
            kind="fact",
            text=f"Fact {i}",
            payload={},
            cause=Cause.system(),
        )
    events = MemoryEvent.objects.count()
    overrides = fake_openai.settings_overrides(
        MEMORY_EMBEDDER="openai", MEMORY_EMBEDDING_DIMENSIONS=384
    )
    with override_settings(**overrides):
        first_id = Memory.objects.order_by("pk").values_list("pk", flat=True)[2]
        call_command("reembed", "--batch-size", "3", "--after-id", str(first_id))
        out = capsys.readouterr().out
        assert "4 memories to embed" in out and "--after-id" in out
        call_command("reembed", "--batch-size", "3")
        assert "3 memories to embed" in capsys.readouterr().out
        call_command("reembed")
        assert "0 memories to embed" in capsys.readouterr().out
    models = set(Memory.objects.values_list("embedding_model", flat=True))
    assert models == {"openai:fake-embedding"}
    assert all(len(m.embedding) == 384 for m in Memory.objects.all())
    assert MemoryEvent.objects.count() == events  # derived data: no ledger event
    assert len(fake_openai.embedding_requests) == 3
