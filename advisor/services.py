"""Writes about people: firms, users, clients and analysts."""

from django.db import transaction

from memory.errors import MemoryEngineError
from memory.governance.erasure import subject_erase
from memory.models import SubjectKind
from memory.services import subject_create

from .models import AnalystProfile, Client, Firm, Team, User


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
    client.full_clean()
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
    client.name = f"Erased client #{client.pk}"
    client.email = ""
    client.external_id = ""
    client.objectives = ""
    client.risk_tolerance = ""
    client.horizon_years = None
    client.save()
    return client
