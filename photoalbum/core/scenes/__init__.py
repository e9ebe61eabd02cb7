"""Scenes, events and near-duplicates: the library grouped by content and time, from embeddings."""

from __future__ import annotations

from photoalbum.core.scenes.clustering import (
    Clustering,
    ClusterParams,
    adjusted_rand_index,
    cluster_vectors,
)
from photoalbum.core.scenes.duplicates import DuplicateGroup, find_duplicates
from photoalbum.core.scenes.events import Event, EventParams, group_events
from photoalbum.core.scenes.naming import (
    FALLBACK_EN,
    FALLBACK_ZH,
    SceneNamer,
    VocabEntry,
    Vocabulary,
    VocabularyError,
    load_vocabulary,
)
from photoalbum.core.scenes.scene_index import Scene, SceneIndex
from photoalbum.core.scenes.service import ScenesService, scenes_dir

__all__ = [
    "FALLBACK_EN",
    "FALLBACK_ZH",
    "ClusterParams",
    "Clustering",
    "DuplicateGroup",
    "Event",
    "EventParams",
    "Scene",
    "SceneIndex",
    "SceneNamer",
    "ScenesService",
    "VocabEntry",
    "Vocabulary",
    "VocabularyError",
    "adjusted_rand_index",
    "cluster_vectors",
    "find_duplicates",
    "group_events",
    "load_vocabulary",
    "scenes_dir",
]
