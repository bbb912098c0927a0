"""What a request may reach: one place turns ids into objects, or 404 / 403.

Another firm's or another advisor's records answer 404 (their existence is not
told); a record the user sees but may not change answers 403.
"""

from django.http import Http404
from rest_framework.exceptions import PermissionDenied

from advisor.models import AnalystProfile, Client, User
from advisor.selectors import (
    analyst_get,
    analyst_memory_readable,
    client_list,
    client_memory_writable,
    client_record_writable,
)
from memory.models import Memory, MemoryKind, Subject, SubjectKind
from memory.selectors import memory_get_any


def client_for(request, client_id: int, *, write: bool = False) -> Client:
    """Return a client the user sees; with ``write``, one whose memory they change."""
    # The subject comes with it: nearly every operation on a client reads its memory.
    client = (
        client_list(user=request.user)
        .select_related("subject")
        .filter(pk=client_id)
        .first()
    )
    if client is None:
        raise Http404
    if write and not client_memory_writable(user=request.user, client=client):
        raise PermissionDenied(
            "Only the client's advisor or a firm administrator changes their memory."
        )
    return client


def client_subject_for(request, client_id: int) -> Subject:
    """Return the subject of a client the user sees, for a read of its memory.

    The same visibility as ``client_for``, in one lean query: only the subject.
    """
    visible = client_list(user=request.user).filter(pk=client_id)
    subject = Subject.objects.filter(pk__in=visible.values("subject_id"))[:1]
    for found in subject:
        return found
    raise Http404


def client_record_for(request, client_id: int) -> Client:
    client = client_for(request, client_id)
    if not client_record_writable(user=request.user, client=client):
        raise PermissionDenied(
            "Only the client's advisor or a firm administrator changes the record."
        )
    return client


def analyst_for(request, analyst_id: int, *, write: bool = False) -> AnalystProfile:
    """Return an analyst whose memory the user reads (or, with ``write``, keeps)."""
    analyst = analyst_get(user=request.user, analyst_id=analyst_id)
    if analyst is None or not analyst_memory_readable(
        user=request.user, analyst=analyst
    ):
        raise Http404
    if write and analyst.user_id != request.user.pk:
        raise PermissionDenied("Only the analyst keeps their own memory.")
    return analyst


def analyst_of_firm(request, analyst_id: int) -> AnalystProfile:
    """Return any analyst of the user's firm (for their published house views)."""
    analyst = analyst_get(user=request.user, analyst_id=analyst_id)
    if analyst is None:
        raise Http404
    return analyst


def memory_for(request, memory_id: int, *, write: bool = False) -> Memory:
    """Return a memory the user reads (or changes), whoever its subject is.

    A client's memory by the client's visibility; an analyst's by the analyst's
    (advisors also read the firm's published house views, never change them).
    """
    user: User = request.user
    memory = memory_get_any(memory_id=memory_id, tenant_id=user.firm_id)
    if memory is None:
        raise Http404
    subject = memory.subject
    if subject.kind == SubjectKind.CLIENT:
        client = getattr(subject, "client", None)
        if client is None:
            raise Http404
        client_for(request, client.pk, write=write)
        return memory
    analyst = getattr(subject, "analyst", None)
    if analyst is None:
        raise Http404
    if analyst_memory_readable(user=user, analyst=analyst):
        if write and analyst.user_id != user.pk:
            raise PermissionDenied("Only the analyst keeps their own memory.")
        return memory
    house_view = memory.kind == MemoryKind.VIEW and memory.published_at is not None
    if house_view and not write:
        return memory
    if house_view:
        raise PermissionDenied("A house view is changed by its analyst only.")
    raise Http404
