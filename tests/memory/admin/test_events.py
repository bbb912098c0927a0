"""The memory and ledger event admins add, change and delete nothing."""

import pytest

from memory.models import Memory
from memory.selectors import memory_history
from tests.memory.admin.helpers import ADMIN

pytestmark = pytest.mark.django_db


def test_memory_and_event_admin_allow_no_add_change_or_delete(client, firms):
    client.force_login(firms["officer"])
    event = memory_history(memory=firms["north_memory"]).first()
    assert client.get(f"{ADMIN}/memory/add/").status_code == 403
    assert client.get(f"{ADMIN}/memoryevent/add/").status_code == 403
    assert client.get(f"{ADMIN}/memoryevent/{event.pk}/delete/").status_code == 403
    response = client.post(
        f"{ADMIN}/memory/{firms['north_memory'].pk}/change/",
        {"text": "Holds 1 AAPL"},
    )
    assert response.status_code == 403
    assert Memory.objects.get(pk=firms["north_memory"].pk).text.startswith("Holds 250")
