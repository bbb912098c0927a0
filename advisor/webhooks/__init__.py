"""Outgoing webhooks: subscriptions per firm, signed deliveries, every attempt logged.

What changed is read from the memory engine's committed records (the changes
feed, alerts, import jobs) by a worker that polls an outbox; the engine knows
nothing of webhooks. ``sender`` is the one module that makes outgoing HTTP.
"""
