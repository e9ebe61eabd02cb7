"""The library's vector store: opened once, kept in step with the catalog, repaired, migrated."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photoalbum.core.errors import LibraryLockedError, UserError
from photoalbum.core.models.store import PreparedModel
from photoalbum.core.ports import VectorStore
from photoalbum.core.vector_sync import sync_store
from photoalbum.core.vectorstore import HnswStore
from photoalbum.core.writer_lock import WriterLock
from photoalbum.persistence.catalog import SqlCatalog
from photoalbum.stores.uri import StoreTarget, parse_store_uri

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.stores.milvus import MilvusStore

logger = logging.getLogger(__name__)

#: Catalog settings: the library's vector store URI (never a token) and its id (Milvus collections).
STORE_SETTING = "vector_store"
LIBRARY_ID_SETTING = "library_id"


@dataclass(frozen=True)
class StoreInfo:
    """Where the library's vectors live and how far they are in step with the catalog.

    ``vectors``, ``generation``, ``catalog_generation`` and ``collection`` are known only once
    the library has vectors (a model was recorded); before that they are None.
    """

    vector_store: str
    kind: str
    recorded: str | None
    vectors: int | None = None
    generation: int | None = None
    catalog_generation: int | None = None
    collection: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``store info --json`` dict (the counts only once there are vectors)."""
        out: dict[str, Any] = {
            "vector_store": self.vector_store,
            "kind": self.kind,
            "recorded": self.recorded,
        }
        if self.vectors is not None:
            out.update(
                {
                    "vectors": self.vectors,
                    "generation": self.generation,
                    "catalog_generation": self.catalog_generation,
                    "collection": self.collection,
                }
            )
        return out


