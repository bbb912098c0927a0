"""Reads about people: who may see which clients."""

from django.db.models import Q, QuerySet

from .models import AnalystProfile, Client, User


def client_list(*, user: User) -> QuerySet[Client]:
    """Return the clients ``user`` may see: their own, their team's where the firm
    shares within teams, or the whole firm's for compliance."""
    clients = Client.objects.filter(firm_id=user.firm_id).select_related("advisor")
    if user.is_compliance:
        return clients
    if user.is_advisor:
        visible = Q(advisor=user)
        if user.firm.share_clients_within_team and user.team_id is not None:
            visible |= Q(advisor__team_id=user.team_id)
        return clients.filter(visible)
    return clients.none()


def client_get(*, user: User, client_id: int) -> Client | None:
    """Return one client ``user`` may see, or None (never another firm's)."""
    return client_list(user=user).filter(pk=client_id).first()


def analyst_profile_get(*, user: User) -> AnalystProfile | None:
    return AnalystProfile.objects.filter(user=user).select_related("subject").first()


def analyst_profile_visible(*, user: User, analyst_id: int) -> AnalystProfile | None:
    """Return an analyst's profile if ``user`` may read their memory, or None.

    ``analyst_id`` is the analyst's user id. The analyst themself, and their
    firm's compliance, may; no one of another firm ever does.
    """
    profile = (
        AnalystProfile.objects.filter(user_id=analyst_id, user__firm_id=user.firm_id)
        .select_related("subject", "user")
        .first()
    )
    if profile is None or not (profile.user_id == user.pk or user.is_compliance):
        return None
    return profile


def subject_holder_get(
    *, user: User, subject_id: int
) -> Client | AnalystProfile | None:
    """Return the client or analyst whose memory subject this is, if ``user`` may
    read it (as ``client_get`` and ``analyst_profile_visible`` decide), or None."""
    client = Client.objects.filter(subject_id=subject_id).only("pk").first()
    if client is not None:
        return client_get(user=user, client_id=client.pk)
    profile = AnalystProfile.objects.filter(subject_id=subject_id).first()
    if profile is not None:
        return analyst_profile_visible(user=user, analyst_id=profile.user_id)
    return None


# --- Who may change what (the REST API asks; the web pages may too) ----------


def client_memory_writable(*, user: User, client: Client) -> bool:
    """Say whether ``user`` may change a visible client's memory: their advisor
    (or a teammate where the firm shares) and the firm's administrators.

    Compliance reads every memory of the firm but corrects none.
    """
    if user.firm_id != client.firm_id:
        return False
    return user.is_advisor or user.role == User.Role.ADMIN


def client_record_writable(*, user: User, client: Client | None = None) -> bool:
    """Say whether ``user`` may create (``client`` None) or change a client record:
    an advisor their own, a firm administrator any of the firm's."""
    if user.role == User.Role.ADMIN:
        return client is None or client.firm_id == user.firm_id
    if user.is_advisor:
        return client is None or client.advisor_id == user.pk
    return False


def analyst_list(*, user: User):
    """Return the analysts of the user's firm."""
    return (
        AnalystProfile.objects.filter(user__firm_id=user.firm_id)
        .select_related("user", "subject")
        .order_by("pk")
    )


def analyst_get(*, user: User, analyst_id: int) -> AnalystProfile | None:
    """Return an analyst of the user's firm, or None (never another firm's)."""
    return analyst_list(user=user).filter(pk=analyst_id).first()


def analyst_memory_readable(*, user: User, analyst: AnalystProfile) -> bool:
    """The analyst reads their own memory, and compliance every analyst's."""
    return analyst.user_id == user.pk or (
        user.is_compliance and user.firm_id == analyst.user.firm_id
    )


def visible_subject_ids(*, user: User) -> list[int] | None:
    """Return the memory subjects whose events ``user`` may follow, or None for
    the whole firm (compliance and administrators)."""
    if user.is_compliance:
        return None
    subjects = list(client_list(user=user).values_list("subject_id", flat=True))
    profile = analyst_profile_get(user=user)
    if profile is not None:
        subjects.append(profile.subject_id)
    return subjects


def client_external_ids(*, subject_ids) -> dict[int, str]:
    """Return the CRM id of each subject that is a client (where it has one)."""
    return dict(
        Client.objects.filter(subject_id__in=list(subject_ids)).values_list(
            "subject_id", "external_id"
        )
    )


def user_by_username(*, firm_id: int, username: str) -> User | None:
    return User.objects.filter(firm_id=firm_id, username=username).first()


def client_by_external_id(*, firm_id: int, external_id: str) -> Client | None:
    """Return the firm's client with this CRM id, whoever advises them."""
    return (
        Client.objects.filter(firm_id=firm_id, external_id=external_id)
        .select_related("advisor", "subject")
        .first()
    )
