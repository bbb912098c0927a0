"""Governance of the memory: legal holds, erasure, retention, export, access log.

- ``holds``: legal holds, which block erasure and expiry until released;
- ``erasure``: a subject's right to be forgotten, the chain still verifiable;
- ``retention``: expired memories lose their content (unless held);
- ``export``: a subject's records with a signed manifest of digests;
- ``access``: who viewed which subject's memory, and where;
- ``revert``: compliance bringing a memory back to a recorded version.
"""
