"""The demo's chat with the twin: cited replies, and a branch that was rolled back.

Dana asks the twin about Marcus Chen, tells it he sold Nvidia (extraction turns
that into his memory), then rolls the conversation back — the sale was another
client's — and asks on. The abandoned branch, its reverted memory and the
compensating ledger events stay there to look at.
"""

from advisor.models import Client, User
from memory.conversations.messages import conversation_start
from memory.conversations.rollback import conversation_rollback
from memory.conversations.turns import turn_take
from memory.extraction.pipeline import message_extract
from memory.selectors import conversation_by_external_id

CHAT_CLIENT = "CRM-1002"  # Marcus Chen
CHAT_ID = "demo-chat-CRM-1002"
BEFORE_ROLLBACK = [
    "What does Marcus hold, and what is it worth?",
    "Prep me for my next meeting with Marcus.",
]
ROLLED_BACK = "Marcus sold 300 shares of Nvidia this morning."
AFTER_ROLLBACK = [
    "What is his risk tolerance?",
    "How is his AMD view doing against its target?",
]


def demo_chat(firm) -> list[str]:
    """Leave one chat with the twin about Marcus Chen, once; say what was made."""
    client = Client.objects.filter(firm=firm, external_id=CHAT_CLIENT).first()
    if client is None:
        return []
    subject = client.subject
    if conversation_by_external_id(subject=subject, external_id=CHAT_ID):
        return []
    advisor = client.advisor
    speaker = advisor.get_full_name() or advisor.username
    conversation = conversation_start(
        subject=subject,
        title=f"Chat with the twin about {client.name}",
        external_id=CHAT_ID,
        created_by_id=advisor.pk,
    )

    def ask(text):
        return turn_take(
            conversation=conversation, text=text, user_id=advisor.pk, speaker=speaker
        )

    kept = [ask(text) for text in BEFORE_ROLLBACK][-1]
    sold = ask(ROLLED_BACK)
    # The worker would extract it after the turn; the demo needs it now.
    message_extract(message=sold.message)
    ask("What does he hold now?")
    report = conversation_rollback(
        conversation=conversation, to_message=kept.reply, user_id=advisor.pk
    )
    for text in AFTER_ROLLBACK:
        ask(text)
    return [
        f"chat {CHAT_ID}: {len(report.rolled_back_messages)} "
        f"messages rolled back, {len(report.reverted)} memories reverted"
    ]


ANALYST_CHAT_ID = "demo-chat-analyst"
ANALYST_QUESTIONS = [
    "How is my NVDA view doing against its target?",
    "What are my open views?",
]


def demo_analyst_chat(firm) -> list[str]:
    """Leave the analyst one chat with their own twin, once, with cited replies."""
    analyst = (
        User.objects.filter(firm=firm, role=User.Role.ANALYST)
        .select_related("analyst_profile__subject")
        .order_by("pk")
        .first()
    )
    if analyst is None:
        return []
    subject = analyst.analyst_profile.subject
    if conversation_by_external_id(subject=subject, external_id=ANALYST_CHAT_ID):
        return []
    speaker = analyst.get_full_name() or analyst.username
    conversation = conversation_start(
        subject=subject,
        title="Revisiting my views",
        external_id=ANALYST_CHAT_ID,
        created_by_id=analyst.pk,
    )
    for text in ANALYST_QUESTIONS:
        turn_take(
            conversation=conversation, text=text, user_id=analyst.pk, speaker=speaker
        )
    return [f"chat {ANALYST_CHAT_ID}: {len(ANALYST_QUESTIONS)} turns"]
