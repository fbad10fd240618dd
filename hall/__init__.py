"""The hall side: server, its typed client, counter terminal, calling display, dashboard."""
