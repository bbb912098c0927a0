"""The chat in Debian's Chromium: a turn with citations, a rollback that reverts
a memory in the panel, the analyst's own chat, compliance's conversation views.

Each journey writes screenshots (desktop and phone widths, var/screenshots/) of
the pages it passes and has axe-core check them.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from advisor.models import Client
from memory.models import Conversation, Memory, MemoryStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SALE = "Marcus bought 40 shares of Costco at $900 today."


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def test_advisor_chats_opens_a_citation_and_rolls_back(
    demo, page, sign_in, screenshot, accessible
):
    sign_in("advisor", "advisor-demo-2026")
    page.click("text=Marcus Chen")
    chat = page.locator("#chat")
    expect(chat.locator("h2")).to_contain_text("Chat with the twin about Marcus Chen")
    # The demo's chat already has cited replies and a rolled-back branch.
    expect(chat.locator(".msg.assistant .citations a.cite").first).to_be_visible()
    expect(chat.locator("details.branches summary")).to_contain_text("Branches (2)")
    screenshot("client-chat")
    accessible("client chat page")

    # A turn, without a page reload: the reply arrives with its citations.
    url_before = page.url
    replies_before = chat.locator(".msg.assistant").count()
    page.fill("#chat-form textarea[name=text]", "What is his risk tolerance?")
    page.click("#chat-form button[type=submit]")
    expect(page.locator("#chat .msg.assistant")).to_have_count(replies_before + 1)
    assert page.url == url_before
    last = page.locator("#chat .msg.assistant").last
    expect(last.locator("a.cite").first).to_be_visible()
    expect(last).to_contain_text("risk")

    # Open a citation: its text, the version cited, the source turn.
    last.locator("a.cite").first.click()
    detail = last.locator(".citation-detail")
    expect(detail).to_be_visible()
    expect(detail).to_contain_text("Version cited")
    expect(detail).to_contain_text("chain verifies")
    expect(detail).to_contain_text("Source turn")
    screenshot("client-chat-citation")

    # Tell the twin something new: extraction makes it Marcus's memory, and
    # the panel beside the chat shows it without a reload.
    anchor = page.locator("#chat .msg.assistant").last.get_attribute("data-message")
    page.fill("#chat-form textarea[name=text]", SALE)
    page.click("#chat-form button[type=submit]")
    expect(page.locator("#chat .msg.user").last).to_contain_text("Costco")
    expect(page.locator("#memory-panel")).to_contain_text("COST")

    # Roll back to the turn before: the preview names the memory, then the
    # rollback reverts it and the panel follows.
    page.locator(f"#message-{anchor} a.rollback-link").click()
    preview = page.locator("#chat-dialog #rollback")
    expect(preview).to_contain_text("Roll back to this turn?")
    expect(preview.locator("ul.reverted")).to_contain_text("COST")
    screenshot("rollback-preview")
    accessible("rollback preview")
    client = Client.objects.get(name="Marcus Chen")
    assert Memory.objects.filter(
        subject=client.subject,
        kind="holding",
        payload__instrument="COST",
        status__in=[MemoryStatus.ACTIVE, MemoryStatus.PROPOSED],
    ).exists()
    preview.locator("button", has_text="Roll back").click()
    expect(page.locator("[data-testid=rollback-result]")).to_contain_text(
        "Memories reverted"
    )
    expect(page.locator("#memory-panel")).not_to_contain_text("COST")
    expect(page.locator("#chat .msg.user").last).not_to_contain_text("Costco")
    assert not Memory.objects.filter(
        subject=client.subject,
        kind="holding",
        payload__instrument="COST",
        status__in=[MemoryStatus.ACTIVE, MemoryStatus.PROPOSED],
    ).exists()
    screenshot("client-chat-rolled-back")

    # The abandoned branch opens, read-only.
    page.locator("#chat details.branches summary").click()
    page.locator(
        "#chat details.branches a", has_text="Rolled-back branch"
    ).first.click()
    expect(page.locator(".branch-notice")).to_be_visible()
    expect(page.locator("#chat-form")).to_have_count(0)
    expect(page.locator("#chat .msg.rolled-back").first).to_be_visible()


def test_a_rollback_preview_shows_a_conflict_with_both_versions(
    demo, page, sign_in, screenshot, accessible
):
    from advisor.models import User
    from memory.ledger.chain import Cause
    from memory.services import memory_update

    sign_in("advisor", "advisor-demo-2026")
    page.click("text=Marcus Chen")
    anchor = page.locator("#chat .msg.assistant").last.get_attribute("data-message")
    page.fill("#chat-form textarea[name=text]", SALE)
    page.click("#chat-form button[type=submit]")
    expect(page.locator("#memory-panel")).to_contain_text("COST")
    # The advisor corrects the new holding elsewhere: the rollback must leave
    # that correction alone, and say what each version holds.
    client = Client.objects.get(name="Marcus Chen")
    holding = Memory.objects.get(
        subject=client.subject, kind="holding", payload__instrument="COST"
    )
    advisor = User.objects.get(username="advisor")
    memory_update(
        memory=holding,
        cause=Cause.user(advisor.pk),
        text="Holds 45 COST (the advisor's correction)",
    )

    page.locator(f"#message-{anchor} a.rollback-link").click()
    conflicts = page.locator("#chat-dialog #rollback ul.conflicts")
    expect(conflicts).to_contain_text("Left by these messages · version 1")
    expect(conflicts).to_contain_text("Now · version 2")
    expect(conflicts).to_contain_text("the advisor's correction")
    screenshot("rollback-conflict")
    accessible("rollback preview with a conflict")


def test_meeting_prep_and_a_new_conversation(
    demo, page, sign_in, screenshot, accessible
):
    sign_in("advisor", "advisor-demo-2026")
    page.click("text=Eleanor Whitfield")
    page.locator("#chat details.conversations summary").click()
    page.fill("#id_new_title", "Before the annual review")
    page.click("form[data-form=new-conversation] button")
    expect(page.locator("#chat h2")).to_have_text("Before the annual review")
    assert re.search(r"/conversations/\d+/$", page.url)
    page.click("form[data-form=prep] button")
    reply = page.locator("#chat .msg.assistant").last
    expect(reply).to_contain_text("Meeting prep")
    expect(reply.locator("a.cite").first).to_be_visible()
    # The brief's listings read as lists, not one block of text.
    expect(reply.locator(".msg-text ul.reply-list li").first).to_be_visible()
    screenshot("meeting-prep")
    accessible("meeting prep brief")
    # An empty message is the browser's to refuse first, the server's after.
    assert (
        page.locator("#chat-form textarea[name=text]").get_attribute("required")
        is not None
    )


def test_analyst_records_and_revisits_a_view_in_their_chat(
    demo, page, sign_in, screenshot, accessible
):
    sign_in("analyst", "analyst-demo-2026")
    page.click("text=Chat with your twin")
    expect(page.locator("h1")).to_have_text("Your twin")
    if page.locator("#chat-form").count() == 0:
        page.locator("#chat details.conversations summary").click()
        page.click("form[data-form=new-conversation] button")
    page.fill(
        "#chat-form textarea[name=text]",
        "I am bearish on Intel, target $18 within 6 months.",
    )
    page.click("#chat-form button[type=submit]")
    expect(page.locator("#memory-panel")).to_contain_text("INTC")
    page.fill("#chat-form textarea[name=text]", "How is my NVDA view doing?")
    page.click("#chat-form button[type=submit]")
    reply = page.locator("#chat .msg.assistant").last
    expect(reply).to_contain_text("NVDA")
    expect(reply.locator("a.cite").first).to_be_visible()
    screenshot("analyst-chat")
    accessible("analyst chat")


def test_compliance_reads_a_conversations_branches_and_a_citation(
    demo, page, sign_in, screenshot, accessible
):
    sign_in("compliance", "compliance-demo-2026")
    conversation = Conversation.objects.get(external_id="demo-chat-CRM-1002")
    page.goto(f"/admin/memory/conversation/{conversation.pk}/change/")
    content = page.locator("#content-main")
    expect(content).to_contain_text("rolled back")
    expect(content).to_contain_text("Compensating events")
    screenshot("admin-conversation")
    accessible("admin conversation")
    content.locator("a[href*='/citations/']").first.click()
    expect(page.locator("#citation")).to_contain_text("verifies against the chain")
    expect(page.locator("#citation")).to_contain_text("The version the reply saw")
    screenshot("admin-citation")
    accessible("admin citation")
    page.goto("/admin/webhooks/webhookdelivery/")
    expect(page.locator("#content-main")).to_be_visible()
    accessible("admin webhook deliveries")
    # Compliance reads the client's chat, and takes no turn.
    marcus = Client.objects.get(name="Marcus Chen")
    page.goto(f"/clients/{marcus.pk}/")
    expect(page.locator("#chat .msg").first).to_be_visible()
    expect(page.locator("#chat-form")).to_have_count(0)


def test_advisor_cannot_reach_another_advisors_chat_by_url(demo, page, sign_in):
    theirs = Client.objects.get(name="Harold Becker")
    mine = Client.objects.get(name="Marcus Chen")
    conversation = Conversation.objects.get(external_id="demo-chat-CRM-1002")
    message = conversation.head
    sign_in("advisor2", "advisor2-demo-2026")
    for path in (
        f"/clients/{mine.pk}/",
        f"/clients/{mine.pk}/conversations/",
        f"/clients/{mine.pk}/conversations/{conversation.pk}/",
        f"/clients/{mine.pk}/conversations/{conversation.pk}/messages/"
        f"{message.pk}/rollback/",
        f"/clients/{mine.pk}/conversations/{conversation.pk}/branches/{message.pk}/",
        f"/clients/{theirs.pk}/conversations/{conversation.pk}/",
        f"/clients/{theirs.pk}/conversations/{conversation.pk}/messages/"
        f"{message.pk}/rollback/",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        assert "Marcus Chen" not in page.content()
