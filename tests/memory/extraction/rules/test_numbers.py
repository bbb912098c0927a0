"""Numbers as people write them: amounts, scales and currencies."""

import pytest

from memory.extraction.rules import parse_amount


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1,200", 1200),
        ("$1.2k", 1200),
        ("200k", 200_000),
        ("2 million", 2_000_000),
        ("half a million", 500_000),
        ("$2.5m", 2_500_000),
        ("two hundred", 200),
        ("a quarter million", 250_000),
        ("95.50", 95.5),
    ],
)
def test_amounts_are_read_as_people_write_them(written, value):
    assert parse_amount(written)[0] == value


def test_amounts_keep_their_currency():
    assert parse_amount("$1.2k") == (1200, "USD")
    assert parse_amount("€300") == (300, "EUR")
    assert parse_amount("300") == (300, None)
