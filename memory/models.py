"""The memory engine's records: subjects, conversations, memories and the ledger.

The engine knows subjects and tenants (firms, by key), never clients, advisors or
pages: a client or an analyst *has* a subject.
"""

import functools
import json
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from pgvector.django import HnswIndex, VectorField
from psycopg.types.json import Json


class SubjectKind(models.TextChoices):
    CLIENT = "client", "Client"
    ANALYST = "analyst", "Analyst"


class Subject(models.Model):
    """Whoever a memory is about: a client or an analyst, within one tenant."""

    tenant_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    summary = models.TextField(blank=True)
    summary_updated_at = models.DateTimeField(null=True, blank=True)
    # The ledger's tail, kept here so appends serialise on this one row.
    ledger_length = models.PositiveBigIntegerField(default=0)
    ledger_head = models.CharField(max_length=64, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.get_kind_display()} subject #{self.pk}"


class MemoryPolicy(models.Model):
    """A tenant's choices for its memory: review of extractions, market freshness."""

    tenant_id = models.BigIntegerField(unique=True)
    auto_apply_extractions = models.BooleanField(
        default=True,
        help_text="Apply extracted memories at once; otherwise they wait as proposed.",
    )
    min_auto_apply_confidence = models.FloatField(
        default=0.6, help_text="Extractions below this confidence always wait."
    )
    stale_after_minutes = models.PositiveIntegerField(
        default=24 * 60, help_text="A quote older than this is stale (market closed)."
    )
    stale_after_minutes_market_hours = models.PositiveIntegerField(
        default=15, help_text="A quote older than this is stale while markets trade."
    )
    move_threshold = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default="0.0500",
        help_text="A move beyond this fraction of the stated price makes it stale.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "memory policies"

    def __str__(self):
        return f"Memory policy of tenant {self.tenant_id}"


class Conversation(models.Model):
    """A tree of messages about one subject; its head is the active leaf."""

    class Origin(models.TextChoices):
        CHAT = "chat", "Chat"
        IMPORT = "import", "Transcript import"
        API = "api", "API"

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="conversations"
    )
    title = models.CharField(max_length=200, blank=True)
    origin = models.CharField(
        max_length=20, choices=Origin.choices, default=Origin.CHAT
    )
    external_id = models.CharField(max_length=200, blank=True)
    head = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "external_id"],
                condition=~Q(external_id=""),
                name="conversation_external_id_per_subject",
            )
        ]

    def __str__(self):
        return self.title or f"Conversation #{self.pk}"


class MessageRole(models.TextChoices):
    USER = "user", "User"
    ASSISTANT = "assistant", "Assistant"
    SYSTEM = "system", "System"


class MessageStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ROLLED_BACK = "rolled_back", "Rolled back"


class Message(models.Model):
    """One turn of a conversation: the episodic layer, kept verbatim."""

    # Covered by the (conversation, occurred_at) index: no index of its own.
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        related_name="messages",
        db_index=False,
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="messages"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    role = models.CharField(max_length=20, choices=MessageRole.choices)
    speaker = models.CharField(
        max_length=120, help_text="Who spoke: client, advisor, analyst, assistant."
    )
    text = models.TextField()
    occurred_at = models.DateTimeField(default=timezone.now)
    external_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.ACTIVE
    )
    author_user_id = models.BigIntegerField(null=True, blank=True)
    # For replies: the memories and the exact versions (ledger events) relied on.
    citations = models.JSONField(default=list, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["conversation", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "external_id"],
                condition=~Q(external_id=""),
                name="message_external_id_per_subject",
            )
        ]

    def __str__(self):
        return f"{self.speaker}: {self.text[:60]}"


class MemoryKind(models.TextChoices):
    PROFILE = "profile", "Profile"
    GOAL = "goal", "Goal"
    PREFERENCE = "preference", "Preference"
    HOLDING = "holding", "Holding"
    VIEW = "view", "View"
    FACT = "fact", "Fact"
    EPISODE = "episode", "Episode"


class MemoryStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Superseded"
    RETRACTED = "retracted", "Retracted"
    REJECTED = "rejected", "Rejected"
    ERASED = "erased", "Erased"


class MemorySource(models.TextChoices):
    MESSAGE = "message", "Message"
    IMPORT = "import", "Transcript import"
    API = "api", "API call"
    MANUAL = "manual", "Manual edit"
    MARKET = "market", "Market refresh"


class RetentionClass(models.TextChoices):
    STANDARD = "standard", "Standard (6 years)"
    REGULATORY = "regulatory", "Books and records (7 years)"
    TRANSIENT = "transient", "Transient (1 year)"


