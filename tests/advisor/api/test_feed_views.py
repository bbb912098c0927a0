"""The changes feed through the API: paged by cursor, thin, scoped to the caller."""

import pytest

from memory.ledger.chain import Cause
from memory.services import memory_record
from tests.advisor.api.conftest import api_as

pytestmark = pytest.mark.django_db(transaction=True)


def fact(client, text):
    return memory_record(
        subject=client.subject,
        kind="fact",
        text=text,
        payload={},
        cause=Cause.user(client.advisor_id),
    )


def read(api, limit=2):
    cursor, events = None, []
    while True:
        url = f"/api/v1/memory-events/?limit={limit}"
        response = api.get(url + (f"&after={cursor}" if cursor else ""))
        assert response.status_code == 200, response.json()
        body = response.json()
        events += body["results"]
        cursor = body["next"]
        if not body["has_more"]:
            return events, cursor


def test_the_feed_pages_by_cursor_and_shows_each_caller_their_own(world):
    mine = [fact(world.client, f"Mine {i}") for i in range(3)]
    theirs = fact(world.other_client, "A colleague's client")
    fact(world.foreign_client, "Another firm's client")
    events, cursor = read(api_as(world.advisor))
    assert [e["memory_id"] for e in events] == [m.pk for m in mine]
    assert {e["client_external_id"] for e in events} == {"CRM-1"}
    assert events[0]["type"] == "memory.changed" and events[0]["action"] == "create"
    assert "text" not in events[0] and "Mine" not in str(events)
    compliance, _ = read(api_as(world.compliance), limit=100)
    assert [e["memory_id"] for e in compliance] == [m.pk for m in mine] + [theirs.pk]
    later = fact(world.client, "Later")
    response = api_as(world.advisor).get(f"/api/v1/memory-events/?after={cursor}")
    assert [e["memory_id"] for e in response.json()["results"]] == [later.pk]
    resumed = api_as(world.advisor).get(
        f"/api/v1/memory-events/?after={events[0]['cursor']}&limit=1"
    )
    assert resumed.json()["results"][0]["memory_id"] == mine[1].pk
