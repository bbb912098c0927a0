"""The offline composer answers each kind of question from memory and stored quotes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from memory.assistant.offline import intent_of
from memory.conversations.imports import transcript_import
from memory.ledger.chain import Cause
from memory.models import MemoryEvent, MemoryStatus
from memory.readings.refresh import readings_refresh
from memory.services import memory_record, memory_supersede

from .helpers import ask, marcus_memories, quote, remember

pytestmark = pytest.mark.django_db


@pytest.fixture
def memories(marcus):
    return marcus_memories(marcus.subject)


@pytest.fixture
def market():
    return {
        "NVDA": quote("NVDA", "120.00", minutes_ago=5),
        "AAPL": quote("AAPL", "200.00", minutes_ago=5),
        "TSLA": quote("TSLA", "250.00", minutes_ago=5),
    }


def cited(reply) -> list[int]:
    return [citation["memory"] for citation in reply.citations]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("What does Marcus hold?", "holdings"),
        ("How much is his Nvidia worth?", "holdings"),
        ("What is his risk tolerance?", "profile"),
        ("What are his goals?", "goals"),
        ("What does he want to avoid?", "preferences"),
        ("How is his Tesla view doing against its target?", "views"),
        ("What changed since March 3?", "changes"),
        ("Prep me for the meeting", "prep"),
        ("What's the price of Apple?", "quote"),
        ("What is his favourite colour?", "unknown"),
        ("Marcus sold 200 shares of Nvidia this morning.", "statement"),
    ],
)
def test_each_kind_of_question_is_recognised(text, intent):
    assert intent_of(text) == intent


def test_holdings_with_their_value_now_and_the_quote_they_were_read_against(
    chat, advisor_user, memories, market
):
    turn = ask(chat, advisor_user, "What does Marcus hold, and what is it worth?")
    text = turn.reply.text
    assert text.startswith("Marcus's holdings:")
    # 1,300 x 120 and 200 x 200, each with its unrealised gain over cost.
    assert "worth $156,000.00, unrealised gain $91,000.00 (+140.0%)" in text
    assert "worth $40,000.00, unrealised gain $10,000.00 (+33.3%)" in text
    assert "Together worth $196,000.00" in text
    assert "quote 5 minutes old" in text
    assert set(cited(turn.reply)) == {memories["nvda"].pk, memories["aapl"].pk}
    (nvda,) = [c for c in turn.reply.citations if c["memory"] == memories["nvda"].pk]
    latest = MemoryEvent.objects.filter(memory=memories["nvda"]).latest("sequence")
    # The version relied on is the reading the turn applied on read.
    assert latest.action == "refresh" and latest.cause_ref == "on read"
    assert (nvda["event"], nvda["hash"], nvda["version"]) == (
        latest.pk,
        latest.hash,
        memories["nvda"].version,
    )
    assert nvda["quote"]["symbol"] == "NVDA" and nvda["quote"]["price"] == "120.00"
    assert nvda["quote"]["as_of"] == market["NVDA"].as_of.isoformat(
        timespec="microseconds"
    )


def test_a_named_instrument_narrows_the_answer(chat, advisor_user, memories, market):
    turn = ask(chat, advisor_user, "How much is his Nvidia position worth?")
    assert "NVDA" in turn.reply.text and "AAPL" not in turn.reply.text
    assert cited(turn.reply) == [memories["nvda"].pk]
    turn = ask(chat, advisor_user, "What is his Microsoft worth?")
    assert "Marcus holds none of MSFT" in turn.reply.text


def test_risk_profile_goals_and_preferences(chat, advisor_user, memories):
    profile = ask(chat, advisor_user, "What is his risk tolerance?").reply
    assert "Aggressive risk tolerance, 25-year horizon" in profile.text
    assert cited(profile) == [memories["profile"].pk]
    goals = ask(chat, advisor_user, "What are his goals?").reply
    assert "cabin for about $400,000 by 2028" in goals.text
    assert cited(goals) == [memories["goal"].pk]
    preferences = ask(chat, advisor_user, "What does he want to avoid?").reply
    assert "Avoids fossil fuels" in preferences.text
    assert cited(preferences) == [memories["preference"].pk]


def test_a_view_against_its_target(chat, advisor_user, memories, market):
    reading = ask(chat, advisor_user, "How is his Tesla view doing?").reply
    assert "Bearish on TSLA, target $180" in reading.text
    assert "now $250.00" in reading.text
    assert "-28.0% to its target of $180.00" in reading.text
    assert cited(reading) == [memories["tsla"].pk]


def test_a_view_whose_target_was_reached(chat, advisor_user, memories):
    quote("TSLA", "175.00", minutes_ago=1)
    reached = ask(chat, advisor_user, "Has his TSLA target been reached?").reply
    assert "now $175.00" in reached.text
    assert "target $180.00 reached" in reached.text


def test_simulated_prices_and_old_quotes_are_said(chat, advisor_user, memories):
    quote("NVDA", "118.50", minutes_ago=3 * 24 * 60, simulated=True)
    text = ask(chat, advisor_user, "What is his Nvidia worth?").reply.text
    assert "simulated" in text
    assert "quote 3 days old" in text
    assert "older than the firm's policy; a refresh is queued" in text


def test_what_changed_since_a_date(chat, advisor_user, memories, marcus):
    since = timezone.now() - timedelta(days=10)
    memory_supersede(
        memory=memories["goal"],
        cause=Cause.system("test"),
        text="Wants to buy a cabin for about $500,000 by 2029",
        payload={"goal": "cabin", "amount": 500000},
        valid_from=since + timedelta(days=2),
    )
    added = remember(
        marcus.subject, "fact", "Second grandchild born", {"detail": "born"}, days_ago=1
    )
    text_date = f"{since:%B} {since.day}, {since.year}"
    reply = ask(chat, advisor_user, f"What changed since {text_date}?").reply
    assert f"Since {since.day} {since:%b %Y}:" in reply.text
    assert (
        "Replaced: Wants to buy a cabin for about $400,000 by 2028 → "
        "Wants to buy a cabin for about $500,000 by 2029"
    ) in reply.text
    assert "New: Second grandchild born" in reply.text
    assert "Avoids fossil fuels" not in reply.text  # stated a month ago
    assert memories["goal"].pk in cited(reply) and added.pk in cited(reply)


def test_what_changed_since_the_last_meeting(chat, advisor_user, memories, marcus):
    met = timezone.now() - timedelta(days=5)
    transcript_import(
        subject=marcus.subject,
        title="Autumn review",
        turns=[{"speaker": "client", "text": "All good here.", "occurred_at": met}],
        index=False,
    )
    remember(marcus.subject, "fact", "Started a new job", {"detail": "job"}, days_ago=2)
    reply = ask(chat, advisor_user, "What has changed since our last meeting?").reply
    assert reply.text.startswith("Since the last meeting (Autumn review")
    assert "New: Started a new job" in reply.text
    assert "Avoids fossil fuels" not in reply.text


def test_a_meeting_prep_brief(chat, advisor_user, memories, market, marcus):
    readings_refresh(tenant_id=marcus.subject.tenant_id)
    quote("TSLA", "170.00", minutes_ago=1)  # the bearish target is reached
    readings_refresh(tenant_id=marcus.subject.tenant_id)
    proposal = memory_record(
        subject=marcus.subject,
        kind="fact",
        text="Might move to Portugal",
        payload={"detail": "maybe"},
        cause=Cause.system("test"),
        status=MemoryStatus.PROPOSED,
    )
    transcript_import(
        subject=marcus.subject,
        title="Spring review",
        turns=[
            {
                "speaker": "client",
                "text": "We are thinking about the cabin again.",
                "occurred_at": timezone.now() - timedelta(days=20),
            }
        ],
        index=False,
    )
    reply = ask(chat, advisor_user, "Prep me for the meeting with Marcus").reply
    text = reply.text
    assert text.startswith("Meeting prep — Marcus Chen")
    for line in (
        "Profile: Aggressive risk tolerance, 25-year horizon",
        "Goals: Wants to buy a cabin",
        "Preferences: Avoids fossil fuels",
        "Holdings:",
        "worth $156,000.00",
        "Views:",
        "Alerts:",
        "TSLA reached the target 180",
        "Open proposals (1 waiting for review):",
        "Might move to Portugal",
        "Last discussed (Spring review",
        "We are thinking about the cabin again.",
    ):
        assert line in text, line
    assert {memories[name].pk for name in memories} | {proposal.pk} <= set(cited(reply))


def test_a_quote_question(chat, advisor_user, memories, market):
    text = ask(chat, advisor_user, "What's the price of Apple?").reply.text
    assert "AAPL: $200.00" in text and "quote 5 minutes old" in text


def test_when_it_does_not_know_it_says_so_and_shows_the_closest(
    chat, advisor_user, memories
):
    reply = ask(chat, advisor_user, "What is his favourite cabin colour?").reply
    assert reply.text.startswith("I don't know that from what I remember of Marcus.")
    assert "The closest memories I have:" in reply.text
    assert "cabin" in reply.text.split("closest memories I have:")[1]
    assert memories["goal"].pk in cited(reply)


def test_with_no_memory_at_all_it_says_so(chat, advisor_user):
    reply = ask(chat, advisor_user, "What does he hold?").reply
    assert reply.text == "I have no holdings recorded for Marcus."
    assert reply.citations == []


def test_a_statement_is_acknowledged_and_extracted_after_the_turn(
    chat, advisor_user, memories, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        turn = ask(chat, advisor_user, "Marcus sold 200 shares of Nvidia this morning.")
    assert turn.reply.text.startswith("Noted. I will update Marcus's memory")
    assert turn.message.speaker_role == "advisor"
    # The advisor typed it about the client: it is the client's holding.
    nvda = memories["nvda"]
    nvda.refresh_from_db()
    assert nvda.status == MemoryStatus.SUPERSEDED
    assert nvda.superseded_by.payload["quantity"] == 1100
    assert nvda.superseded_by.subject_id == chat.subject_id


def test_a_goal_said_about_the_client_by_pronoun(
    chat, advisor_user, marcus, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(chat, advisor_user, "She wants to retire at 60.")
    goal = marcus.subject.memories.get(kind="goal")
    assert goal.payload["target_age"] == 60


def _reads_of(context, table: str) -> int:
    return sum(
        query["sql"].startswith(f'SELECT "{table}".') for query in context.captured
    )


class _Queries:
    def __init__(self, context):
        self.captured = context.captured_queries


def test_a_meeting_prep_reads_references_policies_and_quotes_once(
    chat, advisor_user, memories, market
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The first brief applies the stored quotes on read; the next has none to apply.
    ask(chat, advisor_user, "Prep me for the meeting with Marcus")
    with CaptureQueriesContext(connection) as context:
        reply = ask(chat, advisor_user, "Prep me for the meeting with Marcus").reply
    assert "Holdings:" in reply.text and "Views:" in reply.text
    queries = _Queries(context)
    # Holdings and views in one pass: one read of the firm's policy and of the
    # references; the citations reuse the references the reply showed.
    assert _reads_of(queries, "memory_memorypolicy") == 1
    # The search's own read of its hits' references, the pass, and its reload.
    assert _reads_of(queries, "memory_marketreference") <= 3
    quoted = [c for c in reply.citations if c["quote"]]
    assert {c["memory"] for c in quoted} >= {memories["nvda"].pk, memories["aapl"].pk}
    assert _reads_of(queries, "market_quote") == 1


def test_what_changed_reads_successors_by_key(chat, advisor_user, memories, marcus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    memory_supersede(
        memory=memories["aapl"],
        cause=Cause.system("test"),
        text="Holds 250 AAPL in the IRA",
        payload={"instrument": "AAPL", "quantity": 250, "cost_basis": 150},
    )
    with CaptureQueriesContext(connection) as context:
        reply = ask(chat, advisor_user, "What changed since last month?").reply
    assert "Replaced: Holds 200 AAPL in the IRA → Holds 250 AAPL in the IRA" in (
        reply.text
    )
    changed = [
        q["sql"] for q in context.captured_queries if '"valid_to" >=' in q["sql"]
    ]
    assert len(changed) == 1 and 'superseded_by_id" = T' not in changed[0]
    assert 'LEFT OUTER JOIN "memory_memory" T' not in changed[0]
