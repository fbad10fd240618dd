"""The terminal's durable outbox: write first, send second; encrypted at rest; exactly once by key.

Public entry points: :func:`offline_cache.factory.open_terminal` (the kiosk facade with its sync
worker) and :func:`offline_cache.factory.open_outbox`; errors in :mod:`offline_cache.errors`.
"""
