"""The chat's pages: a turn with citations, meeting prep, rollback, branches,
citations, the analyst's own chat, and who may reach which of them."""

import pytest

from advisor.models import User
from memory.conversations.messages import conversation_start
from memory.conversations.turns import turn_take
from memory.extraction.pipeline import message_extract
from memory.models import (
    Conversation,
    Memory,
    MemoryStatus,
    Message,
    MessageStatus,
)
from tests.factories import ClientFactory, FirmFactory, UserFactory
from tests.web.helpers import HTMX, remember

pytestmark = pytest.mark.django_db


@pytest.fixture
def marcus(advisor_user):
    client = ClientFactory(advisor=advisor_user, name="Marcus Chen")
    remember(
        client.subject,
        "profile",
        "Moderate risk tolerance, 12-year horizon",
        payload={"risk_tolerance": "moderate", "horizon_years": 12},
        key="profile:risk",
    )
    return client


@pytest.fixture
def signed_in(client, advisor_user):
    client.force_login(advisor_user)
    return client


@pytest.fixture
def chat(marcus, advisor_user):
    return conversation_start(
        subject=marcus.subject, title="Before the review", created_by_id=advisor_user.pk
    )


def base(client, conversation=None) -> str:
    prefix = f"/clients/{client.pk}/conversations/"
    return prefix if conversation is None else f"{prefix}{conversation.pk}/"


def ask(conversation, user, text):
    return turn_take(
        conversation=conversation, text=text, user_id=user.pk, speaker="Dana Reyes"
    )


def test_client_page_opens_the_latest_chat_with_its_composer(signed_in, marcus, chat):
    page = signed_in.get(f"/clients/{marcus.pk}/").content.decode()
    assert 'id="chat"' in page and "Before the review" in page
    assert f'action="{base(marcus, chat)}messages/"' in page
    assert "Meeting prep" in page
    assert "memory-panel" in page  # beside the chat


def test_starting_a_conversation_and_bad_titles(signed_in, marcus):
    response = signed_in.post(base(marcus), {"title": "Annual review"})
    conversation = Conversation.objects.get(subject=marcus.subject)
    assert response.status_code == 302
    assert response["Location"] == base(marcus, conversation)
    assert conversation.title == "Annual review"
    too_long = signed_in.post(base(marcus), {"title": "x" * 201})
    assert too_long.status_code == 422
    assert "at most 200 characters" in too_long.content.decode()
    assert Conversation.objects.filter(subject=marcus.subject).count() == 1


