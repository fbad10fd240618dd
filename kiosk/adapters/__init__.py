"""Bindings of the flows' ports to the real things: devices, hall client, offline cache."""
