"""Application services: one module per area, each working inside a :class:`~hall.server.context.Tx`."""
