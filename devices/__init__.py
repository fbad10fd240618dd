"""Device adapters for hall terminals: one sub-package per device kind, a lazy driver registry.

This package imports nothing from the rest of the suite (kiosk, hall, offline_cache, config).
"""
