"""The assistant: composers of the twin's replies, and the memory tools a model uses.

``get_composer()`` returns the composer the ``ASSISTANT_COMPOSER`` setting names:
``offline`` (the default, no model) or ``model`` (an OpenAI-compatible chat
model through ``memory.llm``, with memory tools). The turn
(``memory.conversations.turns``) gathers the grounding, runs the composer, and
stores the reply with its citations.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .composer import Composer, Composition, ReplyFailed
from .offline import OfflineComposer

COMPOSERS = ("offline", "model")

__all__ = ["COMPOSERS", "Composer", "Composition", "ReplyFailed", "get_composer"]


def get_composer() -> Composer:
    """Return the composer the ``ASSISTANT_COMPOSER`` setting names."""
    choice = getattr(settings, "ASSISTANT_COMPOSER", "offline") or "offline"
    if choice == "offline":
        return OfflineComposer()
    if choice == "model":
        # The model composer (and the openai package) load only when chosen.
        from .model import ModelComposer

        return ModelComposer.from_settings()
    raise ImproperlyConfigured(
        f"ASSISTANT_COMPOSER must be one of {', '.join(COMPOSERS)}, not {choice!r}"
    )
