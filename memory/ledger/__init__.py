"""The ledger: an append-only, hash-chained record of every change to a memory.

- ``canonical``: the one serialisation the chain hashes, and the content digest;
- ``states``: a memory's state as an event records it (``snapshot``);
- ``chain``: causes, the subject lock, and appends (``append``, ``append_many``);
- ``verify``: walking a chain and naming the first event that does not verify;
- ``replay``: rebuilding memories' states from events (time travel, restorable
  versions, what a citation saw).

Import from the modules themselves: this package re-exports nothing, so the
models can use ``canonical`` without importing the rest of the ledger.
"""
