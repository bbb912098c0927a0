"""The search's lean output: exactly what the DRF serializers write, for fewer cycles.

``memory_output`` and ``hit_output`` answer the search endpoint without building
DRF fields per memory; they must keep every field, value and format of
``MemoryOutputSerializer`` and ``HitOutputSerializer`` (which still describe the
schema), or a CRM reading the search would see something else than elsewhere.
"""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from advisor.api.memory_views import HitOutputSerializer, hit_output
from advisor.api.outputs import MemoryOutputSerializer, memory_output, with_freshness
from memory.ledger.chain import Cause
from memory.models import Memory
from memory.recall.search import memory_search
from memory.services import memory_record, memory_supersede, view_publish
from tests.advisor.api.conftest import holding, token_api
from tests.market.factories import InstrumentFactory
from tests.memory.readings.helpers import store_quote

pytestmark = pytest.mark.django_db


def _memories(world) -> list[Memory]:
    subject = world.client.subject
    InstrumentFactory(symbol="AAPL", name="Apple Inc.")
    store_quote("AAPL", "190.5", timezone.now() - timedelta(minutes=10))
    held = holding(subject)
    old = memory_record(
        subject=subject,
        kind="goal",
        text="Wants to retire at 62",
        payload={"goal": "retire", "target_date": "2040-01-01"},
        cause=Cause.user(1),
        valid_from=timezone.now() - timedelta(days=400),
    )
    memory_supersede(
        memory=old,
        cause=Cause.user(1),
        text="Wants to retire at 60",
        payload={"goal": "retire", "target_date": "2038-01-01"},
    )
    memory_record(
        subject=subject,
        kind="fact",
        text="Second grandchild born in May",
        payload={},
        status="proposed",
        confidence=0.4,
        cause=Cause.user(1),
    )
    analyst = world.analyst
    view = memory_record(
        subject=analyst.analyst_profile.subject,
        kind="view",
        text="Bullish on AAPL, target $250",
        payload={"instrument": "AAPL", "stance": "bullish", "target_price": 250},
        cause=Cause.user(analyst.pk),
    )
    view_publish(memory=view, cause=Cause.user(analyst.pk))
    assert held.subject_id == subject.pk
    memories = (
        Memory.objects.filter(Q(subject=subject) | Q(pk=view.pk))
        .select_related("market_reference")
        .order_by("pk")
    )
    return with_freshness(memories)


def test_memory_output_is_what_the_serializer_writes(world):
    memories = _memories(world)
    kinds = {m.kind for m in memories}
    statuses = {m.status for m in memories}
    assert {"holding", "goal", "fact", "view"} <= kinds
    assert {"active", "superseded", "proposed"} <= statuses
    assert any(m.freshness for m in memories), "a holding read against its quote"
    assert any(m.published_at for m in memories) and any(
        m.superseded_by_id for m in memories
    )
    for memory in memories:
        lean, drf = memory_output(memory), MemoryOutputSerializer(memory).data
        assert lean == drf, memory.kind
        assert list(lean) == list(drf), "the same fields in the same order"


def test_search_answers_what_the_hit_serializer_writes(world):
    _memories(world)
    hits = memory_search(
        subject=world.client.subject,
        query="apple retire grandchild",
        include_house_views=True,
        limit=10,
    )
    assert len(hits) >= 3
    for hit in hits:
        hit.memory.freshness = hit.freshness
        assert hit_output(hit) == HitOutputSerializer(hit).data


def test_a_search_request_costs_a_bounded_number_of_queries(
    world, django_assert_max_num_queries
):
    _memories(world)
    api = token_api(world.advisor)
    url = f"/api/v1/clients/{world.client.pk}/memories/search/?q=apple"
    assert api.get(url).status_code == 200  # the token's first use is written once
    # The token (with its user and firm), the client with its subject, the
    # search's own reads (candidates, rows, source messages, readings), and the
    # access log entry.
    with django_assert_max_num_queries(9):
        response = api.get(url)
    assert response.status_code == 200 and response.json()["results"]
