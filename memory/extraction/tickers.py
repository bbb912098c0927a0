"""Resolve tickers and company names in free text to instrument symbols.

``DEFAULT_INSTRUMENTS`` is the market app's built-in table of common US stocks and
ETFs (``market/instruments.py``), so the offline extractor works with no data feed;
``resolver.instrument_resolver`` adds the instruments the app knows beyond it.

Resolution is deliberately cautious: a wrong ticker becomes a wrong holding in a
client's memory, so a symbol that is also an English word ("T", "ALL", "NOW") only
resolves as ``$T`` or in an unmistakable ticker position ("shares of T").
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from market.instruments import DEFAULT_INSTRUMENTS as _MARKET_INSTRUMENTS

# The market app owns the canonical instrument list; the extractor reads the same
# one, with plain floats for its reference prices.
DEFAULT_INSTRUMENTS: list[dict] = [
    {**item, "reference_price": float(item["reference_price"])}
    for item in _MARKET_INSTRUMENTS
]


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
_WORDS = re.compile(r"[\w]+")
# "PLTR's valuation": a possessive after a symbol still names it.
_UPPER_TOKEN = re.compile(
    r"(?<![\w$&.'-])([A-Z]{1,5}(?:[.\-/][A-Z])?)(?![\w&])(?!['’](?!s\b))"
)
# Symbols that in lower case are words or sounds: "ups and downs", "mmm", "a cop".
_LOWER_CASE_WORDS = frozenset(
    {"UPS", "MMM", "COP", "UNH", "GILD", "DIA", "UBER", "META"}
)
_LOWER_TOKEN = re.compile(r"(?<![\w$&.'-])([a-z]{3,5})(?![\w&'])")
_DOLLAR_TOKEN = re.compile(rf"(?<![\w$])\$({_SYMBOL_TOKEN})(?![\w&])")
# A clear ticker position for a symbol that is also a word: "shares of T",
# "ticker T", "T stock". A bare number before it is not one: "at 3 PM".
_TICKER_BEFORE = re.compile(
    r"(?:\b(?:shares?|stake|position|units|lots?)\s+(?:of|in)|\b(?:ticker|symbol)"
    r"\s*:?|\b(?:initiat\w*(?:\s+coverage\s+(?:of|on))?|upgrad\w*|downgrad\w*|"
    r"reiterat\w*\s+(?:buy|sell|hold|outperform|underperform)\s+on))\s+$",
    re.IGNORECASE,
)
_TICKER_AFTER = re.compile(
    r"^(?:\s+(?:shares|stock|common|calls|puts)\b|\s*,?\s*(?:pt|price\s+target)\b)",
    re.IGNORECASE,
)


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
        # The first word of every name: a text with none of them names nothing.
        self._first_words = {
            re.split(r"[\s'’.&-]+", name.strip().lower())[0]
            for item in self._instruments.values()
            for name in [*item.get("aliases", ()), item.get("name", "")]
            if name and name.strip()
        }

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
        if not any(c.isupper() for c in text):
            # An all lower-case chat types tickers in lower case too ("70 wfc"):
            # symbols of three letters or more that are no everyday word.
            for match in _LOWER_TOKEN.finditer(text):
                symbol = normalise_symbol(match.group(1).upper())
                if (
                    symbol in self._instruments
                    and not self.is_common_word(symbol)
                    and symbol not in _LOWER_CASE_WORDS
                ):
                    found.append(
                        TickerMention(
                            symbol, match.start(), match.end(), match[0], False
                        )
                    )
        words = set(_WORDS.findall(text.lower()))
        names = self._names if words & self._first_words else ()
        for pattern, table in names:
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
