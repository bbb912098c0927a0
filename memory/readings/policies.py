"""Each tenant's memory policy, as the readings (and extraction) read it."""

from collections.abc import Iterable

from memory.models import MemoryPolicy


def policies_for(tenant_ids: Iterable[int]) -> dict[int, MemoryPolicy]:
    """Return each tenant's memory policy (the defaults where it set none)."""
    tenant_ids = set(tenant_ids)
    policies = {
        policy.tenant_id: policy
        for policy in MemoryPolicy.objects.filter(tenant_id__in=tenant_ids)
    }
    for tenant_id in tenant_ids - set(policies):
        policies[tenant_id] = MemoryPolicy(tenant_id=tenant_id)
    return policies
