"""Load the demo firm, idempotently: running it again changes nothing."""

from dataclasses import dataclass, field

from django.db import transaction

from advisor.models import Client, Firm, User
from advisor.services import client_create, firm_create, user_create

from . import firm as demo


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@transaction.atomic
def seed_demo() -> SeedReport:
    report = SeedReport()
    firm = Firm.objects.filter(slug=demo.FIRM["slug"]).first()
    if firm is None:
        firm = firm_create(**demo.FIRM)
        report.created.append(f"firm {firm.name}")

    users = {}
    for spec in demo.USERS:
        spec = dict(spec)
        coverage_symbols = spec.pop("coverage_symbols", None)
        coverage_sectors = spec.pop("coverage_sectors", None)
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = user_create(firm=firm, **spec)
            if coverage_symbols is not None:
                profile = user.analyst_profile
                profile.coverage_symbols = coverage_symbols
                profile.coverage_sectors = coverage_sectors or []
                profile.save(update_fields=["coverage_symbols", "coverage_sectors"])
            report.created.append(f"user {user.username}")
        users[user.username] = user
        report.logins.append(
            (spec["username"], spec["password"], user.get_role_display())
        )

    for spec in demo.CLIENTS:
        spec = dict(spec)
        advisor = users[spec.pop("advisor")]
        if Client.objects.filter(firm=firm, external_id=spec["external_id"]).exists():
            continue
        client = client_create(advisor=advisor, **spec)
        report.created.append(f"client {client.name}")
    return report
