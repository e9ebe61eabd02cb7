"""The window's controllers: what the grid shows for a search, what the side panel's groups list."""
