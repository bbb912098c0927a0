"""Load the demo firm, idempotently: running it again changes nothing."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from advisor.models import Client, Firm, User
from advisor.services import client_create, firm_create, user_create
from market.providers.simulated import SimulatedProvider
from market.services import bars_backfill, quotes_fetch
from memory.conversations.imports import import_index, transcript_import
from memory.ledger.chain import Cause
from memory.models import MemoryKind, MemoryStatus
from memory.readings.references import (
    references_first_stated_at,
    references_sync,
    references_unread,
)
from memory.readings.refresh import readings_refresh
from memory.readings.sync import referenced_symbols
from memory.selectors import (
    conversation_by_external_id,
    memory_list,
    memory_list_for_tenant,
)
from memory.services import view_publish

from . import firm as demo
from .chat import demo_analyst_chat, demo_chat
from .transcripts import ANALYST_SESSIONS, CLIENT_SESSIONS


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

    for client in Client.objects.filter(firm=firm, external_id__in=CLIENT_SESSIONS):
        sessions = CLIENT_SESSIONS[client.external_id]
        report.created += _converse(client.subject, client.external_id, sessions)
    analyst = users["analyst"]
    report.created += _converse(
        analyst.analyst_profile.subject, "analyst", ANALYST_SESSIONS
    )
    _publish_house_views(analyst)
    report.created += _market_readings(firm)
    report.created += demo_chat(firm)
    report.created += demo_analyst_chat(firm)
    return report


def _converse(subject, label: str, sessions) -> list[str]:
    """Import each demo session once, and extract its memories right away."""
    created = []
    today = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0)
    for number, (days_ago, lines) in enumerate(sessions, start=1):
        conversation_id = f"demo-{label}-s{number}"
        if conversation_by_external_id(subject=subject, external_id=conversation_id):
            continue
        start = today - timedelta(days=days_ago)
        turns = [
            {
                "speaker": speaker,
                "text": text,
                "occurred_at": start + timedelta(minutes=2 * index),
                "external_id": f"{conversation_id}-t{index + 1}",
            }
            for index, (speaker, text) in enumerate(lines)
        ]
        job = transcript_import(
            subject=subject,
            turns=turns,
            title=f"Review meeting, {start:%B %Y}",
            conversation_external_id=conversation_id,
            index=False,
        )
        import_index(job=job)
        created.append(f"conversation {conversation_id}")
    return created


def _publish_house_views(analyst) -> None:
    """Publish the analyst's Nvidia and Apple views as the firm's house views."""
    views = memory_list(
        subject=analyst.analyst_profile.subject, kinds=[MemoryKind.VIEW]
    )
    for view in views:
        if view.published_at or view.payload.get("instrument") not in HOUSE_VIEWS:
            continue
        view_publish(memory=view, cause=Cause.user(analyst.pk, ref="seed_demo"))


HOUSE_VIEWS = ("NVDA", "AAPL")
# Its quote is left days old, so the demo shows a stale reference and its age.
STALE_DEMO_DAYS = 3


def _market_readings(firm) -> list[str]:
    """Read the demo's holdings and views against the simulated market, once.

    Daily bars first (the analyst's charts, and the price when each memory was
    stated), then a quote per instrument: all fresh but one, left days old.
    """
    references_sync(
        memories=memory_list_for_tenant(
            tenant_id=firm.pk,
            kinds=[MemoryKind.HOLDING, MemoryKind.VIEW],
            statuses=[MemoryStatus.ACTIVE, MemoryStatus.PROPOSED],
        )
    )
    if not references_unread(tenant_id=firm.pk):
        return []
    symbols = sorted(referenced_symbols(tenant_id=firm.pk))
    if not symbols:
        return []
    now = timezone.now()
    # Some weeks before the first view, so each chart shows what led up to it.
    days = (now - references_first_stated_at(tenant_id=firm.pk)).days + 40
    provider = SimulatedProvider()
    bars_backfill(symbols=symbols, days=days, provider=provider)
    stale, fresh = symbols[-1], symbols[:-1]
    quotes_fetch(symbols=fresh, provider=provider)
    quotes_fetch(
        symbols=[stale],
        provider=SimulatedProvider(clock=lambda: now - timedelta(days=STALE_DEMO_DAYS)),
    )
    refreshed = readings_refresh(tenant_id=firm.pk, now=now, cause_ref="seed_demo")
    return [
        f"market readings of {refreshed.read} memories over {len(symbols)} "
        f"instruments ({refreshed.alerts} alerts; {stale} left {STALE_DEMO_DAYS} "
        "days old)"
    ]
