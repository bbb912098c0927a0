"""The demo firm: people and clients a new user can sign in as and look at."""

from datetime import date

FIRM = {"name": "Harbor Point Wealth", "slug": "harbor-point"}

USERS = [
    {
        "username": "advisor",
        "password": "advisor-demo-2026",
        "role": "advisor",
        "first_name": "Dana",
        "last_name": "Reyes",
        "email": "dana.reyes@harborpoint.example",
    },
    {
        "username": "advisor2",
        "password": "advisor2-demo-2026",
        "role": "advisor",
        "first_name": "Sam",
        "last_name": "Okafor",
        "email": "sam.okafor@harborpoint.example",
    },
    {
        "username": "analyst",
        "password": "analyst-demo-2026",
        "role": "analyst",
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@harborpoint.example",
        "coverage_symbols": ["NVDA", "TSLA", "AAPL", "MSFT", "XOM"],
        "coverage_sectors": ["Technology", "Energy"],
    },
    {
        "username": "compliance",
        "password": "compliance-demo-2026",
        "role": "compliance",
        "first_name": "Morgan",
        "last_name": "Lee",
        "email": "morgan.lee@harborpoint.example",
        "is_staff": True,
    },
    {
        # Manages the firm: its people, API tokens and webhooks (an integrator's
        # first login).
        "username": "firmadmin",
        "password": "firmadmin-demo-2026",
        "role": "admin",
        "first_name": "Jordan",
        "last_name": "Blake",
        "email": "jordan.blake@harborpoint.example",
        "is_staff": True,
    },
]

CLIENTS = [
    {
        "advisor": "advisor",
        "external_id": "CRM-1001",
        "name": "Eleanor Whitfield",
        "email": "eleanor.whitfield@example.com",
        "risk_tolerance": "moderate",
        "horizon_years": 12,
        "objectives": "Retire at 60; fund granddaughter's tuition.",
        "kyc_status": "verified",
        "kyc_verified_on": date(2026, 3, 2),
    },
    {
        "advisor": "advisor",
        "external_id": "CRM-1002",
        "name": "Marcus Chen",
        "email": "marcus.chen@example.com",
        "risk_tolerance": "aggressive",
        "horizon_years": 25,
        "objectives": "Long-term growth; concentrated tech position to diversify.",
        "kyc_status": "verified",
        "kyc_verified_on": date(2026, 1, 18),
    },
    {
        "advisor": "advisor",
        "external_id": "CRM-1003",
        "name": "Ruth and David Okonkwo",
        "email": "okonkwo.family@example.com",
        "risk_tolerance": "conservative",
        "horizon_years": 5,
        "objectives": "Income in retirement; no tobacco or weapons holdings.",
        "kyc_status": "verified",
        "kyc_verified_on": date(2025, 11, 30),
    },
    {
        "advisor": "advisor",
        "external_id": "CRM-1004",
        "name": "Sofia Alvarez",
        "email": "sofia.alvarez@example.com",
        "risk_tolerance": "moderately_aggressive",
        "horizon_years": 18,
        "objectives": "Buy a home in 3 years; build a dividend portfolio.",
        "kyc_status": "pending",
        "kyc_verified_on": None,
    },
    {
        "advisor": "advisor2",
        "external_id": "CRM-2001",
        "name": "Harold Becker",
        "email": "harold.becker@example.com",
        "risk_tolerance": "moderately_conservative",
        "horizon_years": 8,
        "objectives": "Preserve capital; charitable giving plan.",
        "kyc_status": "expired",
        "kyc_verified_on": date(2023, 6, 12),
    },
    {
        "advisor": "advisor2",
        "external_id": "CRM-2002",
        "name": "Aisha Rahman",
        "email": "aisha.rahman@example.com",
        "risk_tolerance": "moderate",
        "horizon_years": 20,
        "objectives": "Fund two children's education; ESG preference.",
        "kyc_status": "verified",
        "kyc_verified_on": date(2026, 8, 9),
    },
]
