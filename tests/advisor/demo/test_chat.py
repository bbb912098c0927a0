"""The demo leaves a chat with cited replies and a rolled-back branch to look at."""

import pytest
from django.core.management import call_command

from advisor.demo.chat import ANALYST_CHAT_ID, CHAT_ID, ROLLED_BACK
from advisor.models import Client, User
from memory.conversations.branches import conversation_branches, message_list
from memory.ledger.verify import chain_verify
from memory.models import Memory, MemoryEvent, Message

pytestmark = pytest.mark.django_db


def test_the_demo_chat_has_cited_replies_and_a_rolled_back_branch():
    call_command("seed_demo", verbosity=0)
    marcus = Client.objects.get(external_id="CRM-1002")
    conversation = marcus.subject.conversations.get(external_id=CHAT_ID)
    active = message_list(conversation=conversation)
    replies = [m for m in active if m.role == "assistant"]
    assert len(replies) == 4 and all(r.citations for r in replies)
    assert "worth" in replies[0].text and "simulated" in replies[0].text
    assert replies[1].text.startswith("Meeting prep — Marcus Chen")
    branches = conversation_branches(conversation=conversation)
    assert [b.status for b in branches] == ["active", "rolled_back"]
    sold = Message.objects.get(conversation=conversation, text=ROLLED_BACK)
    assert sold.status == "rolled_back"
    # What the rolled-back statement did to his Nvidia was reverted.
    nvda = Memory.objects.get(
        subject=marcus.subject, kind="holding", status="active", key__contains="NVDA"
    )
    assert nvda.payload["quantity"] == 1300
    assert MemoryEvent.objects.filter(
        subject=marcus.subject, cause_type="rollback"
    ).exists()
    assert chain_verify(marcus.subject).ok

    messages = Message.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Message.objects.count() == messages


def test_the_demo_analyst_has_a_chat_with_their_twin_citing_their_views():
    call_command("seed_demo", verbosity=0)
    analyst = User.objects.get(username="analyst")
    subject = analyst.analyst_profile.subject
    conversation = subject.conversations.get(external_id=ANALYST_CHAT_ID)
    replies = [
        m for m in message_list(conversation=conversation) if m.role == "assistant"
    ]
    assert len(replies) == 2 and all(r.citations for r in replies)
    assert "NVDA" in replies[0].text
    cited = Memory.objects.filter(pk__in=[c["memory"] for c in replies[0].citations])
    assert all(m.subject_id == subject.pk for m in cited)
    messages = Message.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Message.objects.count() == messages
