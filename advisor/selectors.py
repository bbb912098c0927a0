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
