"""Writes about people: firms, users, clients and analysts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from memory.errors import InvalidMemory, MemoryEngineError, SubjectErased
from memory.governance.erasure import subject_erase
from memory.models import SubjectKind
from memory.services import subject_create

from .api.auth import verified_tokens_forget
from .models import AnalystProfile, ApiToken, Client, Firm, Team, User
from .webhooks.services import deliveries_forget_subject


@transaction.atomic
def firm_create(
    *, name: str, slug: str, share_clients_within_team: bool = False
) -> Firm:
    firm = Firm(
        name=name, slug=slug, share_clients_within_team=share_clients_within_team
    )
    firm.full_clean()
    firm.save()
    return firm


@transaction.atomic
def team_create(*, firm: Firm, name: str) -> Team:
    team = Team(firm=firm, name=name)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def user_create(
    *,
    firm: Firm,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    team: Team | None = None,
    is_staff: bool = False,
) -> User:
    """Create a user of ``firm``; analysts get a memory subject of their own."""
    user = User(
        firm=firm,
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        team=team,
        is_staff=is_staff,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    if role == User.Role.ANALYST:
        analyst_profile_create(user=user)
    return user


@transaction.atomic
def analyst_profile_create(
    *,
    user: User,
    coverage_symbols: list[str] | None = None,
    coverage_sectors: list[str] | None = None,
) -> AnalystProfile:
    subject = subject_create(tenant_id=user.firm_id, kind=SubjectKind.ANALYST)
    profile = AnalystProfile(
        user=user,
        subject=subject,
        coverage_symbols=coverage_symbols or [],
        coverage_sectors=coverage_sectors or [],
    )
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def client_create(
    *,
    advisor: User,
    name: str,
    external_id: str = "",
    email: str = "",
    risk_tolerance: str = "",
    horizon_years: int | None = None,
    objectives: str = "",
    kyc_status: str = Client.KycStatus.PENDING,
    kyc_verified_on=None,
) -> Client:
    """Create a client of the advisor's firm, with an empty memory subject."""
    subject = subject_create(tenant_id=advisor.firm_id, kind=SubjectKind.CLIENT)
    if not advisor.is_advisor:
        raise InvalidMemory({"advisor": "must be an advisor"})
    if external_id:
        # Two creates of one CRM id queue here: the second is refused by field.
        Firm.objects.select_for_update().get(pk=advisor.firm_id)
    client = Client(
        firm_id=advisor.firm_id,
        advisor=advisor,
        subject=subject,
        name=name,
        external_id=external_id,
        email=email,
        risk_tolerance=risk_tolerance,
        horizon_years=horizon_years,
        objectives=objectives,
        kyc_status=kyc_status,
        kyc_verified_on=kyc_verified_on,
    )
    _client_clean(client)
    client.save()
    return client


@transaction.atomic
def client_erase(*, client: Client, requested_by: User, reason: str) -> Client:
    """Honour a client's right to be forgotten: their memory and their record.

    The memory engine erases the subject (refusing under legal hold); the client
    record keeps only what the firm must: that a client existed, under whom.
    """
    if (
        requested_by.role != User.Role.COMPLIANCE
        or requested_by.firm_id != client.firm_id
    ):
        raise MemoryEngineError("Only the firm's compliance officers erase clients.")
    subject_erase(
        subject=client.subject, requested_by_user_id=requested_by.pk, reason=reason
    )
    deliveries_forget_subject(subject_id=client.subject_id)
    client.name = f"Erased client #{client.pk}"
    client.email = ""
    client.external_id = ""
    client.objectives = ""
    client.risk_tolerance = ""
    client.horizon_years = None
    client.save()
    return client


CLIENT_EDITABLE = (
    "name",
    "external_id",
    "email",
    "risk_tolerance",
    "horizon_years",
    "objectives",
    "kyc_status",
    "kyc_verified_on",
)


def _client_clean(client: Client) -> None:
    try:
        client.full_clean(exclude=["subject"])
    except ValidationError as error:
        raise InvalidMemory(
            {
                name if name != "__all__" else "external_id": [
                    "is already another client's CRM id"
                    if "external" in str(m) or "unique" in str(m).lower()
                    else str(m)
                    for m in messages
                ]
                for name, messages in error.message_dict.items()
            }
        ) from error


@transaction.atomic
def client_update(*, client: Client, advisor: User | None = None, **fields) -> Client:
    """Change a client's record (and, given ``advisor``, who advises them)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.subject.erased_at is not None:
        raise SubjectErased("This client was erased; the record takes no changes.")
    unknown = set(fields) - set(CLIENT_EDITABLE)
    if unknown:
        raise InvalidMemory({name: "cannot be changed" for name in sorted(unknown)})
    if advisor is not None:
        if advisor.firm_id != client.firm_id or not advisor.is_advisor:
            raise InvalidMemory({"advisor": "must be an advisor of the client's firm"})
        client.advisor = advisor
    for name, value in fields.items():
        setattr(client, name, value)
    _client_clean(client)
    client.save()
    return client


@transaction.atomic
def client_upsert(
    *, firm: Firm, external_id: str, advisor: User, **fields
) -> tuple[Client, bool]:
    """Create the client with this CRM id, or update the one that has it.

    Return the client and whether it was created. Concurrent upserts of one
    CRM id serialise on the firm's row, so they never make two clients.
    """
    if not external_id.strip():
        raise InvalidMemory({"external_id": "is required"})
    Firm.objects.select_for_update().get(pk=firm.pk)
    existing = Client.objects.filter(firm=firm, external_id=external_id).first()
    if existing is None:
        if advisor.firm_id != firm.pk or not advisor.is_advisor:
            raise InvalidMemory({"advisor": "must be an advisor of the firm"})
        return client_create(advisor=advisor, external_id=external_id, **fields), True
    changed_advisor = advisor if advisor.pk != existing.advisor_id else None
    return client_update(client=existing, advisor=changed_advisor, **fields), False


@transaction.atomic
def api_token_issue(
    *,
    user: User,
    name: str,
    scope: str = ApiToken.Scope.READ_WRITE,
    expires_at=None,
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; return it and its key (shown once, never kept)."""
    token = ApiToken(user=user, name=name, scope=scope, expiry_date=expires_at)
    key = ApiToken.objects.assign_key(token)
    try:
        token.full_clean()
    except ValidationError as error:
        raise InvalidMemory(
            {
                field: [str(m) for m in msgs]
                for field, msgs in error.message_dict.items()
            }
        ) from error
    token.save()
    return token, key


@transaction.atomic
def api_tokens_revoke(*, user: User, token_ids=None) -> int:
    """Revoke a user's tokens (all, or those named); return how many."""
    tokens = ApiToken.objects.filter(user=user, revoked=False)
    if token_ids is not None:
        tokens = tokens.filter(pk__in=list(token_ids))
    revoked = tokens.update(revoked=True, revoked_at=timezone.now())
    # This process refuses them at once; others within API_TOKEN_CACHE_SECONDS.
    verified_tokens_forget()
    return revoked
