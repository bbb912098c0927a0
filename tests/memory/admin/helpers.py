"""What the audit admin tests share: its address, staff users, a holding."""

from memory.ledger.chain import Cause
from memory.services import memory_record
from tests.factories import UserFactory

ADMIN = "/admin/memory"


def staff(firm, role, username):
    return UserFactory(firm=firm, role=role, is_staff=True, username=username)


def holding(subject, text, quantity):
    return memory_record(
        subject=subject,
        kind="holding",
        key="holding:AAPL:ira",
        text=text,
        payload={"instrument": "AAPL", "quantity": quantity, "account": "ira"},
        cause=Cause.user(1),
    )
