"""What a sentence says, put plainly: numbers in words, self-repairs, names."""

import pytest

from memory.extraction.rules.wording import (
    names_as_pronouns,
    plain,
    self_repairs,
    words_to_digits,
)


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("two hundred fifty Tesla", "250 Tesla"),
        ("a hundred and fifty Netflix", "150 Netflix"),
        ("seven hundred and fifty AMD", "750 AMD"),
        ("fifteen hundred shares", "1500 shares"),
        ("one thousand five hundred Meta", "1500 Meta"),
        ("retire at sixty-two", "retire at 62"),
        ("two million dollars", "2 million dollars"),
        ("I have two kids and one dog", "I have 2 kids and one dog"),
        ("one of them", "one of them"),
        ("a few shares", "a few shares"),
        ("someone bought ten", "someone bought 10"),
    ],
)
def test_numbers_said_in_words_read_as_digits(said, read):
    assert words_to_digits(said) == read


def test_a_sum_said_in_dollars_is_money():
    assert plain("around two hundred forty thousand dollars a year") == (
        "around $240000 a year"
    )


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("We own 200 VOO, sorry, 250.", "We own 250 VOO."),
        ("I have 300, no wait, 350 shares of Exxon.", "I have 350 shares of Exxon."),
        # "not" is a correction of its own kind, read by the corrections topic.
        ("It was 300, sorry, not 200.", "It was 300, sorry, not 200."),
    ],
)
def test_a_self_repair_keeps_the_settled_value(said, read):
    assert self_repairs(said) == read


def test_the_subjects_names_read_as_a_pronoun_in_the_advisors_words():
    names = ["Marcus Chen", "Marcus"]

    assert names_as_pronouns(
        "Marcus Chen told me Marcus sold Marcus's Apple.", names
    ) == ("he told me he sold his Apple.")
    assert plain("Marcus sold", names=names, advisor=False) == "Marcus sold"
    assert plain("Marcus sold", names=names, advisor=True) == "he sold"
