"""The market_quotes command, the tasks, the admin, and the app's boundaries."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from advisor.models import User
from market import services
from market.models import Instrument, PriceBar, ProviderHealth, Quote
from market.providers import ProviderError, get_provider
from market.providers.fixed import FixedProvider
from market.providers.simulated import SimulatedProvider
from market.providers.yfinance import YFinanceProvider
from market.tasks import bars_backfill_task, quotes_fetch_task
from tests.factories import UserFactory
from tests.market.factories import InstrumentFactory, QuoteFactory

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("market_quotes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_seeds_refreshes_and_backfills_with_progress(no_network):
    out, _ = run(
        "--seed", "--provider", "simulated", "aapl", "MSFT", "--backfill-days", "10"
    )

    assert "Ensured" in out
    assert "[1/1] quotes: 2 stored" in out
    assert "[1/1] bars:" in out and out.rstrip().endswith("Done.")
    assert set(Quote.objects.values_list("instrument__symbol", flat=True)) == {
        "AAPL",
        "MSFT",
    }
    assert PriceBar.objects.filter(instrument__symbol="AAPL").count() >= 5


@pytest.mark.django_db
def test_command_all_in_batches(no_network):
    for n in range(5):
        InstrumentFactory(symbol=f"S{n}")
    out, _ = run("--all", "--provider", "simulated", "--batch-size", "2")
    assert "[3/3]" in out
    assert Quote.objects.count() == 5


@pytest.mark.django_db
def test_command_reports_unknown_symbols_and_errors(aapl, monkeypatch):
    monkeypatch.setattr(
        "market.management.commands.market_quotes.get_provider",
        lambda name: FixedProvider({}, error=ProviderError("upstream down")),
    )
    out, err = run("AAPL", "NOPE")
    assert "unknown: NOPE" in out
    assert "upstream down" in err
    assert "with errors" in out


def test_command_needs_symbols():
    with pytest.raises(CommandError):
        run()


def test_get_provider_follows_the_setting(settings):
    settings.MARKET_QUOTE_PROVIDER = "yfinance"
    assert isinstance(get_provider(), YFinanceProvider)
    settings.MARKET_QUOTE_PROVIDER = "simulated"
    assert isinstance(get_provider(), SimulatedProvider)
    assert isinstance(get_provider("fixed"), FixedProvider)
    with pytest.raises(ValueError):
        get_provider("bloomberg")


@pytest.mark.django_db
def test_tasks_refresh_and_backfill(aapl, settings, no_network):
    settings.MARKET_QUOTE_PROVIDER = "simulated"

    result = quotes_fetch_task.delay(["AAPL"]).get()
    bars = bars_backfill_task.delay(["AAPL"], 7).get()

    assert result["stored"] == ["AAPL"]
    assert Quote.objects.filter(source="simulated").count() == 1
    assert bars["bars_written"]["AAPL"] >= 4


@pytest.mark.django_db
def test_task_retries_a_failing_provider_then_gives_up(aapl, monkeypatch):
    broken = FixedProvider({}, error=ProviderError("down"))
    monkeypatch.setattr(services, "get_provider", lambda: broken)

    # Eager retries run in turn only when a try's exception is not re-raised.
    conf = quotes_fetch_task.app.conf
    conf.task_eager_propagates = False
    try:
        result = quotes_fetch_task.apply(args=[["AAPL"]])
    finally:
        conf.task_eager_propagates = True

    assert result.failed() and isinstance(result.result, ProviderError)

    assert len(broken.calls) == 1 + quotes_fetch_task.max_retries
    assert ProviderHealth.objects.get().failures == len(broken.calls)


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(is_staff=True)
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    client.force_login(user)
    return client


def test_admin_quotes_and_bars_are_read_only(admin_client):
    quote = QuoteFactory()

    listing = admin_client.get(
        reverse("admin:market_quote_changelist") + "?source=fixed"
    )
    assert listing.status_code == 200 and str(quote.price) in listing.text

    assert admin_client.get(reverse("admin:market_quote_add")).status_code == 403
    change_url = reverse("admin:market_quote_change", args=[quote.pk])
    assert 'name="price"' not in admin_client.get(change_url).text
    admin_client.post(change_url, {"price": "1", "currency": "USD"})
    delete_url = reverse("admin:market_quote_delete", args=[quote.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    quote.refresh_from_db()
    assert quote.price == QuoteFactory._meta.declarations["price"]
    assert admin_client.get(reverse("admin:market_pricebar_add")).status_code == 403


def test_admin_shows_provider_health_read_only(admin_client):
    ProviderHealth.objects.create(
        provider="yfinance", last_error="HTTP 429", failures=3
    )
    page = admin_client.get(reverse("admin:market_providerhealth_changelist"))
    assert page.status_code == 200 and "yfinance" in page.text
    health = ProviderHealth.objects.get()
    detail = admin_client.get(
        reverse("admin:market_providerhealth_change", args=[health.pk])
    )
    assert "HTTP 429" in detail.text and 'name="last_error"' not in detail.text


def test_admin_finds_instruments_by_symbol_or_name(admin_client):
    InstrumentFactory(symbol="AAPL", name="Apple Inc.")
    InstrumentFactory(symbol="MSFT", name="Microsoft Corporation")
    url = reverse("admin:market_instrument_changelist")
    assert "Apple Inc." in admin_client.get(url + "?q=apple").text
    assert "Apple Inc." not in admin_client.get(url + "?q=micro").text


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_market_imports_neither_memory_nor_advisor():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "market").rglob("*.py")
        if _imports(path) & {"memory", "advisor"}
    ]
    assert offenders == []


def test_only_the_adapter_imports_yfinance():
    importers = [
        str(path.relative_to(ROOT))
        for app in ("market", "memory", "advisor")
        for path in (ROOT / app).rglob("*.py")
        if "yfinance" in _imports(path)
    ]
    assert importers == ["market/providers/yfinance.py"]


@pytest.mark.django_db
def test_instrument_deletion_is_not_offered_in_the_admin(admin_client):
    instrument = InstrumentFactory(symbol="AAPL")
    url = reverse("admin:market_instrument_delete", args=[instrument.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Instrument.objects.filter(pk=instrument.pk).exists()


@pytest.mark.django_db
def test_no_firm_can_change_the_instruments_every_firm_shares(admin_client):
    instrument = InstrumentFactory(symbol="AAPL", name="Apple Inc.")
    url = reverse("admin:market_instrument_change", args=[instrument.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="name"' not in page.text
    changed = admin_client.post(url, {"symbol": "AAPL", "name": "Pear Inc."})
    assert changed.status_code == 403
    assert admin_client.get(reverse("admin:market_instrument_add")).status_code == 403
    instrument.refresh_from_db()
    assert instrument.name == "Apple Inc."