class CanonicalJSONField(models.JSONField):
    """JSON kept as the ledger's canonical text, in a ``json`` column.

    PostgreSQL keeps a ``json`` value's text as written (``jsonb`` rewrites it),
    so the canonical text (sorted keys, no spaces: ``ledger.canonical``) comes
    back byte for byte: it can go into a ledger event, and be compared, without
    being decoded and encoded again. A value for lookups into it, not a document
    to search: ``json`` has no containment or key operators.
    """

    def db_type(self, connection):
        return "json"

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return value
        return Json(value, dumps=canonical_text)

    def from_db_value(self, value, expression, connection):
        # psycopg decodes ``json`` itself (Django has it leave ``jsonb`` as text).
        if isinstance(value, str):
            return json.loads(value)
        return value


_CANONICAL = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}


def _not_serialisable(value):
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


@functools.cache
def _canonical_encoder(default) -> Callable[[object], str]:
    """Return what ``json.dumps(value, default=default, **_CANONICAL)`` does, made once.

    ``json.dumps`` builds its C encoder afresh on every call, which costs a third
    of encoding a small object: a refresh writes canonical text a hundred
    thousand times. No check for circular references (JSON values are trees).
    """
    if c_make_encoder is None:  # an interpreter without the C accelerator
        return json.JSONEncoder(default=default, **_CANONICAL).encode
    encode = c_make_encoder(
        None, default or _not_serialisable, encode_basestring, None, ":", ",",
        True, False, True,
    )  # fmt: skip
    return lambda value: "".join(encode(value, 0))


def canonical_text(value, default=None) -> str:
    """Return JSON values as canonical text: sorted keys, no spaces, UTF-8 kept.

    ``default`` serialises what JSON has no type for (see ``ledger.canonical``).
    """
    return _canonical_encoder(default)(value)


