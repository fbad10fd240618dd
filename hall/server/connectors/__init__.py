"""Connectors to outside systems: an interface each, plus a local implementation for halls without one."""
