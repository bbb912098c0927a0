"""Whose memory a statement is: the speaker's role and the clause's subject."""

import pytest


@pytest.mark.parametrize(
    ("role", "message", "kind"),
    [
        ("client", "my brother owns Tesla", "holding"),
        ("client", "My son bought 100 shares of NVDA", "holding"),
        ("client", "my brother is bullish on Tesla", "view"),
        ("client", "My neighbor thinks AAPL is a buy", "view"),
        ("client", "My wife is very conservative", "profile"),
        ("client", "My brother wants to retire at 50", "goal"),
        ("client", "Stocks like Apple are fine", "preference"),
        ("advisor", "Do you still own TSLA?", "holding"),
        ("advisor", "I'm bullish on NVDA myself.", "view"),
        ("advisor", "I bought 100 AAPL for my own account", "holding"),
        ("advisor", "I just got promoted to senior advisor", "fact"),
    ],
)
def test_statements_about_someone_else_are_not_the_subjects(
    extractor, role, message, kind
):
    kinds = {c.kind for c in extractor.extract(message, role=role)}

    assert kind not in kinds