def test_a_turn_with_htmx_answers_the_chat_with_cited_memories(signed_in, marcus, chat):
    response = signed_in.post(
        f"{base(marcus, chat)}messages/",
        {"text": "What is his risk tolerance?"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="chat"' in body
    assert "What is his risk tolerance?" in body
    reply = Message.objects.get(conversation=chat, role="assistant")
    assert reply.citations, "the offline composer cites the profile"
    cited = reply.citations[0]["memory"]
    assert f"messages/{reply.pk}/citations/{cited}/" in body
    assert "Moderate risk tolerance" in body  # the cited memory, by its text
    assert "twin-memory-changed" in response["HX-Trigger-After-Settle"]


def test_a_turn_without_javascript_redirects_to_the_reply(signed_in, marcus, chat):
    response = signed_in.post(f"{base(marcus, chat)}messages/", {"text": "Hello"})
    reply = Message.objects.get(conversation=chat, role="assistant")
    assert response.status_code == 302
    assert response["Location"] == f"{base(marcus, chat)}#message-{reply.pk}"
    page = signed_in.get(base(marcus, chat)).content.decode()
    assert f'id="message-{reply.pk}"' in page


@pytest.mark.parametrize(
    "text, error",
    [("", "Type a message"), ("   ", "Type a message"), ("x" * 10_001, "at most")],
)
def test_a_bad_message_is_a_form_error_and_stores_nothing(
    signed_in, marcus, chat, text, error
):
    for extra in ({}, HTMX):
        response = signed_in.post(
            f"{base(marcus, chat)}messages/", {"text": text}, **extra
        )
        assert response.status_code == 422
        assert error in response.content.decode()
    assert not Message.objects.filter(conversation=chat).exists()


def test_meeting_prep_asks_the_twin_for_the_brief(signed_in, marcus, chat):
    page = signed_in.get(base(marcus, chat)).content.decode()
    assert "Prep me for my next meeting with Marcus Chen." in page
    signed_in.post(
        f"{base(marcus, chat)}messages/",
        {"text": "Prep me for my next meeting with Marcus Chen."},
        **HTMX,
    )
    reply = Message.objects.get(conversation=chat, role="assistant")
    assert "Meeting prep" in reply.text
    assert "Moderate risk tolerance" in reply.text


def test_a_citation_shows_the_version_cited_and_its_source(
    signed_in, marcus, chat, advisor_user
):
    said = ask(chat, advisor_user, "Marcus bought 100 shares of Apple at $150 today.")
    message_extract(message=said.message)
    answer = ask(chat, advisor_user, "What does Marcus hold?")
    holding = Memory.objects.get(
        subject=marcus.subject, kind="holding", status=MemoryStatus.ACTIVE
    )
    assert holding.pk in [c["memory"] for c in answer.reply.citations]
    url = f"{base(marcus, chat)}messages/{answer.reply.pk}/citations/{holding.pk}/"
    fragment = signed_in.get(url, **HTMX).content.decode()
    assert "<html" not in fragment
    assert holding.text in fragment
    assert f"version {holding.version}" in fragment
    assert "chain verifies" in fragment
    assert "Marcus bought 100 shares of Apple" in fragment  # the source turn
    assert signed_in.get(url).status_code == 200  # a page of its own without JS
    wrong = f"{base(marcus, chat)}messages/{answer.message.pk}/citations/{holding.pk}/"
    assert signed_in.get(wrong).status_code == 404  # that message cites nothing


def test_a_reply_shows_its_listings_as_lists_and_escapes_what_it_quotes(
    signed_in, marcus, chat, advisor_user
):
    remember(
        marcus.subject,
        "goal",
        "Retire at 60 <b>early</b>",
        key="goal:retire",
        payload={"goal": "retire at 60"},
    )
    for symbol in ("AAPL", "MSFT"):
        remember(
            marcus.subject,
            "holding",
            f"Holds 100 {symbol}",
            key=f"holding:{symbol}",
            payload={"instrument": symbol, "quantity": 100},
        )
    ask(chat, advisor_user, "Prep me for the meeting.")
    page = signed_in.get(base(marcus, chat)).content.decode()
    reply = page[page.rindex('data-role="assistant"') :]
    reply = reply[: reply.index("</li>\n", reply.index("msg-text"))]
    assert "<p>Meeting prep — Marcus Chen" in reply
    assert "Retire at 60 &lt;b&gt;early&lt;/b&gt;" in reply  # escaped, not markup
    assert "<b>early</b>" not in reply
    listing = reply[reply.index("<p>Holdings:</p>") :]
    assert listing.startswith('<p>Holdings:</p><ul class="reply-list"><li>Holds 100')
    assert listing.index("MSFT") < listing.index("</ul>")  # both in one list
    # The advisor's own words stay as typed, lines and all.
    ask(chat, advisor_user, "- not a list\n- just dashes")
    page = signed_in.get(base(marcus, chat)).content.decode()
    assert "- not a list<br>- just dashes" in page


def test_rollback_previews_then_reverts_the_memory_and_keeps_the_branch(
    signed_in, marcus, chat, advisor_user
):
    kept = ask(chat, advisor_user, "What is his risk tolerance?")
    sold = ask(chat, advisor_user, "Marcus bought 100 shares of Apple at $150 today.")
    message_extract(message=sold.message)
    holding = Memory.objects.get(subject=marcus.subject, kind="holding")
    url = f"{base(marcus, chat)}messages/{kept.reply.pk}/rollback/"

    preview = signed_in.get(url, **HTMX)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Memories to revert (1)" in body and holding.text in body
    assert "2 later messages will be marked rolled back" in body
    holding.refresh_from_db()
    assert holding.status == MemoryStatus.ACTIVE  # a preview writes nothing

    done = signed_in.post(url, **HTMX)
    assert done.status_code == 200
    assert "twin-memory-changed" in done["HX-Trigger-After-Settle"]
    body = done.content.decode()
    assert "Memories reverted (1)" in body and "compensating event" in body
    holding.refresh_from_db()
    assert holding.status == MemoryStatus.RETRACTED
    assert Message.objects.get(pk=sold.reply.pk).status == MessageStatus.ROLLED_BACK
    panel = signed_in.get(f"/clients/{marcus.pk}/memory/", **HTMX).content.decode()
    assert holding.text not in panel

    # The abandoned branch can be opened and read, and is read-only.
    page = signed_in.get(base(marcus, chat)).content.decode()
    assert "Rolled-back branch" in page
    branch = signed_in.get(f"{base(marcus, chat)}branches/{sold.reply.pk}/")
    text = branch.content.decode()
    assert "Marcus bought 100 shares of Apple" in text and "rolled back" in text
    assert 'id="chat-form"' not in text

    # Rolling back to a message of the abandoned branch is refused, clearly.
    again = signed_in.get(f"{base(marcus, chat)}messages/{sold.reply.pk}/rollback/")
    assert again.status_code == 409
    assert "abandoned branch" in again.content.decode()


def test_a_rollback_conflict_shows_both_versions_and_who_made_the_later_one(
    signed_in, marcus, chat, advisor_user
):
    from memory.ledger.chain import Cause
    from memory.services import memory_update

    kept = ask(chat, advisor_user, "What is his risk tolerance?")
    bought = ask(chat, advisor_user, "Marcus bought 100 shares of Apple at $150 today.")
    message_extract(message=bought.message)
    holding = Memory.objects.get(subject=marcus.subject, kind="holding")
    left = holding.text
    memory_update(
        memory=holding,
        cause=Cause.user(advisor_user.pk),
        text="Holds 120 AAPL (corrected by the advisor)",
    )
    url = f"{base(marcus, chat)}messages/{kept.reply.pk}/rollback/"

    body = signed_in.get(url, **HTMX).content.decode()
    assert "Conflicts (1)" in body
    assert "Left by these messages · version 1" in body and f"“{left}”" in body
    assert "Now · version 2" in body
    assert "“Holds 120 AAPL (corrected by the advisor)”" in body
    assert "updated by user" in body

    signed_in.post(url, **HTMX)
    holding.refresh_from_db()
    # The advisor's correction is left as it is.
    assert holding.status == MemoryStatus.ACTIVE
    assert holding.text == "Holds 120 AAPL (corrected by the advisor)"


def test_rollback_without_javascript_is_a_page_then_its_result(
    signed_in, marcus, chat, advisor_user
):
    kept = ask(chat, advisor_user, "Hello")
    ask(chat, advisor_user, "And again")
    url = f"{base(marcus, chat)}messages/{kept.reply.pk}/rollback/"
    page = signed_in.get(url).content.decode()
    assert "<html" in page and "Roll back to this turn?" in page
    result = signed_in.post(url)
    assert result.status_code == 200
    assert "Rolled back to this turn" in result.content.decode()
    chat.refresh_from_db()
    assert chat.head_id == kept.reply.pk


def test_compliance_reads_the_chat_but_takes_no_turn(client, marcus, chat):
    officer = UserFactory(firm=marcus.firm, role=User.Role.COMPLIANCE)
    client.force_login(officer)
    ask(chat, marcus.advisor, "Hello")
    page = client.get(base(marcus, chat)).content.decode()
    assert "Hello" in page and 'id="chat-form"' not in page
    assert (
        client.post(f"{base(marcus, chat)}messages/", {"text": "x"}).status_code == 403
    )
    head = Message.objects.filter(conversation=chat).first()
    assert (
        client.post(f"{base(marcus, chat)}messages/{head.pk}/rollback/").status_code
        == 403
    )


def chat_urls(client, conversation, message, memory_id=1) -> list[tuple[str, str]]:
    prefix = base(client, conversation)
    return [
        ("get", f"/clients/{client.pk}/"),
        ("get", base(client)),
        ("post", base(client)),
        ("get", prefix),
        ("post", f"{prefix}messages/"),
        ("get", f"{prefix}messages/{message.pk}/rollback/"),
        ("post", f"{prefix}messages/{message.pk}/rollback/"),
        ("post", f"{prefix}messages/{message.pk}/retry/"),
        ("get", f"{prefix}messages/{message.pk}/citations/{memory_id}/"),
        ("get", f"{prefix}branches/{message.pk}/"),
        ("get", f"{prefix}messages/{message.pk}/extraction/"),
    ]


def test_another_advisors_client_conversation_and_message_are_not_found(
    signed_in, marcus, chat, advisor_user
):
    mine = ask(chat, advisor_user, "Hello")
    colleague = UserFactory(firm=marcus.firm)
    theirs = ClientFactory(advisor=colleague, name="Harold Becker")
    their_chat = conversation_start(subject=theirs.subject, title="Harold's")
    said = ask(their_chat, colleague, "Harold's secret")
    # Their client by URL.
    for method, url in chat_urls(theirs, their_chat, said.reply):
        response = getattr(signed_in, method)(url, {"text": "hi", "title": "t"})
        assert response.status_code == 404, url
        assert "Harold" not in response.content.decode()
    # Their conversation, or their message, under my own client's URLs.
    for method, url in chat_urls(marcus, their_chat, said.reply) + [
        ("get", f"{base(marcus, chat)}messages/{said.reply.pk}/rollback/"),
        ("get", f"{base(marcus, chat)}branches/{said.reply.pk}/"),
        (
            "get",
            f"{base(marcus, chat)}messages/{said.reply.pk}/citations/1/",
        ),
    ]:
        if url in (f"/clients/{marcus.pk}/", base(marcus)):
            continue
        response = getattr(signed_in, method)(url, {"text": "hi"})
        assert response.status_code == 404, url
    assert Message.objects.filter(conversation=their_chat).count() == 2
    assert mine.reply.status == MessageStatus.ACTIVE


def test_another_firms_staff_find_nothing(client, marcus, chat, advisor_user):
    said = ask(chat, advisor_user, "Hello")
    stranger = UserFactory(firm=FirmFactory(), role=User.Role.COMPLIANCE, is_staff=True)
    client.force_login(stranger)
    for method, url in chat_urls(marcus, chat, said.reply):
        assert getattr(client, method)(url, {"text": "x"}).status_code == 404, url


@pytest.fixture
def analyst(firm):
    return UserFactory(firm=firm, role=User.Role.ANALYST, first_name="Priya")


def test_the_analyst_records_a_view_in_their_own_chat(client, analyst):
    client.force_login(analyst)
    assert "Chat with your twin" in client.get("/").content.decode()
    page = client.get("/analyst/chat/")
    assert page.status_code == 200 and "Your twin" in page.content.decode()
    response = client.post("/analyst/chat/", {"title": "Semis"})
    conversation = Conversation.objects.get(subject=analyst.analyst_profile.subject)
    assert response["Location"] == f"/analyst/chat/{conversation.pk}/"
    turn = client.post(
        f"/analyst/chat/{conversation.pk}/messages/",
        {"text": "I am bullish on NVDA, target $160 within 12 months."},
        **HTMX,
    )
    assert turn.status_code == 200
    said = Message.objects.get(conversation=conversation, role="user")
    assert said.speaker_role == "analyst"
    message_extract(message=said)
    panel = client.get("/analyst/memory/").content.decode()
    assert "NVDA" in panel


def test_no_one_else_reaches_an_analysts_chat(client, analyst, signed_in):
    conversation = conversation_start(subject=analyst.analyst_profile.subject)
    said = ask(conversation, analyst, "Bearish on TSLA")
    for url in (
        "/analyst/chat/",
        f"/analyst/chat/{conversation.pk}/",
        f"/analyst/chat/{conversation.pk}/messages/{said.reply.pk}/rollback/",
        f"/analyst/chat/{conversation.pk}/branches/{said.reply.pk}/",
        "/analyst/memory/",
    ):
        assert signed_in.get(url).status_code == 404, url  # an advisor
    other = UserFactory(firm=analyst.firm, role=User.Role.ANALYST)
    signed_in.force_login(other)
    assert signed_in.get(f"/analyst/chat/{conversation.pk}/").status_code == 404
    assert (
        signed_in.post(
            f"/analyst/chat/{conversation.pk}/messages/", {"text": "mine now"}
        ).status_code
        == 404
    )


def test_the_page_follows_the_workers_extraction_and_reloads_the_panel(
    signed_in, marcus, chat, advisor_user
):
    # The worker has not run (the turn's extraction is queued on commit).
    said = ask(chat, advisor_user, "Marcus bought 40 shares of Costco at $900 today.")
    poll = f"{base(marcus, chat)}messages/{said.message.pk}/extraction/"
    page = signed_in.get(base(marcus, chat)).content.decode()
    assert f'hx-get="{poll}"' in page and 'hx-trigger="every 1s"' in page
    waiting = signed_in.get(poll, **HTMX)
    assert waiting.status_code == 204 and "HX-Trigger-After-Settle" not in waiting

    message_extract(message=said.message)
    done = signed_in.get(poll, **HTMX)
    assert done.status_code == 200
    assert 'data-extraction="done"' in done.content.decode()
    assert "twin-memory-changed" in done["HX-Trigger-After-Settle"]
    assert Memory.objects.filter(subject=marcus.subject, key__startswith="holding:COST")
    # Extracted: the page no longer polls.
    page = signed_in.get(base(marcus, chat)).content.decode()
    assert poll not in page


def test_a_parked_extraction_stops_the_polling_and_says_so(
    signed_in, marcus, chat, advisor_user
):
    from memory.extraction.failures import extraction_failed
    from memory.llm import ModelError

    said = ask(chat, advisor_user, "Marcus sold his Costco.")
    extraction_failed(
        message=said.message,
        extractor_label="model:test",
        error=ModelError("the model server is down"),
        park=True,
    )
    poll = f"{base(marcus, chat)}messages/{said.message.pk}/extraction/"
    parked = signed_in.get(poll, **HTMX)
    assert parked.status_code == 200
    assert 'data-extraction="parked"' in parked.content.decode()
    assert "HX-Trigger-After-Settle" not in parked
