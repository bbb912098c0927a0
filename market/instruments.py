"""The instruments every installation knows: common US stocks and funds.

The canonical list: ``memory``'s ticker extractor should read it from here. Each
entry has the keys ``instruments_ensure`` takes. Sectors use the extractor's
vocabulary (Tobacco, Defense, Gambling... rather than GICS), which its preference
screens ("no tobacco") rely on. Reference prices are rough, recent levels: only
where the simulated walk starts, never shown as a quote. Aliases are names people
say; short symbols (A, C, T, V, MA, ON, ALL, NOW...) are also ordinary words, so a
matcher should not take them from prose on their own.
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
    # Technology
    _instrument("AAPL", "Apple Inc.", ["Apple"], "Technology", "NASDAQ", "230.00"),
    _instrument("ADBE", "Adobe Inc.", ["Adobe"], "Technology", "NASDAQ", "500.00"),
    _instrument(
        "AMD",
        "Advanced Micro Devices, Inc.",
        ["Advanced Micro Devices"],
        "Technology",
        "NASDAQ",
        "150.00",
    ),
    _instrument(
        "AVGO", "Broadcom Inc.", ["Broadcom"], "Technology", "NASDAQ", "170.00"
    ),
    _instrument(
        "CRM", "Salesforce, Inc.", ["Salesforce"], "Technology", "NYSE", "300.00"
    ),
    _instrument(
        "CSCO", "Cisco Systems, Inc.", ["Cisco"], "Technology", "NASDAQ", "55.00"
    ),
    _instrument(
        "IBM",
        "International Business Machines Corporation",
        ["IBM"],
        "Technology",
        "NYSE",
        "220.00",
    ),
    _instrument(
        "INTC", "Intel Corporation", ["Intel"], "Technology", "NASDAQ", "22.00"
    ),
    _instrument("INTU", "Intuit Inc.", ["Intuit"], "Technology", "NASDAQ", "620.00"),
    _instrument("IT", "Gartner, Inc.", ["Gartner"], "Technology", "NYSE", "450.00"),
    _instrument(
        "MSFT", "Microsoft Corporation", ["Microsoft"], "Technology", "NASDAQ", "420.00"
    ),
    _instrument(
        "MU", "Micron Technology, Inc.", ["Micron"], "Technology", "NASDAQ", "100.00"
    ),
    _instrument(
        "NOW", "ServiceNow, Inc.", ["ServiceNow"], "Technology", "NYSE", "800.00"
    ),
    _instrument(
        "NVDA", "NVIDIA Corporation", ["Nvidia"], "Technology", "NASDAQ", "130.00"
    ),
    _instrument("ON", "ON Semiconductor", ["onsemi"], "Technology", "NASDAQ", "70.00"),
    _instrument(
        "ORCL", "Oracle Corporation", ["Oracle"], "Technology", "NYSE", "170.00"
    ),
    _instrument(
        "PLTR",
        "Palantir Technologies Inc.",
        ["Palantir"],
        "Technology",
        "NASDAQ",
        "60.00",
    ),
    _instrument(
        "QCOM", "QUALCOMM Incorporated", ["Qualcomm"], "Technology", "NASDAQ", "165.00"
    ),
    _instrument(
        "QQQ",
        "Invesco QQQ Trust",
        ["Nasdaq-100 ETF", "Invesco QQQ"],
        "Technology",
        "NASDAQ",
        "480.00",
    ),
    _instrument(
        "TXN",
        "Texas Instruments Incorporated",
        ["Texas Instruments"],
        "Technology",
        "NASDAQ",
        "195.00",
    ),
    _instrument("UBER", "Uber Technologies", ["Uber"], "Technology", "NYSE", "70.00"),
    # Communication Services
    _instrument(
        "CMCSA",
        "Comcast Corporation",
        ["Comcast"],
        "Communication Services",
        "NASDAQ",
        "40.00",
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
        "GOOG",
        "Alphabet Inc. (Class C)",
        ["Alphabet Class C"],
        "Communication Services",
        "NASDAQ",
        "176.00",
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
        "META",
        "Meta Platforms, Inc.",
        ["Facebook", "Meta"],
        "Communication Services",
        "NASDAQ",
        "580.00",
    ),
    _instrument(
        "NFLX",
        "Netflix, Inc.",
        ["Netflix"],
        "Communication Services",
        "NASDAQ",
        "700.00",
    ),
    # Telecommunications
    _instrument(
        "T", "AT&T Inc.", ["AT&T", "AT and T"], "Telecommunications", "NYSE", "22.00"
    ),
    _instrument(
        "VZ",
        "Verizon Communications Inc.",
        ["Verizon"],
        "Telecommunications",
        "NYSE",
        "42.00",
    ),
    # Consumer Discretionary
    _instrument(
        "AMZN",
        "Amazon.com, Inc.",
        ["Amazon"],
        "Consumer Discretionary",
        "NASDAQ",
        "200.00",
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
        "SBUX",
        "Starbucks Corporation",
        ["Starbucks"],
        "Consumer Discretionary",
        "NASDAQ",
        "95.00",
    ),
    # Automotive
    _instrument("F", "Ford Motor Company", ["Ford"], "Automotive", "NYSE", "12.00"),
    _instrument(
        "GM", "General Motors", ["General Motors"], "Automotive", "NYSE", "45.00"
    ),
    _instrument("TSLA", "Tesla, Inc.", ["Tesla"], "Automotive", "NASDAQ", "250.00"),
    # Consumer Staples
    _instrument(
        "COST",
        "Costco Wholesale Corporation",
        ["Costco"],
        "Consumer Staples",
        "NASDAQ",
        "900.00",
    ),
    _instrument(
        "KO",
        "The Coca-Cola Company",
        ["Coca-Cola", "Coke", "Coca Cola"],
        "Consumer Staples",
        "NYSE",
        "65.00",
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
        "PG",
        "The Procter & Gamble Company",
        ["Procter & Gamble", "P&G", "Procter and Gamble"],
        "Consumer Staples",
        "NYSE",
        "165.00",
    ),
    _instrument(
        "WMT",
        "Walmart Inc.",
        ["Walmart", "Wal-Mart"],
        "Consumer Staples",
        "NASDAQ",
        "80.00",
    ),
    # Tobacco
    _instrument(
        "BTI",
        "British American Tobacco",
        ["British American Tobacco"],
        "Tobacco",
        "NYSE",
        "35.00",
    ),
    _instrument("MO", "Altria Group", ["Altria"], "Tobacco", "NYSE", "50.00"),
    _instrument(
        "PM",
        "Philip Morris International",
        ["Philip Morris"],
        "Tobacco",
        "NYSE",
        "120.00",
    ),
    # Alcohol
    _instrument(
        "BUD",
        "Anheuser-Busch InBev",
        ["Anheuser-Busch", "AB InBev", "Budweiser"],
        "Alcohol",
        "NYSE",
        "60.00",
    ),
    _instrument(
        "STZ",
        "Constellation Brands",
        ["Constellation Brands"],
        "Alcohol",
        "NYSE",
        "250.00",
    ),
    # Gambling
    _instrument(
        "LVS", "Las Vegas Sands", ["Las Vegas Sands"], "Gambling", "NYSE", "45.00"
    ),
    _instrument(
        "MGM", "MGM Resorts International", ["MGM Resorts"], "Gambling", "NYSE", "40.00"
    ),
    # Healthcare
    _instrument(
        "A", "Agilent Technologies", ["Agilent"], "Healthcare", "NYSE", "140.00"
    ),
    _instrument("ABBV", "AbbVie Inc.", ["AbbVie"], "Healthcare", "NYSE", "180.00"),
    _instrument("AMGN", "Amgen Inc.", ["Amgen"], "Healthcare", "NASDAQ", "300.00"),
    _instrument(
        "GILD", "Gilead Sciences, Inc.", ["Gilead"], "Healthcare", "NASDAQ", "90.00"
    ),
    _instrument(
        "ISRG",
        "Intuitive Surgical, Inc.",
        ["Intuitive Surgical"],
        "Healthcare",
        "NASDAQ",
        "500.00",
    ),
    _instrument(
        "JNJ",
        "Johnson & Johnson",
        ["Johnson & Johnson", "J&J", "Johnson and Johnson"],
        "Healthcare",
        "NYSE",
        "155.00",
    ),
    _instrument(
        "LLY",
        "Eli Lilly and Company",
        ["Eli Lilly", "Lilly"],
        "Healthcare",
        "NYSE",
        "850.00",
    ),
    _instrument("MRK", "Merck & Co., Inc.", ["Merck"], "Healthcare", "NYSE", "100.00"),
    _instrument("PFE", "Pfizer Inc.", ["Pfizer"], "Healthcare", "NYSE", "28.00"),
    _instrument(
        "TMO",
        "Thermo Fisher Scientific Inc.",
        ["Thermo Fisher"],
        "Healthcare",
        "NYSE",
        "580.00",
    ),
    _instrument(
        "UNH",
        "UnitedHealth Group Incorporated",
        ["UnitedHealth", "United Health", "UnitedHealthcare"],
        "Healthcare",
        "NYSE",
        "550.00",
    ),
    # Financials
    _instrument(
        "ALL", "The Allstate Corporation", ["Allstate"], "Financials", "NYSE", "170.00"
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
        "BAC",
        "Bank of America Corporation",
        ["Bank of America", "BofA"],
        "Financials",
        "NYSE",
        "42.00",
    ),
    _instrument(
        "BLK", "BlackRock, Inc.", ["BlackRock"], "Financials", "NYSE", "950.00"
    ),
    _instrument(
        "BRK-B",
        "Berkshire Hathaway Inc. (Class B)",
        ["Berkshire Hathaway", "Berkshire"],
        "Financials",
        "NYSE",
        "460.00",
    ),
    _instrument(
        "C", "Citigroup Inc.", ["Citigroup", "Citi"], "Financials", "NYSE", "65.00"
    ),
    _instrument(
        "COIN", "Coinbase Global", ["Coinbase"], "Financials", "NASDAQ", "200.00"
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
        "JPM",
        "JPMorgan Chase & Co.",
        ["JPMorgan", "JP Morgan", "JPMorgan Chase", "J.P. Morgan"],
        "Financials",
        "NYSE",
        "220.00",
    ),
    _instrument(
        "MA", "Mastercard Incorporated", ["Mastercard"], "Financials", "NYSE", "500.00"
    ),
    _instrument(
        "MS", "Morgan Stanley", ["Morgan Stanley"], "Financials", "NYSE", "110.00"
    ),
    _instrument(
        "PYPL", "PayPal Holdings, Inc.", ["PayPal"], "Financials", "NASDAQ", "75.00"
    ),
    _instrument("V", "Visa Inc.", ["Visa"], "Financials", "NYSE", "280.00"),
    _instrument(
        "WFC", "Wells Fargo & Company", ["Wells Fargo"], "Financials", "NYSE", "60.00"
    ),
    # Energy
    _instrument(
        "COP",
        "ConocoPhillips",
        ["ConocoPhillips", "Conoco"],
        "Energy",
        "NYSE",
        "115.00",
    ),
    _instrument("CVX", "Chevron Corporation", ["Chevron"], "Energy", "NYSE", "155.00"),
    _instrument(
        "XLE", "Energy Select Sector SPDR Fund", [], "Energy", "NYSE Arca", "90.00"
    ),
    _instrument(
        "XOM",
        "Exxon Mobil Corporation",
        ["Exxon", "ExxonMobil", "Exxon Mobil"],
        "Energy",
        "NYSE",
        "115.00",
    ),
    # Utilities
    _instrument("DUK", "Duke Energy", ["Duke Energy"], "Utilities", "NYSE", "100.00"),
    _instrument(
        "NEE",
        "NextEra Energy",
        ["NextEra", "NextEra Energy"],
        "Utilities",
        "NYSE",
        "75.00",
    ),
    _instrument(
        "SO", "The Southern Company", ["Southern Company"], "Utilities", "NYSE", "80.00"
    ),
    # Industrials
    _instrument(
        "ADP",
        "Automatic Data Processing, Inc.",
        ["Automatic Data Processing"],
        "Industrials",
        "NASDAQ",
        "290.00",
    ),
    _instrument(
        "CAT", "Caterpillar Inc.", ["Caterpillar"], "Industrials", "NYSE", "380.00"
    ),
    _instrument(
        "DE",
        "Deere & Company",
        ["John Deere", "Deere"],
        "Industrials",
        "NYSE",
        "380.00",
    ),
    _instrument(
        "HON",
        "Honeywell International Inc.",
        ["Honeywell"],
        "Industrials",
        "NASDAQ",
        "210.00",
    ),
    _instrument("MMM", "3M Company", ["3M"], "Industrials", "NYSE", "100.00"),
    _instrument(
        "UPS",
        "United Parcel Service, Inc.",
        ["United Parcel Service"],
        "Industrials",
        "NYSE",
        "130.00",
    ),
    # Aerospace
    _instrument("BA", "The Boeing Company", ["Boeing"], "Aerospace", "NYSE", "170.00"),
    _instrument(
        "GE",
        "GE Aerospace",
        ["General Electric", "GE Aerospace"],
        "Aerospace",
        "NYSE",
        "190.00",
    ),
    # Defense
    _instrument(
        "GD", "General Dynamics", ["General Dynamics"], "Defense", "NYSE", "280.00"
    ),
    _instrument(
        "LMT",
        "Lockheed Martin",
        ["Lockheed", "Lockheed Martin"],
        "Defense",
        "NYSE",
        "460.00",
    ),
    _instrument(
        "NOC",
        "Northrop Grumman",
        ["Northrop", "Northrop Grumman"],
        "Defense",
        "NYSE",
        "470.00",
    ),
    _instrument("RTX", "RTX Corporation", ["Raytheon"], "Defense", "NYSE", "115.00"),
    # Real Estate
    _instrument(
        "ARE",
        "Alexandria Real Estate Equities",
        ["Alexandria Real Estate"],
        "Real Estate",
        "NYSE",
        "110.00",
    ),
    _instrument(
        "O", "Realty Income", ["Realty Income"], "Real Estate", "NYSE", "55.00"
    ),
    _instrument("PLD", "Prologis, Inc.", ["Prologis"], "Real Estate", "NYSE", "120.00"),
    _instrument(
        "VNQ", "Vanguard Real Estate ETF", [], "Real Estate", "NYSE Arca", "85.00"
    ),
    # Broad Market
    _instrument(
        "DIA",
        "SPDR Dow Jones Industrial Average ETF",
        [],
        "Broad Market",
        "NYSE Arca",
        "390.00",
    ),
    _instrument(
        "SPY",
        "SPDR S&P 500 ETF Trust",
        ["S&P 500 ETF", "SPDR S&P 500"],
        "Broad Market",
        "NYSE Arca",
        "570.00",
    ),
    _instrument(
        "VOO",
        "Vanguard S&P 500 ETF",
        ["Vanguard S&P 500"],
        "Broad Market",
        "NYSE Arca",
        "480.00",
    ),
    _instrument(
        "VTI",
        "Vanguard Total Stock Market ETF",
        ["Vanguard Total Stock Market"],
        "Broad Market",
        "NYSE Arca",
        "280.00",
    ),
    # Fixed Income
    _instrument(
        "AGG",
        "iShares Core US Aggregate Bond ETF",
        ["iShares Core US Aggregate Bond"],
        "Fixed Income",
        "NYSE Arca",
        "98.00",
    ),
    _instrument(
        "BND",
        "Vanguard Total Bond Market ETF",
        ["Vanguard Total Bond Market"],
        "Fixed Income",
        "NASDAQ",
        "72.00",
    ),
    _instrument(
        "TLT",
        "iShares 20+ Year Treasury Bond ETF",
        [],
        "Fixed Income",
        "NASDAQ",
        "92.00",
    ),
    # Dividend
    _instrument(
        "SCHD",
        "Schwab US Dividend Equity ETF",
        ["Schwab US Dividend Equity"],
        "Dividend",
        "NYSE Arca",
        "80.00",
    ),
    _instrument(
        "VIG",
        "Vanguard Dividend Appreciation ETF",
        ["Vanguard Dividend Appreciation"],
        "Dividend",
        "NYSE Arca",
        "185.00",
    ),
    _instrument(
        "VYM",
        "Vanguard High Dividend Yield ETF",
        ["Vanguard High Dividend Yield"],
        "Dividend",
        "NYSE Arca",
        "120.00",
    ),
    # Small Cap
    _instrument(
        "IWM", "iShares Russell 2000 ETF", [], "Small Cap", "NYSE Arca", "210.00"
    ),
    # International
    _instrument(
        "VXUS",
        "Vanguard Total International Stock ETF",
        [],
        "International",
        "NASDAQ",
        "60.00",
    ),
    # Emerging Markets
    _instrument(
        "EEM",
        "iShares MSCI Emerging Markets ETF",
        [],
        "Emerging Markets",
        "NYSE Arca",
        "42.00",
    ),
    # Commodities
    _instrument("GLD", "SPDR Gold Shares", [], "Commodities", "NYSE Arca", "220.00"),
]
