"""Conversations: messages in a tree per conversation, and transcript imports.

- ``messages``: conversations, appending a turn (and its episode memory);
- ``imports``: transcript imports and the indexing that follows them.
"""
