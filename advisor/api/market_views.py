"""REST API v1 for the market: stored quotes, and the alerts readings raised.

A quote here is the freshest one stored, with its age and source: no request
ever waits on a quote provider (the worker fetches them).
"""

import re

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from advisor.api.base import ApiView, StrictSerializer, query_input
from advisor.api.idempotency import idempotent
from advisor.models import User
from advisor.selectors import client_external_ids, visible_subject_ids
from market.models import QuoteSource
from market.selectors import latest_quotes, quote_age
from memory.errors import NotFound
from memory.models import MarketAlert
from memory.readings.alerts import alert_acknowledge
from memory.readings.reading import age_text

SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9.\-^=]{0,19}$")
MAX_SYMBOLS = 50


class SymbolField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data).strip().upper()
        if not SYMBOL.match(value):
            raise serializers.ValidationError(f"{value[:20]!r} is not a ticker symbol")
        return value


class QuoteListApi(ApiView):
    class FilterSerializer(StrictSerializer):
        symbols = serializers.ListField(
            child=SymbolField(max_length=20), min_length=1, max_length=MAX_SYMBOLS
        )

    class OutputSerializer(serializers.Serializer):
        symbol = serializers.CharField()
        price = serializers.CharField(allow_null=True)
        currency = serializers.CharField(allow_null=True)
        as_of = serializers.DateTimeField(allow_null=True)
        age_seconds = serializers.IntegerField(allow_null=True)
        age = serializers.CharField(allow_null=True)
        source = serializers.CharField(allow_null=True)
        simulated = serializers.BooleanField()
        known = serializers.BooleanField(
            help_text="False when no quote of this symbol is stored."
        )

    @extend_schema(
        operation_id="quotes_list",
        parameters=[
            OpenApiParameter(
                "symbols",
                str,
                required=True,
                description="Comma-separated (or repeated) ticker symbols, at most 50",
            )
        ],
        responses=inline_serializer(
            "QuoteResults", {"results": OutputSerializer(many=True)}
        ),
    )
    def get(self, request):
        data = query_input(request, QuoteListApi.FilterSerializer, lists=("symbols",))
        symbols = list(dict.fromkeys(data["symbols"]))
        quotes = latest_quotes(symbols=symbols)
        now = timezone.now()
        results = []
        for symbol in symbols:
            quote = quotes.get(symbol)
            age = None if quote is None else quote_age(quote, now).total_seconds()
            results.append(
                {
                    "symbol": symbol,
                    "price": None if quote is None else str(quote.price),
                    "currency": None if quote is None else quote.currency,
                    "as_of": None if quote is None else quote.as_of,
                    "age_seconds": None if age is None else int(age),
                    "age": None if age is None else age_text(age),
                    "source": None if quote is None else quote.source,
                    "simulated": quote is not None
                    and quote.source == QuoteSource.SIMULATED,
                    "known": quote is not None,
                }
            )
        return Response(
            {"results": QuoteListApi.OutputSerializer(results, many=True).data}
        )


class AlertOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    message = serializers.CharField()
    symbol = serializers.CharField(source="instrument.symbol")
    price = serializers.DecimalField(max_digits=18, decimal_places=6)
    threshold = serializers.DecimalField(
        max_digits=18, decimal_places=6, allow_null=True
    )
    memory = serializers.IntegerField(source="memory_id")
    subject = serializers.IntegerField(source="subject_id")
    client_external_id = serializers.CharField(allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.IntegerField(
        source="acknowledged_by_user_id", allow_null=True
    )


def _alerts_of(user: User):
    alerts = MarketAlert.objects.filter(tenant_id=user.firm_id).select_related(
        "instrument"
    )
    subjects = visible_subject_ids(user=user)
    if subjects is not None:
        alerts = alerts.filter(subject_id__in=subjects)
    return alerts


def _with_crm_ids(alerts: list) -> list:
    crm = client_external_ids(subject_ids={alert.subject_id for alert in alerts})
    for alert in alerts:
        alert.client_external_id = crm.get(alert.subject_id) or None
    return alerts


class AlertListApi(ApiView):
    class FilterSerializer(StrictSerializer):
        acknowledged = serializers.BooleanField(
            required=False, allow_null=True, default=False
        )

    @extend_schema(
        operation_id="alerts_list",
        parameters=[
            OpenApiParameter(
                "acknowledged",
                bool,
                description="false (default): open alerts; true: acknowledged ones",
            ),
        ],
        responses=AlertOutputSerializer(many=True),
    )
    def get(self, request):
        filters = query_input(request, AlertListApi.FilterSerializer, paginated=True)
        alerts = _alerts_of(request.user).filter(
            acknowledged_at__isnull=not filters.get("acknowledged")
        )
        paginator = self.pagination_class()
        page = _with_crm_ids(paginator.paginate_queryset(alerts, request, view=self))
        return paginator.get_paginated_response(
            AlertOutputSerializer(page, many=True).data
        )


class AlertAcknowledgeApi(ApiView):
    class InputSerializer(StrictSerializer):
        pass

    @extend_schema(
        operation_id="alerts_acknowledge",
        request=InputSerializer,
        responses=AlertOutputSerializer,
        description="Mark an alert as seen (the first acknowledgement stands).",
    )
    @idempotent
    def post(self, request, alert_id: int):
        alert = _alerts_of(request.user).filter(pk=alert_id).first()
        if alert is None:
            raise NotFound("Not found.")
        if request.user.is_compliance and request.user.role != User.Role.ADMIN:
            raise PermissionDenied(
                "Compliance reads alerts; advisors acknowledge them."
            )
        AlertAcknowledgeApi.InputSerializer(data=request.data).is_valid(
            raise_exception=True
        )
        alert_acknowledge(alert=alert, user_id=request.user.pk)
        alert = _alerts_of(request.user).get(pk=alert.pk)
        return Response(AlertOutputSerializer(_with_crm_ids([alert])[0]).data)
