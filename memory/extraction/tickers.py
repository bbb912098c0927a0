"""Resolve tickers and company names in free text to instrument symbols.

``DEFAULT_INSTRUMENTS`` is a small built-in table of common US stocks and ETFs, so
the offline extractor and the simulated quote provider work with no data feed. The
app can feed its own instrument table to ``TickerResolver`` later.

Resolution is deliberately cautious: a wrong ticker becomes a wrong holding in a
client's memory, so a symbol that is also an English word ("T", "ALL", "NOW") only
resolves as ``$T`` or in an unmistakable ticker position ("shares of T").
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def _instrument(
    symbol: str,
    name: str,
    aliases: list[str],
    sector: str,
    exchange: str,
    reference_price: float,
) -> dict:
    return {
        "symbol": symbol,
        "name": name,
        "aliases": aliases,
        "sector": sector,
        "currency": "USD",
        "exchange": exchange,
        "reference_price": reference_price,
    }


_I = _instrument
DEFAULT_INSTRUMENTS: list[dict] = [
    # Technology
    _I("AAPL", "Apple Inc.", ["Apple"], "Technology", "NASDAQ", 190.0),
    _I("MSFT", "Microsoft Corporation", ["Microsoft"], "Technology", "NASDAQ", 420.0),
    _I("NVDA", "NVIDIA Corporation", ["Nvidia"], "Technology", "NASDAQ", 125.0),
    _I("AMD", "Advanced Micro Devices", [], "Technology", "NASDAQ", 150.0),
    _I("INTC", "Intel Corporation", ["Intel"], "Technology", "NASDAQ", 30.0),
    _I("CSCO", "Cisco Systems", ["Cisco"], "Technology", "NASDAQ", 50.0),
    _I("ORCL", "Oracle Corporation", ["Oracle"], "Technology", "NYSE", 140.0),
    _I("CRM", "Salesforce, Inc.", ["Salesforce"], "Technology", "NYSE", 270.0),
    _I("ADBE", "Adobe Inc.", ["Adobe"], "Technology", "NASDAQ", 520.0),
    _I("AVGO", "Broadcom Inc.", ["Broadcom"], "Technology", "NASDAQ", 160.0),
    _I("QCOM", "Qualcomm", ["Qualcomm"], "Technology", "NASDAQ", 170.0),
    _I("IBM", "International Business Machines", [], "Technology", "NYSE", 180.0),
    _I("NOW", "ServiceNow, Inc.", ["ServiceNow"], "Technology", "NYSE", 800.0),
    _I("IT", "Gartner, Inc.", ["Gartner"], "Technology", "NYSE", 450.0),
    _I("ON", "ON Semiconductor", ["onsemi"], "Technology", "NASDAQ", 70.0),
    _I("PLTR", "Palantir Technologies", ["Palantir"], "Technology", "NASDAQ", 25.0),
    # Communication services and media
    _I(
        "GOOGL",
        "Alphabet Inc. Class A",
        ["Alphabet", "Google"],
        "Communication Services",
        "NASDAQ",
        170.0,
    ),
    _I("GOOG", "Alphabet Inc. Class C", [], "Communication Services", "NASDAQ", 171.0),
    _I(
        "META",
        "Meta Platforms, Inc.",
        ["Meta", "Facebook"],
        "Communication Services",
        "NASDAQ",
        500.0,
    ),
    _I("NFLX", "Netflix, Inc.", ["Netflix"], "Communication Services", "NASDAQ", 650.0),
    _I(
        "DIS",
        "The Walt Disney Company",
        ["Disney", "Walt Disney"],
        "Communication Services",
        "NYSE",
        100.0,
    ),
    _I("VZ", "Verizon Communications", ["Verizon"], "Telecommunications", "NYSE", 40.0),
    _I("T", "AT&T Inc.", ["AT&T", "AT and T"], "Telecommunications", "NYSE", 20.0),
    # Consumer
    _I(
        "AMZN",
        "Amazon.com, Inc.",
        ["Amazon"],
        "Consumer Discretionary",
        "NASDAQ",
        185.0,
    ),
    _I("TSLA", "Tesla, Inc.", ["Tesla"], "Automotive", "NASDAQ", 250.0),
    _I("F", "Ford Motor Company", ["Ford"], "Automotive", "NYSE", 12.0),
    _I("GM", "General Motors", ["General Motors"], "Automotive", "NYSE", 45.0),
    _I("HD", "The Home Depot", ["Home Depot"], "Consumer Discretionary", "NYSE", 350.0),
    _I(
        "MCD",
        "McDonald's Corporation",
        ["McDonald's", "McDonalds"],
        "Consumer Discretionary",
        "NYSE",
        270.0,
    ),
    _I("NKE", "Nike, Inc.", ["Nike"], "Consumer Discretionary", "NYSE", 90.0),
    _I(
        "SBUX",
        "Starbucks Corporation",
        ["Starbucks"],
        "Consumer Discretionary",
        "NASDAQ",
        90.0,
    ),
    _I("UBER", "Uber Technologies", ["Uber"], "Technology", "NYSE", 70.0),
    _I(
        "KO",
        "The Coca-Cola Company",
        ["Coca-Cola", "Coca Cola", "Coke"],
        "Consumer Staples",
        "NYSE",
        62.0,
    ),
    _I(
        "PEP",
        "PepsiCo, Inc.",
        ["PepsiCo", "Pepsi"],
        "Consumer Staples",
        "NASDAQ",
        170.0,
    ),
    _I(
        "PG",
        "Procter & Gamble",
        ["Procter & Gamble", "Procter and Gamble", "P&G"],
        "Consumer Staples",
        "NYSE",
        165.0,
    ),
    _I(
        "WMT", "Walmart Inc.", ["Walmart", "Wal-Mart"], "Consumer Staples", "NYSE", 70.0
    ),
    _I(
        "COST",
        "Costco Wholesale",
        ["Costco"],
        "Consumer Staples",
        "NASDAQ",
        850.0,
    ),
    # Tobacco, alcohol, gambling
    _I("MO", "Altria Group", ["Altria"], "Tobacco", "NYSE", 50.0),
    _I(
        "PM",
        "Philip Morris International",
        ["Philip Morris"],
        "Tobacco",
        "NYSE",
        120.0,
    ),
    _I(
        "BTI",
        "British American Tobacco",
        ["British American Tobacco"],
        "Tobacco",
        "NYSE",
        35.0,
    ),
    _I(
        "BUD",
        "Anheuser-Busch InBev",
        ["Anheuser-Busch", "AB InBev", "Budweiser"],
        "Alcohol",
        "NYSE",
        60.0,
    ),
    _I(
        "STZ",
        "Constellation Brands",
        ["Constellation Brands"],
        "Alcohol",
        "NYSE",
        250.0,
    ),
    _I("LVS", "Las Vegas Sands", ["Las Vegas Sands"], "Gambling", "NYSE", 45.0),
    _I("MGM", "MGM Resorts International", ["MGM Resorts"], "Gambling", "NYSE", 40.0),
    # Defense and aerospace
    _I(
        "LMT",
        "Lockheed Martin",
        ["Lockheed", "Lockheed Martin"],
        "Defense",
        "NYSE",
        460.0,
    ),
    _I("RTX", "RTX Corporation", ["Raytheon"], "Defense", "NYSE", 115.0),
    _I(
        "NOC",
        "Northrop Grumman",
        ["Northrop", "Northrop Grumman"],
        "Defense",
        "NYSE",
        470.0,
    ),
    _I("GD", "General Dynamics", ["General Dynamics"], "Defense", "NYSE", 280.0),
    _I("BA", "The Boeing Company", ["Boeing"], "Aerospace", "NYSE", 180.0),
    # Energy and utilities
    _I(
        "XOM",
        "Exxon Mobil",
        ["Exxon", "ExxonMobil", "Exxon Mobil"],
        "Energy",
        "NYSE",
        115.0,
    ),
    _I("CVX", "Chevron Corporation", ["Chevron"], "Energy", "NYSE", 155.0),
    _I("COP", "ConocoPhillips", ["ConocoPhillips", "Conoco"], "Energy", "NYSE", 115.0),
    _I(
        "NEE",
        "NextEra Energy",
        ["NextEra", "NextEra Energy"],
        "Utilities",
        "NYSE",
        75.0,
    ),
    _I("DUK", "Duke Energy", ["Duke Energy"], "Utilities", "NYSE", 100.0),
    _I("SO", "The Southern Company", ["Southern Company"], "Utilities", "NYSE", 80.0),
    # Healthcare
    _I(
        "JNJ",
        "Johnson & Johnson",
        ["Johnson & Johnson", "Johnson and Johnson", "J&J"],
        "Healthcare",
        "NYSE",
        155.0,
    ),
    _I("PFE", "Pfizer Inc.", ["Pfizer"], "Healthcare", "NYSE", 28.0),
    _I(
        "UNH",
        "UnitedHealth Group",
        ["UnitedHealth", "United Health", "UnitedHealthcare"],
        "Healthcare",
        "NYSE",
        520.0,
    ),
    _I("ABBV", "AbbVie Inc.", ["AbbVie"], "Healthcare", "NYSE", 175.0),
    _I("MRK", "Merck & Co.", ["Merck"], "Healthcare", "NYSE", 120.0),
    _I("LLY", "Eli Lilly and Company", ["Eli Lilly"], "Healthcare", "NYSE", 800.0),
    _I("A", "Agilent Technologies", ["Agilent"], "Healthcare", "NYSE", 140.0),
    # Financials
    _I(
        "JPM",
        "JPMorgan Chase & Co.",
        ["JPMorgan", "JP Morgan", "J.P. Morgan", "JPMorgan Chase"],
        "Financials",
        "NYSE",
        200.0,
    ),
    _I(
        "BRK-B",
        "Berkshire Hathaway Inc. Class B",
        ["Berkshire", "Berkshire Hathaway"],
        "Financials",
        "NYSE",
        410.0,
    ),
    _I("V", "Visa Inc.", ["Visa"], "Financials", "NYSE", 275.0),
    _I("MA", "Mastercard Incorporated", ["Mastercard"], "Financials", "NYSE", 460.0),
    _I(
        "GS",
        "Goldman Sachs Group",
        ["Goldman", "Goldman Sachs"],
        "Financials",
        "NYSE",
        450.0,
    ),
    _I("MS", "Morgan Stanley", ["Morgan Stanley"], "Financials", "NYSE", 95.0),
    _I(
        "BAC",
        "Bank of America",
        ["Bank of America", "BofA"],
        "Financials",
        "NYSE",
        38.0,
    ),
    _I("C", "Citigroup Inc.", ["Citigroup", "Citi"], "Financials", "NYSE", 60.0),
    _I("WFC", "Wells Fargo & Company", ["Wells Fargo"], "Financials", "NYSE", 55.0),
    _I("PYPL", "PayPal Holdings", ["PayPal"], "Financials", "NASDAQ", 65.0),
    _I("ALL", "The Allstate Corporation", ["Allstate"], "Financials", "NYSE", 170.0),
    _I("COIN", "Coinbase Global", ["Coinbase"], "Financials", "NASDAQ", 200.0),
    # Industrials and real estate
    _I("CAT", "Caterpillar Inc.", ["Caterpillar"], "Industrials", "NYSE", 340.0),
    _I("DE", "Deere & Company", ["John Deere", "Deere"], "Industrials", "NYSE", 380.0),
    _I("MMM", "3M Company", ["3M"], "Industrials", "NYSE", 100.0),
    _I("UPS", "United Parcel Service", [], "Industrials", "NYSE", 140.0),
    _I("O", "Realty Income", ["Realty Income"], "Real Estate", "NYSE", 55.0),
    _I(
        "ARE",
        "Alexandria Real Estate Equities",
        ["Alexandria Real Estate"],
        "Real Estate",
        "NYSE",
        110.0,
    ),
    _I("PLD", "Prologis, Inc.", ["Prologis"], "Real Estate", "NYSE", 120.0),
    # ETFs
    _I(
        "SPY",
        "SPDR S&P 500 ETF Trust",
        ["SPDR S&P 500"],
        "Broad Market",
        "NYSE Arca",
        520.0,
    ),
    _I(
        "VOO",
        "Vanguard S&P 500 ETF",
        ["Vanguard S&P 500"],
        "Broad Market",
        "NYSE Arca",
        480.0,
    ),
    _I(
        "VTI",
        "Vanguard Total Stock Market ETF",
        ["Vanguard Total Stock Market"],
        "Broad Market",
        "NYSE Arca",
        260.0,
    ),
    _I("QQQ", "Invesco QQQ Trust", ["Invesco QQQ"], "Technology", "NASDAQ", 450.0),
    _I(
        "DIA",
        "SPDR Dow Jones Industrial Average ETF",
        [],
        "Broad Market",
        "NYSE Arca",
        390.0,
    ),
    _I(
        "BND",
        "Vanguard Total Bond Market ETF",
        ["Vanguard Total Bond Market"],
        "Fixed Income",
        "NASDAQ",
        72.0,
    ),
    _I(
        "AGG",
        "iShares Core US Aggregate Bond ETF",
        ["iShares Core US Aggregate Bond"],
        "Fixed Income",
        "NYSE Arca",
        98.0,
    ),
    _I(
        "TLT",
        "iShares 20+ Year Treasury Bond ETF",
        [],
        "Fixed Income",
        "NASDAQ",
        92.0,
    ),
    _I(
        "SCHD",
        "Schwab US Dividend Equity ETF",
        ["Schwab US Dividend Equity"],
        "Dividend",
        "NYSE Arca",
        80.0,
    ),
    _I(
        "VIG",
        "Vanguard Dividend Appreciation ETF",
        ["Vanguard Dividend Appreciation"],
        "Dividend",
        "NYSE Arca",
        185.0,
    ),
    _I(
        "VYM",
        "Vanguard High Dividend Yield ETF",
        ["Vanguard High Dividend Yield"],
        "Dividend",
        "NYSE Arca",
        120.0,
    ),
    _I("IWM", "iShares Russell 2000 ETF", [], "Small Cap", "NYSE Arca", 210.0),
    _I(
        "VXUS",
        "Vanguard Total International Stock ETF",
        [],
        "International",
        "NASDAQ",
        60.0,
    ),
    _I(
        "EEM",
        "iShares MSCI Emerging Markets ETF",
        [],
        "Emerging Markets",
        "NYSE Arca",
        42.0,
    ),
    _I("VNQ", "Vanguard Real Estate ETF", [], "Real Estate", "NYSE Arca", 85.0),
    _I("GLD", "SPDR Gold Shares", [], "Commodities", "NYSE Arca", 220.0),
    _I("XLE", "Energy Select Sector SPDR Fund", [], "Energy", "NYSE Arca", 90.0),
]
del _I

# Which instrument sectors a preference or view topic (as the extractor names it)
# covers, so a screen for "no weapons" can find LMT without knowing the word.
TOPIC_SECTORS: dict[str, tuple[str, ...]] = {
    "tobacco": ("Tobacco",),
    "weapons": ("Defense",),
    "defense": ("Defense", "Aerospace"),
    "fossil fuels": ("Energy",),
    "energy": ("Energy",),
    "alcohol": ("Alcohol",),
    "gambling": ("Gambling",),
    "technology": ("Technology",),
    "healthcare": ("Healthcare",),
    "financials": ("Financials",),
    "utilities": ("Utilities",),
    "real estate": ("Real Estate",),
    "bonds": ("Fixed Income",),
    "dividends": ("Dividend",),
    "small caps": ("Small Cap",),
    "international": ("International",),
    "emerging markets": ("Emerging Markets",),
    "automotive": ("Automotive",),
    "consumer staples": ("Consumer Staples",),
}

# Symbols that are also everyday words or abbreviations. Upper case alone is not
# enough for these: "I sold ALL of it", "call me NOW", "at 3 PM".
COMMON_WORD_SYMBOLS = frozenset(
    """
    A AI ALL AM AN ANY ARE AS AT BE BIG BUD BY C CAN CAR CASH CAT CEO CFO CPI DD DE DIS
    DO EPS ETF F FOR FUN GDP GM GO GOLD GOOD HAS HD HE HON HOME I IF IN IPO IRA IS IT
    K KEY LIFE LOVE LOW MA ME MO MS MY NEW NO NOT NOW O OK ON ONE OR OUT PM PLAY REAL
    RUN SAFE SEE SO T THE TO TV UK UP US USA USD V WE WELL X YOU COST COIN SPY PEP
    """.split()
)

# Aliases that are ordinary words in lower case ("a travel visa", "intel on the
# deal", "meta discussion"): these match capitalised, or in lower case only when
# "stock" or "shares" follows ("visa stock").
CASE_SENSITIVE_ALIASES = frozenset(
    {"Visa", "Meta", "Oracle", "Intel", "Coke", "Ford", "Uber", "Citi"}
)

_SYMBOL_TOKEN = r"[A-Za-z]{1,5}(?:[.\-/][A-Za-z])?"
_UPPER_TOKEN = re.compile(r"(?<![\w$&.'-])([A-Z]{1,5}(?:[.\-/][A-Z])?)(?![\w&'])")
_DOLLAR_TOKEN = re.compile(rf"(?<![\w$])\$({_SYMBOL_TOKEN})(?![\w&])")
# A clear ticker position for a symbol that is also a word: "shares of T",
# "ticker T", "T stock". A bare number before it is not one: "at 3 PM".
_TICKER_BEFORE = re.compile(
    r"(?:\b(?:shares?|stake|position|units|lots?)\s+(?:of|in)|\b(?:ticker|symbol)"
    r"\s*:?)\s+$",
    re.IGNORECASE,
)
_TICKER_AFTER = re.compile(r"^\s+(?:shares|stock|common|calls|puts)\b", re.IGNORECASE)


def normalise_symbol(symbol: str) -> str:
    """Return the canonical form of a symbol: upper case, class share with "-"."""
    return re.sub(r"[./]", "-", symbol.strip().lstrip("$").upper())


@dataclass(frozen=True)
class TickerMention:
    """Where an instrument is named in a text, and how."""

    symbol: str
    start: int
    end: int
    text: str
    by_name: bool


class TickerResolver:
    """Find instruments named in text by symbol or company name.

    Build it from ``DEFAULT_INSTRUMENTS`` (the default) or any list of dicts with at
    least ``symbol``, ``name`` and ``aliases``; ``extra`` adds to or overrides the
    base list by symbol, e.g. with the app's own instrument table.
    """

    def __init__(
        self,
        instruments: Iterable[Mapping] | None = None,
        *,
        extra: Iterable[Mapping] = (),
    ):
        self._instruments: dict[str, dict] = {}
        base = DEFAULT_INSTRUMENTS if instruments is None else instruments
        for item in [*base, *extra]:
            symbol = normalise_symbol(str(item["symbol"]))
            self._instruments[symbol] = {**item, "symbol": symbol}
        self._names = self._compile_names()

    def _compile_names(self) -> list[tuple[re.Pattern, dict[str, str]]]:
        folded: dict[str, str] = {}
        exact: dict[str, str] = {}
        for symbol, item in self._instruments.items():
            names = [*item.get("aliases", ()), item.get("name", "")]
            for name in names:
                name = (name or "").strip()
                if not name or name == symbol:
                    continue
                if name in CASE_SENSITIVE_ALIASES:
                    exact.setdefault(name, symbol)
                else:
                    folded.setdefault(name.lower(), symbol)
        patterns = []
        for table, flags in ((folded, re.IGNORECASE), (exact, 0)):
            if not table:
                continue
            alternatives = sorted(table, key=lambda n: (-len(n), n))
            body = "|".join(
                re.escape(n).replace(r"\ ", r"\s+").replace("'", "['’]?")
                for n in alternatives
            )
            pattern = re.compile(rf"(?<![\w&])({body})(?:['’]s)?(?![\w&])", flags)
            patterns.append((pattern, table))
            if not flags:
                pattern = re.compile(
                    rf"(?<![\w&])({body})(?=\s+(?:stock|shares|share\s+price)\b)",
                    re.IGNORECASE,
                )
                patterns.append((pattern, table))
        return patterns

    @property
    def symbols(self) -> list[str]:
        """Return every known symbol, sorted."""
        return sorted(self._instruments)

    def instrument(self, symbol: str) -> dict | None:
        """Return the instrument record of a symbol, or None if unknown."""
        return self._instruments.get(normalise_symbol(symbol))

    def sector(self, symbol: str) -> str | None:
        """Return the sector of a symbol, or None if unknown."""
        item = self.instrument(symbol)
        return item.get("sector") if item else None

    def is_common_word(self, symbol: str) -> bool:
        """Return whether a symbol is also an everyday word or a single letter."""
        symbol = normalise_symbol(symbol)
        return len(symbol) == 1 or symbol in COMMON_WORD_SYMBOLS

    def resolve(self, token_or_name: str) -> str | None:
        """Return the symbol a token or company name stands for, or None.

        A lone known symbol resolves in any case (it is a lookup, not prose), except
        symbols that are also words: those need ``$`` or upper case in a ticker
        position, as in running text.
        """
        text = (token_or_name or "").strip()
        if not text:
            return None
        bare = normalise_symbol(text)
        if (
            not text.startswith("$")
            and re.fullmatch(_SYMBOL_TOKEN, text)
            and bare in self._instruments
            and not self.is_common_word(bare)
        ):
            return bare
        mentions = self.find(text)
        return mentions[0].symbol if mentions else None

    def find(self, text: str) -> list[TickerMention]:
        """Return the instruments named in a text, in order, without overlaps."""
        found: list[TickerMention] = []
        for match in _DOLLAR_TOKEN.finditer(text):
            symbol = normalise_symbol(match.group(1))
            if symbol in self._instruments:
                found.append(
                    TickerMention(symbol, match.start(), match.end(), match[0], False)
                )
        for match in _UPPER_TOKEN.finditer(text):
            symbol = normalise_symbol(match.group(1))
            if symbol not in self._instruments:
                continue
            if self.is_common_word(symbol) and not (
                _TICKER_BEFORE.search(text[: match.start()])
                or _TICKER_AFTER.match(text[match.end() :])
            ):
                continue
            found.append(
                TickerMention(symbol, match.start(), match.end(), match[0], False)
            )
        for pattern, table in self._names:
            for match in pattern.finditer(text):
                name = match.group(1)
                key = name if not pattern.flags & re.IGNORECASE else name.lower()
                key = re.sub(r"\s+", " ", key).replace("’", "'")
                symbol = table.get(key) or table.get(key.replace("'", ""))
                if symbol is None:
                    symbol = self._lookup_name(name, table)
                if symbol is not None:
                    found.append(
                        TickerMention(
                            symbol, match.start(), match.end(), match[0], True
                        )
                    )
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        result: list[TickerMention] = []
        for mention in found:
            if result and mention.start < result[-1].end:
                continue
            # "Apple (AAPL)" names one instrument once.
            if (
                result
                and result[-1].symbol == mention.symbol
                and re.fullmatch(r"[\s(\[,/-]*", text[result[-1].end : mention.start])
            ):
                end = mention.end
                if text[end : end + 1] in ")]":
                    end += 1
                last = result[-1]
                result[-1] = TickerMention(
                    last.symbol, last.start, end, text[last.start : end], last.by_name
                )
                continue
            result.append(mention)
        return result

    @staticmethod
    def _lookup_name(name: str, table: dict[str, str]) -> str | None:
        wanted = re.sub(r"[\s'’]+", "", name).lower()
        for alias, symbol in table.items():
            if re.sub(r"[\s'’]+", "", alias).lower() == wanted:
                return symbol
        return None