class Memory(models.Model):
    """One remembered thing about a subject, with its structured payload."""

    # Covered by the (subject, status, kind) index: no index of its own.
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="memories", db_index=False
    )
    tenant_id = models.BigIntegerField()
    kind = models.CharField(max_length=20, choices=MemoryKind.choices)
    # The slot a memory fills ("holding:AAPL:ira"): how reconciliation finds the
    # memory a new statement supersedes.
    key = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=MemoryStatus.choices, default=MemoryStatus.ACTIVE
    )
    importance = models.FloatField(default=0.5)
    confidence = models.FloatField(default=1.0)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=MemorySource.choices)
    author_user_id = models.BigIntegerField(null=True, blank=True)
    author_label = models.CharField(
        max_length=200, blank=True, help_text="e.g. rules-extractor/1 or model:gpt-4o"
    )
    version = models.PositiveIntegerField(default=1)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    source_messages = models.ManyToManyField(
        Message, blank=True, related_name="memories"
    )
    embedding = VectorField(dimensions=settings.MEMORY_EMBEDDING_DIMENSIONS, null=True)
    embedding_model = models.CharField(max_length=200, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    retention_class = models.CharField(
        max_length=20, choices=RetentionClass.choices, default=RetentionClass.STANDARD
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    # An analyst's view published as the firm's house view.
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "memories"
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(
                fields=["subject", "status", "kind"], name="memory_subject_status"
            ),
            models.Index(fields=["subject", "key"], name="memory_subject_key"),
            models.Index(
                fields=["tenant_id", "status", "kind"], name="memory_tenant_status"
            ),
            GinIndex(fields=["search_vector"], name="memory_search_vector"),
            # Firm-wide search by meaning covers the semantic layer. Episodes (every
            # turn, the bulk of the rows) are searched per subject by exact scan,
            # so they stay out of the graph and imports do not pay for it.
            HnswIndex(
                name="memory_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
                condition=~Q(kind="episode"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def reading(self) -> dict:
        """Return the current market reading, held by the market reference (or {}).

        Lists that show readings load the reference with
        ``select_related("market_reference")``.
        """
        try:
            return self.market_reference.reading
        except ObjectDoesNotExist:
            return {}


class EventAction(models.TextChoices):
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    SUPERSEDE = "supersede", "Supersede"
    RETRACT = "retract", "Retract"
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    REFRESH = "refresh", "Refresh"
    REVERT = "revert", "Revert"
    RESTORE = "restore", "Restore"
    ERASE = "erase", "Erase"


class CauseType(models.TextChoices):
    USER = "user", "User"
    MESSAGE = "message", "Message"
    TASK = "task", "Background task"
    API = "api", "API request"
    IMPORT = "import", "Transcript import"
    ROLLBACK = "rollback", "Rollback"
    REFRESH = "refresh", "Market refresh"
    SYSTEM = "system", "System"


class MemoryEvent(models.Model):
    """An append-only ledger entry: one change to one memory, chained by hash.

    The database refuses UPDATE and DELETE of these rows (see the migration
    ``0002_ledger_append_only``), except the one update erasure makes: removing the
    content while keeping its digest, so the chain still verifies.
    """

    # Each foreign key below is covered by a composite index (see Meta): a
    # single-column index of its own would only slow every append.
    # Nor do they carry database constraints: a constraint checks every appended
    # row against its parents, which cost more than the append itself. Only the
    # ledger appends, naming rows it holds locked; and the database refuses to
    # delete a subject, memory or message the ledger names (migration 0009), so
    # no event can lose its parent.
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    tenant_id = models.BigIntegerField()
    sequence = models.PositiveBigIntegerField()
    memory = models.ForeignKey(
        Memory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    action = models.CharField(max_length=20, choices=EventAction.choices)
    # Stored as the canonical text whose digest the chain holds.
    before = CanonicalJSONField(null=True, blank=True)
    after = CanonicalJSONField(null=True, blank=True)
    content_digest = models.CharField(max_length=64)
    cause_type = models.CharField(max_length=20, choices=CauseType.choices)
    cause_user_id = models.BigIntegerField(null=True, blank=True)
    cause_message = models.ForeignKey(
        Message,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    cause_ref = models.CharField(
        max_length=200, blank=True, help_text="Task id, API request id, import id..."
    )
    reason = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, blank=True)
    # Not unique by index: (subject, sequence) already is, and the chain, which
    # each hash covers, is what makes an event's hash its own.
    hash = models.CharField(max_length=64)
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["subject_id", "sequence"]
        indexes = [
            models.Index(fields=["memory", "sequence"], name="event_memory_sequence"),
            models.Index(fields=["tenant_id", "id"], name="event_tenant_cursor"),
            # Most events have no cause message (refreshes, API, tasks): they
            # stay out of this index.
            models.Index(
                fields=["cause_message"],
                name="event_cause_message",
                condition=Q(cause_message__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "sequence"], name="event_sequence_per_subject"
            )
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action} memory {self.memory_id}"


class LegalHold(models.Model):
    """A hold on a subject's records: blocks expiry and erasure until released."""

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="legal_holds"
    )
    matter = models.CharField(max_length=200)
    scope = models.TextField(blank=True)
    approver_user_id = models.BigIntegerField()
    reason = models.TextField()
    placed_by_user_id = models.BigIntegerField()
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by_user_id = models.BigIntegerField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self):
        return f"Hold {self.matter} on subject #{self.subject_id}"


class Erasure(models.Model):
    """The record of a subject's erasure: who, why, when, and how much."""

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="erasures"
    )
    requested_by_user_id = models.BigIntegerField()
    reason = models.TextField()
    memories_erased = models.PositiveIntegerField(default=0)
    events_redacted = models.PositiveIntegerField(default=0)
    messages_erased = models.PositiveIntegerField(default=0)
    erased_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Erasure of subject #{self.subject_id} at {self.erased_at:%Y-%m-%d}"


class SubjectAccess(models.Model):
    """Who viewed which subject's memory, where, and when (for compliance)."""

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="accesses"
    )
    tenant_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    surface = models.CharField(max_length=40)
    accessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accessed_at"]
        indexes = [models.Index(fields=["tenant_id", "accessed_at"])]

    def __str__(self):
        return f"User {self.user_id} viewed subject #{self.subject_id} ({self.surface})"


class ImportJob(models.Model):
    """A transcript import and its progress: stored, embedded, extracted."""

    class Status(models.TextChoices):
        STORING = "storing", "Storing turns"
        INDEXING = "indexing", "Indexing (embedding and extraction)"
        DONE = "done", "Fully indexed"
        FAILED = "failed", "Failed"

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="imports"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, null=True, related_name="imports"
    )
    requested_by_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.STORING
    )
    turns_total = models.PositiveIntegerField(default=0)
    turns_stored = models.PositiveIntegerField(default=0)
    turns_skipped = models.PositiveIntegerField(
        default=0, help_text="Turns whose external id was imported before."
    )
    turns_embedded = models.PositiveIntegerField(default=0)
    turns_extracted = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Import #{self.pk} ({self.get_status_display()})"

    @property
    def fully_indexed(self) -> bool:
        return self.status == self.Status.DONE


