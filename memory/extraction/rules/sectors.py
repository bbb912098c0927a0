"""Sectors and themes as clients name them: "tobacco", "big oil", "dividend payers".

Preferences ("no tobacco stocks") and sector views ("bullish on energy") name them;
each name maps to one canonical sector, so "oil and gas" and "fossil fuels" are the
same exclusion. Order matters: the first pattern that matches wins.
"""

import re

_SUFFIX = (
    r"(?:\s+(?:stocks?|companies|company|names|sector|shares|funds?|investments?|"
    r"makers?|manufacturers|producers|payers|paying\s+stocks|payers|industry|plays|"
    r"contractors|firms|equities|etfs?|miners|mining))*"
)
_SECTORS: list[tuple[str, str]] = [
    ("tobacco", r"tobacco|cigarettes?|smoking"),
    (
        "weapons",
        r"weapons?|guns?|firearms?|arms\s+(?:makers|manufacturers|dealers)|"
        r"munitions|ammunition",
    ),
    ("defense", r"defen[cs]e"),
    (
        "renewable energy",
        r"clean\s+energy|renewables?|renewable\s+energy|solar(?:\s+power)?|"
        r"wind(?:\s+power)?",
    ),
    (
        "fossil fuels",
        r"fossil\s+fuels?|oil\s+(?:and|&)\s+gas|big\s+oil|oil|coal|"
        r"petroleum|natural\s+gas",
    ),
    ("energy", r"energy"),
    ("gambling", r"gambling|casinos?|betting|gaming"),
    ("alcohol", r"alcohol|booze|liquor|brewers?|beer|spirits"),
    ("cannabis", r"cannabis|marijuana|pot"),
    ("crypto", r"crypto(?:currenc(?:y|ies))?|bitcoin|btc|ethereum"),
    (
        "dividends",
        r"dividend(?:s|[- ]paying|[- ]payers?|[- ]growers?|[- ]growth)?|"
        r"income\s+stocks|high[- ]yield(?:\s+stocks)?",
    ),
    ("growth", r"growth\s+(?:stocks|companies|names)"),
    ("value", r"value\s+(?:stocks|companies|names|investing)"),
    (
        "esg",
        r"esg|sustainable(?:\s+investing)?|socially\s+responsible(?:\s+investing)?|"
        r"impact\s+investing|green\s+investing",
    ),
    (
        "technology",
        r"tech(?:nology)?|big\s+tech|semiconductors?|chips?|chip\s?makers?",
    ),
    (
        "healthcare",
        r"health\s*care|pharma(?:ceuticals?)?|biotech|drug\s?makers?|"
        r"drug\s+(?:companies|stocks)",
    ),
    ("financials", r"banks?|financials|financial\s+stocks"),
    ("real estate", r"real\s+estate|reits?"),
    ("utilities", r"utilities"),
    ("bonds", r"bonds?|fixed\s+income|treasur(?:y|ies)"),
    ("china", r"china|chinese"),
    ("emerging markets", r"emerging\s+markets?"),
    ("international", r"international|foreign\s+stocks"),
    ("small caps", r"small[- ]caps?"),
    ("index funds", r"index\s+funds?|etfs|passive(?:\s+investing|\s+funds)?"),
    ("individual stocks", r"individual\s+stocks|single\s+stocks|stock\s+picking"),
    ("automotive", r"auto(?:makers|mobiles?|motive)?|car\s+makers|carmakers"),
]
_SECTOR_RES = [
    (name, re.compile(rf"(?:{alts}){_SUFFIX}\b", re.IGNORECASE))
    for name, alts in _SECTORS
]


def sector_at(text: str, pos: int) -> tuple[str, int] | None:
    """Return the sector or theme named at ``pos`` of a text, and where it ends."""
    for name, pattern in _SECTOR_RES:
        match = pattern.match(text, pos)
        if match:
            return name, match.end()
    return None


# Stems (lower case) of every sector's names: a text with none names no sector.
STEMS = (
    "tobacco", "cigarette", "smok", "weapon", "gun", "firearm", "arms", "munition",
    "defen", "renewable", "clean", "energy", "solar", "wind", "fossil", "oil",
    "coal", "petroleum", "gas", "gambl", "casino", "betting", "gaming", "alcohol",
    "booze", "liquor", "brew", "beer", "spirits", "cannabis", "marijuana", "pot",
    "crypto", "bitcoin", "btc", "ethereum", "dividend", "income", "yield", "growth",
    "value", "esg", "sustainab", "socially", "impact", "green", "tech", "semi",
    "chip", "drug", "health", "pharma", "biotech", "bank", "financial",
    "real estate", "reit",
    "utilit", "bond", "fixed", "treasur", "china", "chinese", "emerging",
    "international", "foreign", "small", "index", "etf", "passive", "individual",
    "single", "stock picking", "auto", "car",
)  # fmt: skip
# Any sector or theme at all: a sentence without one names none.
ANY_SECTOR = re.compile(
    r"\b(?:" + "|".join(alts for _, alts in _SECTORS) + r")", re.IGNORECASE
)
