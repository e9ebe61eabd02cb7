"""Qt adaptors over the headless engine: worker threads for indexing, searching and thumbnails."""
