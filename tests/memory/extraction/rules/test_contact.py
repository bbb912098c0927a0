"""Contact: how and when the subject wants to be reached (``rules/contact``)."""

import pytest

from memory.extraction.candidates import PriorTurn
from memory.models import MemoryPolicy

from .helpers import SENT_AT, by_key

NAMES = ["Greta Schulz", "Greta"]
APPLIES = MemoryPolicy._meta.get_field("min_auto_apply_confidence").default

# (role, message, key, polarity)
STATED = [
    ("client", "I prefer email.", "preference:like:contact:email", "likes"),
    ("client", "No e-mail, please.", "preference:avoid:contact:email", "avoids"),
    ("advisor", "Greta hates phone calls.", "preference:avoid:contact:phone", "avoids"),
    ("client", "Please use texts to reach me.", "preference:like:contact:text",
     "likes"),
    ("advisor", "She'd rather be contacted by Teams calls.",
     "preference:like:contact:video", "likes"),
    ("client", "I'd rather not do face-to-face meetings.",
     "preference:avoid:contact:in_person", "avoids"),
    ("advisor", "Call her after work if you can.",
     "preference:like:contact:evenings", "likes"),
    ("client", "I prefer meetings early in the day.",
     "preference:like:contact:mornings", "likes"),
    ("client", "I never answer email.", "preference:avoid:contact:email", "avoids"),
    ("advisor", "Don't bother with video calls for her.",
     "preference:avoid:contact:video", "avoids"),
    ("client", "Text messages are the way to get hold of me.",
     "preference:like:contact:text", "likes"),
    ("client", "I always respond fastest to face-to-face meetings.",
     "preference:like:contact:in_person", "likes"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "message", "key", "polarity"), STATED, ids=[c[1] for c in STATED]
)
def test_a_channel_or_a_time_said_with_a_feeling_is_a_contact_preference(
    extractor, role, message, key, polarity
):
    found = by_key(
        extractor.extract(message, role=role, occurred_at=SENT_AT, subject_names=NAMES)
    )

    assert key in found, sorted(found)
    payload = found[key].payload
    assert payload["polarity"] == polarity
    assert payload["sectors"] == [] and payload["instruments"] == []
    assert found[key].confidence >= APPLIES, "a clear statement applies at once"


def test_a_retirement_age_and_a_channel_in_one_sentence_are_both_kept(extractor):
    found = by_key(
        extractor.extract("I want to retire at 62, and I prefer text messages.")
    )

    assert found["goal:retirement"].payload["target_age"] == 62
    assert found["preference:like:contact:text"].payload["topic"] == "text"


def test_the_answer_to_how_to_reach_them_is_their_channel(extractor):
    previous = [PriorTurn("advisor", "How do you like to be contacted?")]

    found = by_key(extractor.extract("Video calls, please.", previous=previous))

    assert "preference:like:contact:video" in found


NOTHING = [
    ("analyst", "My call on Apple: buy, target $130."),
    ("client", "My wife prefers email."),
    ("client", "I read the text of the filing."),
    ("client", "Can you email me the statement?"),
    ("advisor", "I'll call him tomorrow."),
    ("client", "See you in the morning."),
    ("client", "I prefer calls over puts."),
    ("client", "The no-go list is in the email."),
    ("client", "Please send the report by email."),
    ("client", "I use email for work."),
    ("client", "Call me back tomorrow."),
]


@pytest.mark.parametrize(("role", "message"), NOTHING, ids=[c[1] for c in NOTHING])
def test_a_channel_word_alone_or_someone_elses_is_no_preference(
    extractor, role, message
):
    found = extractor.extract(message, role=role, subject_names=NAMES)

    assert not [c for c in found if ":contact:" in c.key], found
