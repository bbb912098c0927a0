"""The search benchmark's bulk load writes rows the memory table accepts.

``make bench`` builds its million-memory dataset by COPY with a column list of its
own: when the memory table changes, this fails here rather than at the start of
someone's benchmark run.
"""

import random
from datetime import UTC, datetime

import pytest
from django.db import connection

from bench import search_bench
from bench.progress import Progress
from memory.models import Memory
from memory.services import subject_create

pytestmark = pytest.mark.django_db


def test_the_search_bench_copies_memories_the_table_accepts():
    subject = subject_create(tenant_id=1, kind="client")
    rows = list(
        search_bench._rows(
            random.Random(1),
            [subject.pk],
            40,
            subject.tenant_id,
            Progress("copy", 40),
            datetime(2025, 6, 1, tzinfo=UTC),
        )
    )
    columns = ", ".join(search_bench.COPY_COLUMNS)

    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY memory_memory ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    memories = Memory.objects.filter(subject=subject)
    assert memories.count() == 40
    assert all(memory.embedding is not None for memory in memories)
    assert {memory.kind for memory in memories} > {"episode"}
