"""Compliance's conversation views: branches, rolled-back turns and the
compensating events they caused; a citation's version; the webhook log."""

import pytest

from advisor.models import User
from advisor.webhooks.models import WebhookDelivery
from advisor.webhooks.services import subscription_create
from memory.conversations.messages import conversation_start
from memory.conversations.rollback import conversation_rollback
from memory.conversations.turns import turn_take
from memory.extraction.pipeline import message_extract
from memory.models import CauseType, Memory, MemoryEvent
from tests.factories import ClientFactory, FirmFactory, UserFactory
from tests.web.helpers import remember

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolled_back(advisor_user):
    client = ClientFactory(advisor=advisor_user, name="Marcus Chen")
    remember(
        client.subject,
        "profile",
        "Moderate risk tolerance",
        payload={"risk_tolerance": "moderate"},
        key="profile:risk",
    )
    chat = conversation_start(subject=client.subject, title="Review prep")

    def ask(text):
        return turn_take(
            conversation=chat, text=text, user_id=advisor_user.pk, speaker="Dana"
        )

    kept = ask("What is his risk tolerance?")
    sold = ask("Marcus bought 100 shares of Apple at $150 today.")
    message_extract(message=sold.message)
    conversation_rollback(conversation=chat, to_message=kept.reply, user_id=None)
    return {"client": client, "chat": chat, "kept": kept, "sold": sold}


@pytest.fixture
def officer(firm):
    return UserFactory(firm=firm, role=User.Role.COMPLIANCE, is_staff=True)


def test_a_conversation_shows_its_branches_and_compensating_events(
    client, officer, rolled_back
):
    client.force_login(officer)
    chat = rolled_back["chat"]
    listing = client.get("/admin/memory/conversation/").content.decode()
    assert "Review prep" in listing
    page = client.get(f"/admin/memory/conversation/{chat.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "rolled back" in body and "active" in body
    assert "Marcus bought 100 shares of Apple" in body  # the abandoned turn
    holding = Memory.objects.get(subject=rolled_back["client"].subject, kind="holding")
    compensating = MemoryEvent.objects.get(
        memory_id=holding.pk, cause_type=CauseType.ROLLBACK
    )
    assert f"/admin/memory/memoryevent/{compensating.pk}/change/" in body
    assert f"conversation {chat.pk} to message {rolled_back['kept'].reply.pk}" in body


def test_a_citation_names_the_version_the_reply_rested_on(client, officer, rolled_back):
    client.force_login(officer)
    reply = rolled_back["kept"].reply
    cited = reply.citations[0]
    url = (
        f"/admin/memory/conversation/{rolled_back['chat'].pk}/messages/"
        f"{reply.pk}/citations/{cited['memory']}/"
    )
    assert (
        url
        in client.get(
            f"/admin/memory/conversation/{rolled_back['chat'].pk}/change/"
        ).content.decode()
    )
    page = client.get(url).content.decode()
    assert "verifies against the chain" in page and "does not verify" not in page
    assert f"at version {cited['version']}" in page
    assert cited["hash"] in page
    assert "Moderate risk tolerance" in page
    missing = url.replace(f"citations/{cited['memory']}/", "citations/999999/")
    assert client.get(missing).status_code == 404


def test_other_firms_and_advisors_reach_no_conversation(client, rolled_back):
    chat, reply = rolled_back["chat"], rolled_back["kept"].reply
    cited = reply.citations[0]["memory"]
    urls = [
        f"/admin/memory/conversation/{chat.pk}/change/",
        f"/admin/memory/conversation/{chat.pk}/messages/{reply.pk}/citations/{cited}/",
    ]
    stranger = UserFactory(firm=FirmFactory(), role=User.Role.COMPLIANCE, is_staff=True)
    client.force_login(stranger)
    assert (
        "Review prep" not in client.get("/admin/memory/conversation/").content.decode()
    )
    for url in urls:
        assert client.get(url).status_code in (302, 404), url
    client.force_login(rolled_back["client"].advisor)  # not staff
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the admin's login


def test_the_webhook_log_lists_deliveries_with_their_attempts(client, officer, firm):
    subscription = subscription_create(
        firm=firm, url="http://127.0.0.1:9/hook", event_types=["memory.changed"]
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        message_id="msg_log_1",
        event_type="memory.changed",
        payload={"type": "memory.changed"},
        last_error="connection refused",
    )
    client.force_login(officer)
    listing = client.get("/admin/webhooks/webhookdelivery/").content.decode()
    assert "msg_log_1" in listing
    detail = client.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert detail.status_code == 200
    assert "connection refused" in detail.content.decode()
    assert subscription.secret not in detail.content.decode()
