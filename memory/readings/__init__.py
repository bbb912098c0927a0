"""Market-aware memory: what the market says of a holding or a view, kept honest.

- ``references``: a memory's tie to its instrument and stated price;
- ``reading``: the pure computation of a reading from a quote (no database);
- ``refresh``: readings made again against the newest stored quotes, set-based;
- ``freshness``: whether a reading can be trusted now, and refresh on read;
- ``sync``: the periodic fetch of quotes, then a refresh (tasks and commands);
- ``alerts``: thresholds a reading crossed;
- ``policies``: each tenant's freshness and review policy.
"""
