"""Memories: one remembered thing about a subject, its kind, status and source."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from pgvector.django import HnswIndex, VectorField

from .conversations import Message
from .subjects import Subject


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
    # A proposal to retract, approved: it did its work on the memories it named.
    APPLIED = "applied", "Applied (an approved retraction)"
    ERASED = "erased", "Erased"


class ProposalAction(models.TextChoices):
    """What approving a proposed memory does."""

    RECORD = "record", "Record it (superseding what holds its slot)"
    RETRACT = "retract", "Retract what holds its slot"


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
    # Set on a proposed memory: what approving it does. A retraction proposal
    # names the slot it would end by its key.
    proposal_action = models.CharField(
        max_length=20,
        choices=ProposalAction.choices,
        blank=True,
        default="",
        db_default="",
    )
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
