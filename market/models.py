"""Instruments, quotes and price history. Knows nothing of memories."""

from django.db import models
from django.utils import timezone


class QuoteSource(models.TextChoices):
    SIMULATED = "simulated", "Simulated"
    YFINANCE = "yfinance", "yfinance (live)"
    FIXED = "fixed", "Fixed (tests)"


class Instrument(models.Model):
    symbol = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names people use for it."
    )
    sector = models.CharField(max_length=80, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    exchange = models.CharField(max_length=40, blank=True)
    exchange_timezone = models.CharField(max_length=64, default="America/New_York")
    reference_price = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Where the simulated provider's random walk starts.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["symbol"]

    def __str__(self):
        return self.symbol


class Quote(models.Model):
    """A price observed for an instrument at a moment; history is kept."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="quotes"
    )
    price = models.DecimalField(max_digits=18, decimal_places=6)
    currency = models.CharField(max_length=3)
    as_of = models.DateTimeField(help_text="When the price was true, in UTC.")
    source = models.CharField(max_length=40, choices=QuoteSource.choices)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-as_of"]
        indexes = [models.Index(fields=["instrument", "-as_of"], name="quote_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "as_of", "source"], name="quote_once_per_moment"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gt=0), name="quote_price_positive"
            ),
        ]

    def __str__(self):
        return f"{self.price} {self.currency} at {self.as_of:%Y-%m-%d %H:%M} UTC"


class PriceBar(models.Model):
    """One trading day of an instrument."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="bars"
    )
    date = models.DateField()
    open = models.DecimalField(max_digits=18, decimal_places=6)
    high = models.DecimalField(max_digits=18, decimal_places=6)
    low = models.DecimalField(max_digits=18, decimal_places=6)
    close = models.DecimalField(max_digits=18, decimal_places=6)
    volume = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=40, choices=QuoteSource.choices)

    class Meta:
        ordering = ["instrument", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "date"], name="bar_once_per_day"
            )
        ]

    def __str__(self):
        return f"{self.date} close {self.close}"


class ProviderHealth(models.Model):
    """How a quote provider has been answering: outcomes, counters, cool-down."""

    provider = models.CharField(max_length=40, unique=True, choices=QuoteSource.choices)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    cooldown_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="No requests are sent to the provider before this time.",
    )
    requests = models.PositiveBigIntegerField(
        default=0, help_text="Fetches asked of the provider."
    )
    failures = models.PositiveBigIntegerField(
        default=0, help_text="Fetches that failed or ended in a cool-down."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider"]
        verbose_name = "provider health"
        verbose_name_plural = "provider health"

    def __str__(self):
        return self.provider

    def is_cooling_down(self, now) -> bool:
        return self.cooldown_until is not None and now < self.cooldown_until
