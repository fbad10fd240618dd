"""Device adapters for hall terminals: one sub-package per device kind, a lazy driver registry.

This package imports nothing from the rest of the suite (kiosk, hall, offline_cache, config) except
``config.privacy``, the stdlib-only masking module that loads on its own.
"""
