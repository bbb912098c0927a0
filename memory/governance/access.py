"""The access log: who viewed which subject's memory, and where."""

from memory.errors import full_clean_or_raise
from memory.models import Subject, SubjectAccess


def subject_access_record(
    *, subject: Subject, user_id: int, surface: str
) -> SubjectAccess:
    """Record that a user viewed a subject's memory, and where.

    One INSERT, atomic by itself: no transaction of its own is opened around it
    (inside a caller's transaction it is part of that one).
    """
    access = SubjectAccess(
        subject=subject, tenant_id=subject.tenant_id, user_id=user_id, surface=surface
    )
    full_clean_or_raise(access, exclude=["subject"])
    access.save()
    return access