class StatedPriceSource(models.TextChoices):
    STATED = "stated", "Stated in the memory"
    QUOTE_AT_STATEMENT = "quote at statement", "Quote when it was stated"
    FIRST_QUOTE_AFTER = "first quote after", "First quote after it was stated"
    PENDING = "pending", "No quote known yet"


class MarketReference(models.Model):
    """A memory's tie to the market: its instrument, the price when it was stated.

    What was said stays in the memory; the reference carries the last quote the
    memory was read against, and which alerts it has already raised.
    """

    memory = models.OneToOneField(
        Memory, on_delete=models.PROTECT, related_name="market_reference"
    )
    # Denormalised from the memory so a refresh can group and lock by set.
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="market_references"
    )
    tenant_id = models.BigIntegerField()
    # No reverse accessor: the market app knows nothing of memories.
    instrument = models.ForeignKey(
        "market.Instrument", on_delete=models.PROTECT, related_name="+"
    )
    stated_price = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="The price when the memory was stated; empty until one is known.",
    )
    stated_price_source = models.CharField(
        max_length=30,
        choices=StatedPriceSource.choices,
        default=StatedPriceSource.PENDING,
    )
    stated_price_as_of = models.DateTimeField(
        null=True, blank=True, help_text="When the stated price was true."
    )
    stated_currency = models.CharField(max_length=3, default="USD")
    stated_at = models.DateTimeField()
    last_price = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True
    )
    last_price_as_of = models.DateTimeField(null=True, blank=True)
    last_price_source = models.CharField(max_length=40, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # Alert keys already raised ("target_reached:180"), so each fires exactly once.
    crossed = models.JSONField(default=list, blank=True)
    # The memory's current reading (holding value, a view's move...): derived
    # from the last quote, rewritten by every refresh. It lives here, not on the
    # memory, so a refresh never rewrites the memory's wide row (its vector and
    # text indexes); none of the columns a refresh writes is indexed, and the
    # table keeps room on each page (fillfactor, migration 0008), so PostgreSQL
    # updates these rows in place (HOT). Kept as canonical text: the refresh puts
    # it into the ledger as it reads it.
    reading = CanonicalJSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # A firm's refresh finds its subjects without reading every firm's
            # references.
            models.Index(
                fields=["tenant_id", "subject"], name="reference_tenant_subject"
            )
        ]

    def __str__(self):
        return f"Market reference of memory #{self.memory_id}"


class MarketAlertKind(models.TextChoices):
    TARGET_REACHED = "target_reached", "Target reached"
    INVALIDATED = "invalidated", "View invalidated"
    MOVED_BEYOND_THRESHOLD = "moved_beyond_threshold", "Moved beyond the threshold"


class MarketAlert(models.Model):
    """A threshold a memory's reading crossed: raised once, acknowledged by a user."""

    tenant_id = models.BigIntegerField()
    # Subject and memory are the reference's own, copied for filtering. Only a
    # refresh raises alerts, for references it holds under their subjects'
    # locks: the database checks no key per alert (a lookup and a row lock each,
    # a sixth of a refresh), and refuses instead to delete a reference an alert
    # names (migration 0010).
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        related_name="market_alerts",
        db_constraint=False,
    )
    memory = models.ForeignKey(
        Memory,
        on_delete=models.PROTECT,
        related_name="market_alerts",
        db_constraint=False,
        db_index=False,
    )
    # Covered by the unique (reference, instrument, kind, threshold_key) constraint.
    reference = models.ForeignKey(
        MarketReference,
        on_delete=models.PROTECT,
        related_name="alerts",
        db_constraint=False,
        db_index=False,
    )
    # The reference's instrument when the alert was raised: a reference moves
    # when its memory's instrument is corrected, and the new instrument crossing
    # the same threshold is a new alert. Unchecked for the same reason as the
    # reference (instruments are never deleted).
    instrument = models.ForeignKey(
        "market.Instrument",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField(max_length=40, choices=MarketAlertKind.choices)
    # Which threshold of the kind ("up:0.0500", "180"): the alert's identity.
    threshold_key = models.CharField(max_length=60, blank=True)
    message = models.TextField()
    price = models.DecimalField(max_digits=18, decimal_places=6)
    threshold = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["tenant_id", "acknowledged_at", "created_at"],
                name="alert_tenant_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "instrument", "kind", "threshold_key"],
                name="alert_once_per_threshold",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message[:60]}"
