"""Vector-store adapters outside core: the store URI and the Milvus backend (``photoalbum[milvus]``).

core defines the :class:`~photoalbum.core.ports.VectorStore` port and ships the embedded hnswlib
store; this package holds the stores that talk to something outside the process (Milvus Lite's
file, a Milvus server or cluster) — like ``persistence`` for the catalog, an adapter layer that
core never imports. ``photoalbum.library`` picks one from a URI.
"""
