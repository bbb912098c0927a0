"""The instruments every installation knows: common US stocks and funds.

The canonical list (``memory``'s ticker extractor reads it from here). Each entry
has the keys ``instruments_ensure`` takes. Reference prices are rough, recent
levels: only where the simulated walk starts, never shown as a quote. Aliases are
names people say; single-letter and two-letter symbols (C, T, V, MA, MS, GE) are
also ordinary words, so a matcher should not take them from prose on their own.
"""

from decimal import Decimal

NEW_YORK = "America/New_York"


def _instrument(symbol, name, aliases, sector, exchange, reference_price):
    return {
        "symbol": symbol,
        "name": name,
        "aliases": aliases,
        "sector": sector,
        "currency": "USD",
        "exchange": exchange,
        "exchange_timezone": NEW_YORK,
        "reference_price": Decimal(reference_price),
    }


DEFAULT_INSTRUMENTS: list[dict] = [
    _instrument(
        "AAPL", "Apple Inc.", ["Apple"], "Information Technology", "NASDAQ", "230.00"
    ),
    _instrument(
        "MSFT",
        "Microsoft Corporation",
        ["Microsoft"],
        "Information Technology",
        "NASDAQ",
        "420.00",
    ),
    _instrument(
        "GOOGL",
        "Alphabet Inc. (Class A)",
        ["Alphabet", "Google"],
        "Communication Services",
        "NASDAQ",
        "175.00",
    ),
    _instrument(
        "GOOG",
        "Alphabet Inc. (Class C)",
        ["Alphabet Class C"],
        "Communication Services",
        "NASDAQ",
        "176.00",
    ),
    _instrument(
        "AMZN",
        "Amazon.com, Inc.",
        ["Amazon"],
        "Consumer Discretionary",
        "NASDAQ",
        "200.00",
    ),
    _instrument(
        "NVDA",
        "NVIDIA Corporation",
        ["Nvidia"],
        "Information Technology",
        "NASDAQ",
        "130.00",
    ),
    _instrument(
        "META",
        "Meta Platforms, Inc.",
        ["Meta Platforms", "Facebook"],
        "Communication Services",
        "NASDAQ",
        "580.00",
    ),
    _instrument(
        "TSLA", "Tesla, Inc.", ["Tesla"], "Consumer Discretionary", "NASDAQ", "250.00"
    ),
    _instrument(
        "AVGO",
        "Broadcom Inc.",
        ["Broadcom"],
        "Information Technology",
        "NASDAQ",
        "170.00",
    ),
    _instrument(
        "COST",
        "Costco Wholesale Corporation",
        ["Costco"],
        "Consumer Staples",
        "NASDAQ",
        "900.00",
    ),
    _instrument(
        "NFLX",
        "Netflix, Inc.",
        ["Netflix"],
        "Communication Services",
        "NASDAQ",
        "700.00",
    ),
    _instrument(
        "AMD",
        "Advanced Micro Devices, Inc.",
        ["Advanced Micro Devices"],
        "Information Technology",
        "NASDAQ",
        "150.00",
    ),
    _instrument(
        "ADBE", "Adobe Inc.", ["Adobe"], "Information Technology", "NASDAQ", "500.00"
    ),
    _instrument(
        "CSCO",
        "Cisco Systems, Inc.",
        ["Cisco"],
        "Information Technology",
        "NASDAQ",
        "55.00",
    ),
    _instrument(
        "INTC",
        "Intel Corporation",
        ["Intel"],
        "Information Technology",
        "NASDAQ",
        "22.00",
    ),
    _instrument(
        "PEP",
        "PepsiCo, Inc.",
        ["PepsiCo", "Pepsi"],
        "Consumer Staples",
        "NASDAQ",
        "160.00",
    ),
    _instrument(
        "QCOM",
        "QUALCOMM Incorporated",
        ["Qualcomm"],
        "Information Technology",
        "NASDAQ",
        "165.00",
    ),
    _instrument(
        "TXN",
        "Texas Instruments Incorporated",
        ["Texas Instruments"],
        "Information Technology",
        "NASDAQ",
        "195.00",
    ),
    _instrument("AMGN", "Amgen Inc.", ["Amgen"], "Health Care", "NASDAQ", "300.00"),
    _instrument(
        "INTU", "Intuit Inc.", ["Intuit"], "Information Technology", "NASDAQ", "620.00"
    ),
    _instrument(
        "SBUX",
        "Starbucks Corporation",
        ["Starbucks"],
        "Consumer Discretionary",
        "NASDAQ",
        "95.00",
    ),
    _instrument(
        "PYPL", "PayPal Holdings, Inc.", ["PayPal"], "Financials", "NASDAQ", "75.00"
    ),
    _instrument(
        "GILD", "Gilead Sciences, Inc.", ["Gilead"], "Health Care", "NASDAQ", "90.00"
    ),
    _instrument(
        "ISRG",
        "Intuitive Surgical, Inc.",
        ["Intuitive Surgical"],
        "Health Care",
        "NASDAQ",
        "500.00",
    ),
    _instrument(
        "BKNG",
        "Booking Holdings Inc.",
        ["Booking Holdings", "Booking.com"],
        "Consumer Discretionary",
        "NASDAQ",
        "4500.00",
    ),
    _instrument(
        "PLTR",
        "Palantir Technologies Inc.",
        ["Palantir"],
        "Information Technology",
        "NASDAQ",
        "60.00",
    ),
    _instrument(
        "ADP",
        "Automatic Data Processing, Inc.",
        ["Automatic Data Processing"],
        "Industrials",
        "NASDAQ",
        "290.00",
    ),
    _instrument(
        "MU",
        "Micron Technology, Inc.",
        ["Micron"],
        "Information Technology",
        "NASDAQ",
        "100.00",
    ),
    _instrument(
        "HON",
        "Honeywell International Inc.",
        ["Honeywell"],
        "Industrials",
        "NASDAQ",
        "210.00",
    ),
    _instrument(
        "CMCSA",
        "Comcast Corporation",
        ["Comcast"],
        "Communication Services",
        "NASDAQ",
        "40.00",
    ),
    _instrument(
        "WMT", "Walmart Inc.", ["Walmart"], "Consumer Staples", "NASDAQ", "80.00"
    ),
    _instrument(
        "QQQ",
        "Invesco QQQ Trust",
        ["Nasdaq-100 ETF", "Invesco QQQ"],
        "Fund",
        "NASDAQ",
        "480.00",
    ),
    _instrument(
        "JPM",
        "JPMorgan Chase & Co.",
        ["JPMorgan", "JP Morgan", "JPMorgan Chase"],
        "Financials",
        "NYSE",
        "220.00",
    ),
    _instrument(
        "BAC",
        "Bank of America Corporation",
        ["Bank of America", "BofA"],
        "Financials",
        "NYSE",
        "42.00",
    ),
    _instrument(
        "WFC", "Wells Fargo & Company", ["Wells Fargo"], "Financials", "NYSE", "60.00"
    ),
    _instrument(
        "GS",
        "The Goldman Sachs Group, Inc.",
        ["Goldman Sachs", "Goldman"],
        "Financials",
        "NYSE",
        "500.00",
    ),
    _instrument(
        "MS", "Morgan Stanley", ["Morgan Stanley"], "Financials", "NYSE", "110.00"
    ),
    _instrument(
        "C", "Citigroup Inc.", ["Citigroup", "Citi"], "Financials", "NYSE", "65.00"
    ),
    _instrument(
        "BRK-B",
        "Berkshire Hathaway Inc. (Class B)",
        ["Berkshire Hathaway", "Berkshire"],
        "Financials",
        "NYSE",
        "460.00",
    ),
    _instrument("V", "Visa Inc.", ["Visa Inc"], "Financials", "NYSE", "280.00"),
    _instrument(
        "MA", "Mastercard Incorporated", ["Mastercard"], "Financials", "NYSE", "500.00"
    ),
    _instrument(
        "AXP",
        "American Express Company",
        ["American Express", "Amex"],
        "Financials",
        "NYSE",
        "270.00",
    ),
    _instrument(
        "BLK", "BlackRock, Inc.", ["BlackRock"], "Financials", "NYSE", "950.00"
    ),
    _instrument(
        "JNJ",
        "Johnson & Johnson",
        ["Johnson & Johnson", "J&J"],
        "Health Care",
        "NYSE",
        "155.00",
    ),
    _instrument(
        "UNH",
        "UnitedHealth Group Incorporated",
        ["UnitedHealth"],
        "Health Care",
        "NYSE",
        "550.00",
    ),
    _instrument(
        "LLY",
        "Eli Lilly and Company",
        ["Eli Lilly", "Lilly"],
        "Health Care",
        "NYSE",
        "850.00",
    ),
    _instrument("PFE", "Pfizer Inc.", ["Pfizer"], "Health Care", "NYSE", "28.00"),
    _instrument("MRK", "Merck & Co., Inc.", ["Merck"], "Health Care", "NYSE", "100.00"),
    _instrument("ABBV", "AbbVie Inc.", ["AbbVie"], "Health Care", "NYSE", "180.00"),
    _instrument(
        "TMO",
        "Thermo Fisher Scientific Inc.",
        ["Thermo Fisher"],
        "Health Care",
        "NYSE",
        "580.00",
    ),
    _instrument(
        "XOM",
        "Exxon Mobil Corporation",
        ["Exxon", "ExxonMobil"],
        "Energy",
        "NYSE",
        "115.00",
    ),
    _instrument("CVX", "Chevron Corporation", ["Chevron"], "Energy", "NYSE", "155.00"),
    _instrument(
        "PG",
        "The Procter & Gamble Company",
        ["Procter & Gamble", "P&G"],
        "Consumer Staples",
        "NYSE",
        "165.00",
    ),
    _instrument(
        "KO",
        "The Coca-Cola Company",
        ["Coca-Cola", "Coke"],
        "Consumer Staples",
        "NYSE",
        "65.00",
    ),
    _instrument(
        "HD",
        "The Home Depot, Inc.",
        ["Home Depot"],
        "Consumer Discretionary",
        "NYSE",
        "380.00",
    ),
    _instrument(
        "MCD",
        "McDonald's Corporation",
        ["McDonald's", "McDonalds"],
        "Consumer Discretionary",
        "NYSE",
        "290.00",
    ),
    _instrument(
        "NKE", "NIKE, Inc.", ["Nike"], "Consumer Discretionary", "NYSE", "75.00"
    ),
    _instrument(
        "DIS",
        "The Walt Disney Company",
        ["Disney", "Walt Disney"],
        "Communication Services",
        "NYSE",
        "100.00",
    ),
    _instrument(
        "ORCL",
        "Oracle Corporation",
        ["Oracle"],
        "Information Technology",
        "NYSE",
        "170.00",
    ),
    _instrument(
        "CRM",
        "Salesforce, Inc.",
        ["Salesforce"],
        "Information Technology",
        "NYSE",
        "300.00",
    ),
    _instrument(
        "IBM",
        "International Business Machines Corporation",
        ["IBM"],
        "Information Technology",
        "NYSE",
        "220.00",
    ),
    _instrument(
        "BA", "The Boeing Company", ["Boeing"], "Industrials", "NYSE", "170.00"
    ),
    _instrument(
        "CAT", "Caterpillar Inc.", ["Caterpillar"], "Industrials", "NYSE", "380.00"
    ),
    _instrument(
        "GE",
        "GE Aerospace",
        ["General Electric", "GE Aerospace"],
        "Industrials",
        "NYSE",
        "190.00",
    ),
    _instrument(
        "UPS",
        "United Parcel Service, Inc.",
        ["United Parcel Service"],
        "Industrials",
        "NYSE",
        "130.00",
    ),
    _instrument("T", "AT&T Inc.", ["AT&T"], "Communication Services", "NYSE", "22.00"),
    _instrument(
        "VZ",
        "Verizon Communications Inc.",
        ["Verizon"],
        "Communication Services",
        "NYSE",
        "42.00",
    ),
    _instrument(
        "SPY",
        "SPDR S&P 500 ETF Trust",
        ["S&P 500 ETF", "SPDR S&P 500"],
        "Fund",
        "NYSE Arca",
        "570.00",
    ),
    _instrument(
        "VTI",
        "Vanguard Total Stock Market ETF",
        ["Vanguard Total Stock Market"],
        "Fund",
        "NYSE Arca",
        "280.00",
    ),
]
