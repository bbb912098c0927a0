"""The ticker resolver: symbols and company names in what people write."""

import pytest

from memory.extraction.rules import RulesExtractor
from memory.extraction.tickers import DEFAULT_INSTRUMENTS, TickerResolver


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("AAPL", "AAPL"),
        ("$AAPL", "AAPL"),
        ("$aapl", "AAPL"),
        ("Apple", "AAPL"),
        ("apple stock", "AAPL"),
        ("Johnson & Johnson", "JNJ"),
        ("Coca-Cola", "KO"),
        ("coca cola", "KO"),
        ("NVIDIA", "NVDA"),
        ("Nvidia", "NVDA"),
        ("Facebook", "META"),
        ("Google", "GOOGL"),
        ("BRK.B", "BRK-B"),
        ("Berkshire Hathaway", "BRK-B"),
        ("McDonald’s", "MCD"),
        ("AT&T", "T"),
        ("$T", "T"),
        ("shares of T", "T"),
        ("visa stock", "V"),
    ],
)
def test_the_resolver_finds_symbols_and_names(text, symbol):
    assert TickerResolver().resolve(text) == symbol


@pytest.mark.parametrize(
    "text",
    ["T", "C", "V", "MA", "ALL", "IT", "ON", "A", "ARE", "SO", "NOW", "t", "all"],
)
def test_symbols_that_are_words_need_a_dollar_sign_or_a_ticker_position(text):
    resolver = TickerResolver()

    assert resolver.resolve(text) is None
    assert resolver.resolve(f"${text}") == text.upper()


@pytest.mark.parametrize(
    "prose",
    [
        "we are all set, it is on me now",
        "call me at 3 PM",
        "is a travel visa needed",
        "ALL OF IT IS GONE NOW",
        "so are we",
    ],
)
def test_ordinary_prose_names_no_instrument(prose):
    assert TickerResolver().find(prose) == []


def test_the_resolver_takes_the_apps_own_instruments():
    extra = [
        {
            "symbol": "SHEL",
            "name": "Shell plc",
            "aliases": ["Shell"],
            "sector": "Energy",
            "currency": "USD",
            "exchange": "NYSE",
            "reference_price": 70.0,
        }
    ]
    resolver = TickerResolver(extra=extra)

    assert resolver.resolve("Shell") == "SHEL"
    assert resolver.resolve("AAPL") == "AAPL"
    assert TickerResolver().resolve("Shell") is None
    [holding] = RulesExtractor(resolver).extract("I own 300 Shell in my IRA")
    assert holding.key == "holding:SHEL:ira"


def test_the_built_in_table_is_complete_enough_to_price_and_screen():
    symbols = [item["symbol"] for item in DEFAULT_INSTRUMENTS]

    assert len(symbols) >= 80
    assert len(symbols) == len(set(symbols))
    for item in DEFAULT_INSTRUMENTS:
        assert item["reference_price"] > 0, item["symbol"]
        assert item["sector"] and item["currency"] == "USD" and item["exchange"]
    sectors = {item["symbol"]: item["sector"] for item in DEFAULT_INSTRUMENTS}
    assert sectors["MO"] == sectors["PM"] == "Tobacco"
    assert sectors["LMT"] == "Defense"
    assert sectors["XOM"] == "Energy"
    for symbol in ("SPY", "VOO", "VTI", "QQQ", "BND", "AGG", "SCHD", "VIG"):
        assert symbol in sectors
