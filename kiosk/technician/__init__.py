"""Technician tools: the ``devices`` CLI and the PIN-protected screen in the kiosk."""
