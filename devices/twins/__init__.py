"""Twins: emulators and simulators of each device kind, speaking the real wire protocols.

One sub-package per kind. They are registered as drivers (``devices.registry.TWIN_DRIVERS``) for the
demo, the tests and a technician's bench. Twins import the product packages (devices/<kind>/), never
the other way round: a product package reaches a twin, if at all, only through the registry.
"""
