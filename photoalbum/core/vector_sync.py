"""Keep the derived vector index in step with the catalog (the source of truth)."""

from __future__ import annotations

import logging

import numpy as np

from photoalbum.core.errors import KnownError
from photoalbum.core.ports import Catalog, VectorStore

logger = logging.getLogger(__name__)


def sync_store(catalog: Catalog, store: VectorStore, model_key: str) -> bool:
    """Apply to ``store`` what the catalog has that it lacks (and drop what the catalog dropped).

    Compares the generation the store reflects with the catalog's; on a mismatch applies the
    missing adds and deletes (vectors re-read for ids whose embedding changed since the store's
    generation, where the catalog can tell). Does not save; the writer saves. Returns True if
    anything changed. The store holds *labels*: items' ids and videos' further moments
    (:meth:`Catalog.live_labels`).
    """
    gen = catalog.generation(model_key)
    if store.generation == gen:
        return False
    live = catalog.live_labels(model_key)
    have = store.ids()
    add = np.setdiff1d(live, have, assume_unique=False)
    drop = np.setdiff1d(have, live, assume_unique=False)
    since = getattr(catalog, "labels_changed_since", None)
    if since is not None and store.generation >= 0:
        changed = np.asarray(since(model_key, store.generation), dtype=np.int64)
        add = np.union1d(add, np.intersect1d(changed, live))
    elif store.generation >= 0 and len(have):
        # Cannot tell which vectors changed: compare them (once, after a crash or a reader lag).
        common = np.intersect1d(live, have)
        if len(common):
            ids, vecs = catalog.label_vectors(model_key, common.tolist())
            cur = store.get(ids)
            differ = ids[np.any(np.abs(cur - vecs) > 1e-6, axis=1)]
            add = np.union1d(add, differ)
    if len(drop):
        store.remove(drop)
    if len(add):
        ids, vecs = catalog.label_vectors(model_key, add.tolist())
        if len(ids) and vecs.ndim == 2 and vecs.shape[1] != store.dim:
            # the model's manifest was edited (or its files swapped) after these were made
            raise KnownError(
                f"the library's vectors for {model_key} are {vecs.shape[1]}-d but the model says "
                f"{store.dim}-d: the model is damaged; install or prepare it again"
            )
        if len(ids):
            store.add(ids, vecs)
    logger.info(
        "vector index %s: generation %d → %d (+%d −%d)",
        model_key,
        store.generation,
        gen,
        len(add),
        len(drop),
    )
    store.generation = gen
    return bool(len(add) or len(drop))
