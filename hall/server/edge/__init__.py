"""The HTTP edge: what happens to a connection and a request before any route sees it (docs/security.md §8)."""
