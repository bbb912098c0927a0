"""People and boundaries: firms (the tenant), their users, clients and analysts."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager


class Firm(models.Model):
    """A tenant: nothing of one firm is ever visible to another."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    share_clients_within_team = models.BooleanField(
        default=False,
        help_text="Advisors also see the clients of advisors in their own team.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "name"], name="team_name_per_firm")
        ]

    def __str__(self):
        return self.name


class FirmUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", User.Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        ADVISOR = "advisor", "Advisor"
        ANALYST = "analyst", "Analyst"
        COMPLIANCE = "compliance", "Compliance"
        ADMIN = "admin", "Firm administrator"

    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ADVISOR)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )

    objects = FirmUserManager()
    REQUIRED_FIELDS = ["email", "firm"]

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_advisor(self) -> bool:
        return self.role == self.Role.ADVISOR

    @property
    def is_analyst(self) -> bool:
        return self.role == self.Role.ANALYST

    @property
    def is_compliance(self) -> bool:
        return self.role in {self.Role.COMPLIANCE, self.Role.ADMIN}


class Client(models.Model):
    """A client of the firm, assigned to one advisor, with a memory subject."""

    class RiskTolerance(models.TextChoices):
        CONSERVATIVE = "conservative", "Conservative"
        MODERATELY_CONSERVATIVE = "moderately_conservative", "Moderately conservative"
        MODERATE = "moderate", "Moderate"
        MODERATELY_AGGRESSIVE = "moderately_aggressive", "Moderately aggressive"
        AGGRESSIVE = "aggressive", "Aggressive"

    class KycStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        VERIFIED = "verified", "Verified"
        EXPIRED = "expired", "Expired"

    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="clients")
    advisor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="clients",
        limit_choices_to={"role": User.Role.ADVISOR},
    )
    subject = models.OneToOneField(
        "memory.Subject", on_delete=models.PROTECT, related_name="client"
    )
    external_id = models.CharField(
        max_length=120, blank=True, help_text="The CRM's id for this client."
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    risk_tolerance = models.CharField(
        max_length=30, choices=RiskTolerance.choices, blank=True
    )
    horizon_years = models.PositiveSmallIntegerField(null=True, blank=True)
    objectives = models.TextField(blank=True)
    kyc_status = models.CharField(
        max_length=20, choices=KycStatus.choices, default=KycStatus.PENDING
    )
    kyc_verified_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "external_id"],
                condition=~Q(external_id=""),
                name="client_external_id_per_firm",
            )
        ]

    def __str__(self):
        return self.name


class AnalystProfile(models.Model):
    """An analyst's coverage, and the memory subject holding their views."""

    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="analyst_profile"
    )
    subject = models.OneToOneField(
        "memory.Subject", on_delete=models.PROTECT, related_name="analyst"
    )
    coverage_symbols = models.JSONField(default=list, blank=True)
    coverage_sectors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user} (analyst)"


class IdempotentRequest(models.Model):
    """A POST answered once per Idempotency-Key: a retry gets the same answer."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="idempotency_key_per_user"
            )
        ]

    def __str__(self):
        return f"{self.method} {self.path} [{self.key}]"


class ApiToken(AbstractAPIKey):
    """A REST API token: hashed at rest, shown once, named, revocable, scoped.

    The key itself (``prefix.secret``) is shown once when issued and never
    stored: ``djangorestframework-api-key`` keeps its SHA-512 digest. A token
    acts with the rights of its owner, narrowed by its scope.
    """

    class Scope(models.TextChoices):
        READ_ONLY = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    scope = models.CharField(
        max_length=20, choices=Scope.choices, default=Scope.READ_WRITE
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = APIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        indexes = [models.Index(fields=["user", "revoked"], name="api_token_user")]

    @property
    def read_only(self) -> bool:
        return self.scope == self.Scope.READ_ONLY
