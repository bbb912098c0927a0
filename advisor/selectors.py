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
