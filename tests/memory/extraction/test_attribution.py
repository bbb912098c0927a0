"""In the advisor's chat the advisor types about the client: by name, first name
or pronoun, it is the client's memory; the advisor's own "I" and questions are
not. The analyst's chat records the analyst's own views. Names come from the
real tenancy provider (the client's record), never from the engine."""

import pytest

from advisor.models import User
from memory.conversations.messages import conversation_start, message_append
from memory.extraction.pipeline import message_extract
from memory.models import Memory, MemoryStatus
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marcus(advisor_user):
    return ClientFactory(advisor=advisor_user, name="Marcus Chen")


@pytest.fixture
def advisor_types(marcus):
    conversation = conversation_start(subject=marcus.subject)

    def typed(text, role="advisor"):
        message = message_append(
            conversation=conversation,
            role="user",
            speaker="Dana Reyes",
            speaker_role=role,
            text=text,
            extract=False,
        )
        return message_extract(message=message)

    return typed


def memories(subject, kind=None):
    found = Memory.objects.filter(subject=subject, status=MemoryStatus.ACTIVE)
    found = found.exclude(kind="episode")
    return list(found.filter(kind=kind) if kind else found)


def test_the_advisor_names_the_client_and_it_is_the_clients_memory(
    marcus, advisor_types
):
    advisor_types("Marcus has 200 Apple in his IRA.")
    (holding,) = memories(marcus.subject, "holding")
    assert holding.payload["quantity"] == 200 and holding.payload["account"] == "ira"

    advisor_types("Marcus sold his Apple this morning.")

    assert memories(marcus.subject, "holding") == []
    assert Memory.objects.get(pk=holding.pk).status == "retracted"


@pytest.mark.parametrize(
    ("said", "kind", "fields"),
    [
        ("He wants to retire at 60.", "goal", {"target_age": 60}),
        (
            "Marcus Chen is very conservative.",
            "profile",
            {"risk_tolerance": "conservative"},
        ),
        (
            "Marcus's risk tolerance is moderate.",
            "profile",
            {"risk_tolerance": "moderate"},
        ),
        ("Marcus is bearish on Tesla.", "view", {"instrument": "TSLA"}),
        ("His daughter just had a baby.", "fact", {"event": "birth"}),
        ("Keep him out of tobacco.", "preference", {"polarity": "avoids"}),
    ],
)
def test_by_name_first_name_or_pronoun(marcus, advisor_types, said, kind, fields):
    advisor_types(said)

    (memory,) = memories(marcus.subject, kind)
    for name, value in fields.items():
        assert memory.payload[name] == value


@pytest.mark.parametrize(
    "said",
    [
        "What is her risk tolerance?",
        "Does Marcus still hold Tesla?",
        "I bought 100 Tesla for myself today.",
        "I'm bullish on Nvidia personally.",
        "Marcus's brother owns a ton of Nvidia.",
        "Marcus's neighbor thinks Apple is a buy.",
    ],
)
def test_questions_the_advisors_own_i_and_other_people_are_not_the_clients(
    marcus, advisor_types, said
):
    advisor_types(said)

    assert memories(marcus.subject) == []
    assert not Memory.objects.filter(subject=marcus.subject, status="proposed").exists()


def test_an_advisors_bare_judgement_waits_for_review(marcus, advisor_types):
    # "Boeing is a steal": the advisor's own opinion, or the client's?
    report = advisor_types("Boeing is a steal right now.")

    assert memories(marcus.subject) == []
    (proposal,) = Memory.objects.filter(subject=marcus.subject, status="proposed")
    assert report.proposed == [proposal.pk]
    assert proposal.payload["stance"] == "bullish"


def test_the_clients_own_words_in_the_first_person(marcus, advisor_types):
    advisor_types("I've got forty Boeing and I can't stand casinos.", role="client")

    kinds = sorted(m.kind for m in memories(marcus.subject))
    assert kinds == ["holding", "preference"]


def test_the_analysts_chat_records_the_analysts_own_views(firm):
    analyst = UserFactory(firm=firm, role=User.Role.ANALYST, first_name="Priya")
    subject = analyst.analyst_profile.subject
    conversation = conversation_start(subject=subject)
    for text in [
        "Initiating NVDA at buy with a $160 target.",
        "The street is bullish on Meta but I'm not convinced.",
        "Clients keep asking me about Tesla.",
    ]:
        message = message_append(
            conversation=conversation,
            role="user",
            speaker="Priya",
            speaker_role="analyst",
            text=text,
            extract=False,
        )
        message_extract(message=message)

    (view,) = memories(subject)
    assert view.payload["instrument"] == "NVDA"
    assert view.payload["stance"] == "bullish" and view.payload["target_price"] == 160
