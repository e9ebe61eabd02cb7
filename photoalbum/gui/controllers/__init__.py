"""The main window's controllers: one job each (search, groups, indexing, folders, viewer, ...)."""