class LibraryVectors:
    """The vector store of one open library (the embedded hnswlib index or a Milvus collection).

    Args:
        catalog: the library's catalog (the source of truth the store is kept in step with).
        index_dir: where the embedded index files live.
        target: the store to use (parsed URI).
        token: the Milvus token given for this run (a migration to Milvus reuses it).
        model: the library's model, prepared on first use.
        writer: the library's writer lock (``writer(who)``).
    """

    def __init__(
        self,
        catalog: SqlCatalog,
        index_dir: Path,
        target: StoreTarget,
        *,
        token: str | None,
        model: Callable[[], PreparedModel],
        writer: Callable[[str], WriterLock],
    ) -> None:
        self.catalog = catalog
        self.index_dir = index_dir
        self.target = target
        self._token = token
        self._model = model
        self._writer = writer
        self._store: HnswStore | MilvusStore | None = None

    @property
    def model_key(self) -> str:
        """The key the library's vectors are stored under."""
        return self._model().model_key

    def index_path(self) -> Path:
        """The embedded index file of the library's model."""
        return self.index_dir / f"{self._model().path.name}.hnsw"

    def store(self) -> VectorStore:
        """The vector index, loaded (or rebuilt) once, then kept in step with the catalog.

        A new generation written by another process (the app's indexer, a CLI ``index``) is
        picked up incrementally from the catalog, the source of truth: only the vectors added or
        removed since are applied. Reloading the saved file instead would hold the GIL for the
        whole hnswlib load (~2 s at 100k vectors) and freeze a GUI thread after every save.
        """
        if self.target.is_milvus:
            return self._milvus_store(locked=False)
        path = self.index_path()
        if not isinstance(self._store, HnswStore) or self._store.path != path:
            self._store = HnswStore.open(path, self._model().dim)
        sync_store(self.catalog, self._store, self.model_key)
        return self._store

    def writable(self) -> VectorStore:
        """The store for a caller holding the writer lock (a Milvus store is repaired here)."""
        if self.target.is_milvus:
            return self._milvus_store(locked=True)
        return self.store()

    def save_if_stale(self) -> None:
        """For a caller holding the writer lock (the end of an ``index`` run): save the embedded
        index unless its saved pair loads and matches the catalog. A run that changed nothing
        never opened the store, so a broken or stale file would otherwise stay so and every
        reader would rebuild the index (minutes at 100k photos) on every start."""
        if self.target.is_milvus:
            return  # Milvus records its generation as it is repaired or written
        gen = self.catalog.generation(self.model_key)
        path = self.index_path()
        store = self._store
        if isinstance(store, HnswStore) and store.path == path:
            sync_store(self.catalog, store, self.model_key)
            if store.saved_generation != store.generation:
                store.save(gen)
            return
        if gen == 0 and not path.exists():
            return  # nothing indexed yet: nothing to save
        if HnswStore.empty(self._model().dim, path=path).saved_generation_on_disk() == gen:
            return
        logger.info("vector index %s is broken or behind the catalog: saving it again", path)
        self.writable().save(gen)

    def library_id(self) -> str:
        """This library's id (names its Milvus collections), made on first use."""
        lid = self.catalog.get_setting(LIBRARY_ID_SETTING)
        if not lid:
            lid = uuid.uuid4().hex[:12]
            self.catalog.set_setting(LIBRARY_ID_SETTING, lid)
        return lid

    def open_milvus(self, target: StoreTarget) -> MilvusStore:
        """A new connection to the Milvus collection of this library and model at ``target``."""
        from photoalbum.stores.milvus import MilvusStore, collection_name

        prepared = self._model()
        lid = self.library_id()
        return MilvusStore.connect(
            target,
            prepared.dim,
            model_key=prepared.model_key,
            library_id=lid,
            collection=collection_name(lid, prepared.path.name),
        )

    def _milvus_store(self, *, locked: bool) -> MilvusStore:
        """The Milvus store, repaired against the catalog by whoever may write.

        A shared store must not be written by a reader: repair (core.vector_sync, then the new
        generation recorded in the collection) happens under the writer lock — the caller's, or
        taken here if free. While another process writes, a reader searches what Milvus holds
        (that writer applies and records its own batches).
        """
        from photoalbum.stores.milvus import MilvusStore

        if not isinstance(self._store, MilvusStore):
            self._store = self.open_milvus(self.target)
        store = self._store
        gen = self.catalog.generation(self.model_key)
        if store.generation == gen:
            return store
        if store.refresh() == gen:
            store.generation = gen
            return store
        if locked:
            self._repair(store, gen)
        else:
            try:
                with self._writer("repair vector store"):
                    self._repair(store, self.catalog.generation(self.model_key))
            except LibraryLockedError:
                logger.info("vector store: another process is writing; searching what it holds")
                store.generation = gen
        return store

    def _repair(self, store: MilvusStore, gen: int) -> None:
        store.generation = store.recorded_generation
        sync_store(self.catalog, store, self.model_key)
        store.save(gen)

    def info(self, *, has_vectors: bool) -> StoreInfo:
        """Where the vectors live; with ``has_vectors``, the store is opened and counted."""
        recorded = self.catalog.get_setting(STORE_SETTING)
        if not has_vectors:
            return StoreInfo(self.target.display(), self.target.kind, recorded)
        store = self.store()
        return StoreInfo(
            self.target.display(),
            self.target.kind,
            recorded,
            vectors=len(store),
            generation=int(store.generation),
            catalog_generation=self.catalog.generation(self.model_key),
            collection=getattr(store, "collection", None),
        )

    def migrate(
        self,
        to: str,
        token: str | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """Copy the vectors into the store at ``to`` and make it the library's store.

        Runs under the writer lock: the current store is first brought in step with the catalog,
        then its vectors are copied (no re-encoding), the copy is checked, the new store records
        the catalog generation and the library setting switches to ``to``. The old store is left
        as it was (delete it yourself once the new one serves you).
        """
        from photoalbum.stores.migrate import copy_vectors

        target = parse_store_uri(to, token if token is not None else self._token)
        if target.display() == self.target.display():
            raise UserError(f"the library already uses {target.display()}")
        with self._writer("store migrate"):
            src = self.writable()
            gen = self.catalog.generation(self.model_key)
            dst: VectorStore
            if target.is_milvus:
                dst = self.open_milvus(target)
            else:
                dst = HnswStore.empty(
                    self._model().dim, path=self.index_path(), capacity_hint=max(1024, len(src))
                )
            try:
                report = copy_vectors(src, dst, on_progress=on_progress)
                dst.save(gen)
            finally:
                if dst is not src:
                    dst.close()
            self.catalog.set_setting(STORE_SETTING, target.display())
        old = self.target.display()
        self.close()
        self.target = target
        return {
            "from": old,
            "to": target.display(),
            "vectors": report.copied,
            "removed_stale": report.removed,
            "generation": gen,
            "seconds": round(report.seconds, 3),
        }

    def close(self) -> None:
        """Release the store (a Milvus connection); the next :meth:`store` opens it again."""
        if self._store is not None:
            self._store.close()
        self._store = None
