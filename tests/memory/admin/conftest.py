"""Two firms' memories, a hold and an erasure, and a compliance officer of one."""

import pytest

from advisor.models import User
from memory.governance.erasure import subject_erase
from memory.governance.holds import legal_hold_place
from memory.ledger.chain import Cause
from memory.services import memory_update
from tests.factories import ClientFactory, FirmFactory, UserFactory
from tests.memory.admin.helpers import holding, staff


@pytest.fixture
def firms():
    north, south = FirmFactory(name="North"), FirmFactory(name="South")
    north_subject = ClientFactory(advisor=UserFactory(firm=north)).subject
    south_subject = ClientFactory(advisor=UserFactory(firm=south)).subject
    north_memory = holding(north_subject, "Holds 200 AAPL in the IRA", 200)
    memory_update(
        memory=north_memory,
        cause=Cause.user(1),
        text="Holds 250 AAPL in the IRA",
        payload={"instrument": "AAPL", "quantity": 250, "account": "ira"},
    )
    south_memory = holding(south_subject, "Southern secret: 900 AAPL", 900)
    south_hold = legal_hold_place(
        subject=south_subject,
        matter="Southern matter",
        scope="",
        approver_user_id=1,
        reason="litigation",
        placed_by_user_id=1,
    )
    erased = ClientFactory(advisor=UserFactory(firm=south)).subject
    holding(erased, "Southern erased holding", 5)
    subject_erase(subject=erased, requested_by_user_id=1, reason="request")
    return {
        "north": north,
        "south": south,
        "north_subject": north_subject,
        "south_subject": south_subject,
        "north_memory": north_memory,
        "south_memory": south_memory,
        "south_hold": south_hold,
        "south_erased": erased,
        "officer": staff(north, User.Role.COMPLIANCE, "north-officer"),
    }
