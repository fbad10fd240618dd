"""Importing this module registers every page builder with the flow screen."""

from kiosk.screens import face, pages_basic, pages_form, pages_rate, pages_submit

__all__ = ["face", "pages_basic", "pages_form", "pages_rate", "pages_submit"]
