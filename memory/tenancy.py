"""Who a user is to the engine: a tenant, and the rights they hold in it.

The engine keeps tenants by key and knows nothing of the people who use it. A
provider, named by the ``MEMORY_TENANCY_PROVIDER`` setting (a dotted path to a
class, instantiated once), maps a user to a :class:`TenantAccess`, an outside
name of a tenant to its key and back, answers whether a user belongs to a
tenant, and says the names a subject goes by. The audit admin, ``verify_ledger``
and extraction ask it here, and nowhere else.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TenantAccess:
    """A user's tenant, if any, and what they may do with its memory."""

    tenant_id: int | None
    can_audit: bool = False
    can_erase: bool = False


class TenancyProvider(Protocol):
    def access_of(self, user) -> TenantAccess: ...

    def tenant_of_key(self, key: str) -> int | None: ...

    def tenant_keys(self, tenant_ids: Iterable[int]) -> dict[int, str]: ...

    def user_in_tenant(self, user_id: int, tenant_id: int) -> bool: ...

    def subject_names(self, subject_id: int) -> list[str]: ...


@cache
def _provider_at(path: str) -> TenancyProvider:
    return import_string(path)()


def provider() -> TenancyProvider:
    """Return the provider the setting names (one instance per dotted path)."""
    path = getattr(settings, "MEMORY_TENANCY_PROVIDER", "")
    if not path:
        raise ImproperlyConfigured(
            "Set MEMORY_TENANCY_PROVIDER to the dotted path of the class that maps "
            "users to memory tenants."
        )
    return _provider_at(path)


def access_of(user) -> TenantAccess:
    """Return a user's tenant and rights (none for an anonymous user)."""
    return provider().access_of(user)


def tenant_of_key(key: str) -> int | None:
    """Return the tenant an outside name (such as a firm's slug) stands for."""
    return provider().tenant_of_key(key)


def tenant_keys(tenant_ids: Iterable[int]) -> dict[int, str]:
    """Return the outside name of each tenant that has one."""
    return provider().tenant_keys(list(tenant_ids))


def user_in_tenant(user_id: int, tenant_id: int) -> bool:
    """Say whether the user with this id belongs to the tenant."""
    return provider().user_in_tenant(user_id, tenant_id)


def subject_names(subject_id: int) -> list[str]:
    """Return the names a subject goes by ("Marcus Chen", "Marcus"), most formal
    first: how extraction knows that "Marcus sold his Apple" is about them.

    The engine keeps no names of its own (nothing to erase twice): it asks.
    A provider without the method gives none.
    """
    names_of = getattr(provider(), "subject_names", None)
    return list(names_of(subject_id)) if names_of else []


def user_names(user_ids: Iterable[int]) -> dict[int, str]:
    """Return a readable name for each user id the provider knows (the access
    log shows who, not a number). A provider without the method gives none."""
    names_of = getattr(provider(), "user_names", None)
    return dict(names_of(list(user_ids))) if names_of else {}


def subject_erased(subject_id: int) -> None:
    """Tell the provider a subject was erased, inside the erasure's transaction.

    The engine erased what it holds; the provider removes what only it can see
    (the person's own record, what requests and the admin kept of them). A
    provider without the method has nothing to remove.
    """
    erased = getattr(provider(), "subject_erased", None)
    if erased:
        erased(subject_id)
