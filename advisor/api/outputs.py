"""What the API answers about memories and clients, shared by several operations."""

from rest_framework import serializers

from memory.readings.freshness import attach_freshness


class FreshnessSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["fresh", "stale"])
    reasons = serializers.ListField(child=serializers.CharField())
    symbol = serializers.CharField()
    price = serializers.CharField(allow_null=True)
    currency = serializers.CharField()
    as_of = serializers.DateTimeField(allow_null=True)
    age_seconds = serializers.IntegerField(allow_null=True)
    age = serializers.CharField(allow_null=True)
    max_age_seconds = serializers.IntegerField()
    source = serializers.CharField()
    simulated = serializers.BooleanField()
    stated_price = serializers.CharField(allow_null=True)
    stated_price_source = serializers.CharField()
    stated_at = serializers.DateTimeField(allow_null=True)
    move_since_stated = serializers.FloatField(allow_null=True)


class MemoryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    key = serializers.CharField()
    text = serializers.CharField()
    payload = serializers.JSONField()
    status = serializers.CharField()
    proposal_action = serializers.CharField()
    importance = serializers.FloatField()
    confidence = serializers.FloatField()
    valid_from = serializers.DateTimeField(allow_null=True)
    valid_to = serializers.DateTimeField(allow_null=True)
    recorded_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    source = serializers.CharField()
    author_label = serializers.CharField()
    version = serializers.IntegerField()
    superseded_by = serializers.IntegerField(source="superseded_by_id", allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    reading = serializers.JSONField()
    freshness = FreshnessSerializer(allow_null=True, default=None)


# Fields of ``MemoryOutputSerializer`` by how each is written out.
_TEXT = ("kind", "key", "text", "status", "proposal_action", "source", "author_label")
_TIMES = ("valid_from", "valid_to", "recorded_at", "updated_at", "published_at")
_DATETIME = serializers.DateTimeField()


def memory_output(memory) -> dict:
    """Return what ``MemoryOutputSerializer(memory).data`` returns, for hot paths.

    The same fields, order and formats, without building DRF's fields for every
    memory: a search answers ten at a time, hundreds of times a second.
    """
    data = {"id": int(memory.pk)}
    for name in _TEXT[:3]:
        value = getattr(memory, name)
        data[name] = None if value is None else str(value)
    data["payload"] = memory.payload
    for name in _TEXT[3:5]:
        value = getattr(memory, name)
        data[name] = None if value is None else str(value)
    for name in ("importance", "confidence"):
        value = getattr(memory, name)
        data[name] = None if value is None else float(value)
    for name in _TIMES[:4]:
        data[name] = _DATETIME.to_representation(getattr(memory, name))
    for name in _TEXT[5:]:
        value = getattr(memory, name)
        data[name] = None if value is None else str(value)
    data["version"] = None if memory.version is None else int(memory.version)
    data["superseded_by"] = memory.superseded_by_id
    data["published_at"] = _DATETIME.to_representation(memory.published_at)
    data["reading"] = memory.reading
    freshness = getattr(memory, "freshness", None)
    data["freshness"] = (
        None if freshness is None else FreshnessSerializer(freshness).data
    )
    return data


class _Hit:
    """What ``attach_freshness`` reads and writes: a memory and its freshness."""

    __slots__ = ("memory", "freshness")

    def __init__(self, memory):
        self.memory = memory
        self.freshness = None


def with_freshness(memories) -> list:
    """Return the memories, each carrying ``freshness`` (None without a market
    reference); one query for all."""
    memories = list(memories)
    hits = attach_freshness([_Hit(memory) for memory in memories])
    for hit in hits:
        hit.memory.freshness = hit.freshness
    return memories


class ClientOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    advisor = serializers.CharField(source="advisor.username")
    risk_tolerance = serializers.CharField()
    horizon_years = serializers.IntegerField(allow_null=True)
    objectives = serializers.CharField()
    kyc_status = serializers.CharField()
    kyc_verified_on = serializers.DateField(allow_null=True)
    erased = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_erased(self, client) -> bool:
        return client.subject.erased_at is not None
