"""One open library (catalog, vector store, model, passes, people): the engine's front door."""

from photoalbum.library.albums import (
    AlbumInfo,
    AlbumPhoto,
    ExportReport,
    LibraryAlbums,
    RestoreReport,
)
from photoalbum.library.library import (
    MODEL_SETTING,
    Library,
    default_preparer,
    refuse_to_prepare,
)
from photoalbum.library.model import LibraryModel, ModelProgress
from photoalbum.library.passes import LibraryPasses
from photoalbum.library.people import LibraryPeople
from photoalbum.library.search import LibrarySearch
from photoalbum.library.status import LibraryStatus, PassStatus
from photoalbum.library.vectors import LIBRARY_ID_SETTING, STORE_SETTING, LibraryVectors, StoreInfo

__all__ = [
    "AlbumInfo",
    "AlbumPhoto",
    "ExportReport",
    "LIBRARY_ID_SETTING",
    "MODEL_SETTING",
    "STORE_SETTING",
    "Library",
    "LibraryAlbums",
    "LibraryModel",
    "LibraryPasses",
    "LibraryPeople",
    "LibrarySearch",
    "LibraryStatus",
    "LibraryVectors",
    "ModelProgress",
    "PassStatus",
    "RestoreReport",
    "StoreInfo",
    "default_preparer",
    "refuse_to_prepare",
]
