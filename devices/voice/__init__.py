"""Voice announcements for calls and prompts."""
