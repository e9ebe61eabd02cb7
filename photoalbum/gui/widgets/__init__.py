"""Widgets of the main window: search bar, filter bar, side panel, grid view, status, pages."""
