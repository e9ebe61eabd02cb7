"""Tests of the Qt workers (indexing, search, thumbnails, model preparation)."""
