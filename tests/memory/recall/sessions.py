"""Sessions of turns stored as a chat stores them, for the recall tests."""

from datetime import timedelta

from memory.models import Memory


def session_store(subject, lines, *, day):
    """Store a session's turns as a chat would: one message and episode each.

    ``lines`` are ``(speaker, text)`` pairs, a minute apart from ``day``; the
    client speaks as the user. Return the turns' episodes, in order.
    """
    from memory.conversations.messages import conversation_start, message_append

    conversation = conversation_start(subject=subject)
    episodes = []
    for minute, (speaker, text) in enumerate(lines):
        message = message_append(
            conversation=conversation,
            role="user" if speaker == "client" else "assistant",
            speaker=speaker,
            text=text,
            occurred_at=day + timedelta(minutes=minute),
            extract=False,
        )
        episodes.append(Memory.objects.get(kind="episode", source_messages=message))
    return episodes
