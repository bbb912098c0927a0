"""The memory engine's tenancy in the advisor's terms: a firm is a tenant.

Named by ``MEMORY_TENANCY_PROVIDER``; the engine asks it, through
``memory.tenancy``, who a user is and what they may do with the firm's memory.
"""

from collections.abc import Iterable

from memory.tenancy import TenantAccess

from .erasure import client_traces_remove
from .models import AnalystProfile, Client, Firm, User

AUDIT_ROLES = (User.Role.COMPLIANCE, User.Role.ADMIN)
# Erasure is irreversible: compliance officers only, not firm administrators.
ERASE_ROLES = (User.Role.COMPLIANCE,)


class MemoryTenancy:
    """Map users to their firm, and their role to rights over its memory."""

    def access_of(self, user) -> TenantAccess:
        firm_id = getattr(user, "firm_id", None)
        if firm_id is None:  # anonymous: no firm, so no rights in one
            return TenantAccess(tenant_id=None)
        role = getattr(user, "role", None)
        return TenantAccess(
            tenant_id=firm_id,
            can_audit=role in AUDIT_ROLES,
            can_erase=role in ERASE_ROLES,
        )

    def tenant_of_key(self, key: str) -> int | None:
        return Firm.objects.filter(slug=key).values_list("pk", flat=True).first()

    def tenant_keys(self, tenant_ids: Iterable[int]) -> dict[int, str]:
        return dict(
            Firm.objects.filter(pk__in=list(tenant_ids)).values_list("pk", "slug")
        )

    def user_in_tenant(self, user_id: int, tenant_id: int) -> bool:
        return User._default_manager.filter(pk=user_id, firm_id=tenant_id).exists()

    def subject_names(self, subject_id: int) -> list[str]:
        client = (
            Client.objects.filter(subject_id=subject_id)
            .select_related("subject")
            .first()
        )
        if client is not None:
            if client.subject.erased_at is not None:
                return []
            return _names(client.name)
        profile = (
            AnalystProfile.objects.filter(subject_id=subject_id)
            .select_related("user")
            .first()
        )
        if profile is not None:
            return _names(profile.user.get_full_name() or profile.user.username)
        return []

    def user_names(self, user_ids: Iterable[int]) -> dict[int, str]:
        return {
            user.pk: f"{user.get_full_name() or user.username} ({user.username})"
            for user in User._default_manager.filter(pk__in=list(user_ids))
        }

    def subject_erased(self, subject_id: int) -> None:
        client_traces_remove(subject_id=subject_id)


def _names(full_name: str) -> list[str]:
    """Return a person's full name and their first name, once each."""
    full_name = " ".join(full_name.split())
    first = full_name.split(" ")[0] if full_name else ""
    return [name for name in dict.fromkeys([full_name, first]) if name]
