"""Affect: a feeling about a sector in words no pattern knows (``rules/affect``)."""

import pytest

from memory.models import MemoryPolicy

from .helpers import by_key

NAMES = ["Greta Schulz", "Greta"]
APPLIES = MemoryPolicy._meta.get_field("min_auto_apply_confidence").default

FELT = [
    ("client", "Gambling strikes me as grim.", "preference:avoid:sector:gambling"),
    ("advisor", "She finds tobacco disgusting.", "preference:avoid:sector:tobacco"),
    ("client", "I'd be happy with more bonds.", "preference:like:sector:bonds"),
]


@pytest.mark.parametrize(("role", "message", "key"), FELT, ids=[c[1] for c in FELT])
def test_a_strongly_felt_sentence_about_a_sector_is_a_preference(
    extractor, role, message, key
):
    found = by_key(extractor.extract(message, role=role, subject_names=NAMES))

    assert key in found, sorted(found)
    assert found[key].confidence >= APPLIES


def test_a_mild_feeling_waits_for_review(extractor):
    (found,) = extractor.extract("Bonds are boring to me.")

    assert found.key == "preference:avoid:sector:bonds"
    assert found.confidence < APPLIES


NOT_A_TASTE = [
    ("client", "Tech had a rough year."),
    ("client", "My brother loves tech."),
    ("advisor", "Greta's mate hates weapons makers, Greta doesn't care."),
    ("client", "I sold my oil stocks happily."),
    ("client", "I work in healthcare and it's exhausting."),
    ("client", "Energy prices hurt me this winter."),
    ("client", "Is tech good?"),
    ("advisor", "I love tech, personally."),
    ("client", "I'm worried about tech."),
]


@pytest.mark.parametrize(
    ("role", "message"), NOT_A_TASTE, ids=[c[1] for c in NOT_A_TASTE]
)
def test_news_trades_jobs_and_other_people_are_no_taste(extractor, role, message):
    found = extractor.extract(message, role=role, subject_names=NAMES)

    assert not [c for c in found if c.kind == "preference"], found
