"""Qt screens: they render flow state and hand the citizen's touches back; no I/O here."""
