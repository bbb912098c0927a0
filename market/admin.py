"""Market data in the admin, read-only for everyone.

Instruments, quotes and bars are shared by every firm: a firm's staff changing
a symbol's name or sector would change what every other firm sees. They come
from the quote provider and ``manage.py market_quotes``, not from the admin.
"""

from django.contrib import admin

from .models import Instrument, PriceBar, ProviderHealth, Quote


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show rows without letting anyone add, change or delete them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    list_display = ["symbol", "name", "sector", "exchange", "currency"]
    list_filter = ["exchange", "sector", "currency"]
    search_fields = ["symbol", "name"]


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    list_display = ["instrument", "price", "currency", "as_of", "source", "fetched_at"]
    list_filter = ["source"]
    list_select_related = ["instrument"]
    search_fields = ["instrument__symbol"]
    date_hierarchy = "as_of"
    show_full_result_count = False


@admin.register(PriceBar)
class PriceBarAdmin(ReadOnlyAdmin):
    list_display = ["instrument", "date", "open", "high", "low", "close", "volume"]
    list_filter = ["source"]
    list_select_related = ["instrument"]
    search_fields = ["instrument__symbol"]
    date_hierarchy = "date"
    show_full_result_count = False


@admin.register(ProviderHealth)
class ProviderHealthAdmin(ReadOnlyAdmin):
    list_display = [
        "provider",
        "last_success_at",
        "last_failure_at",
        "consecutive_failures",
        "cooldown_until",
        "requests",
        "failures",
    ]
    readonly_fields = [
        "provider",
        "last_success_at",
        "last_failure_at",
        "last_error",
        "consecutive_failures",
        "cooldown_until",
        "requests",
        "failures",
        "updated_at",
    ]
