"""Persistence: the SQLite catalog (SQLAlchemy) that implements core's storage port."""

from photoalbum.persistence.catalog import SqlCatalog, open_catalog
from photoalbum.persistence.database import (
    CatalogCorruptError,
    CatalogLockedError,
    DiskFullError,
)

__all__ = [
    "CatalogCorruptError",
    "CatalogLockedError",
    "DiskFullError",
    "SqlCatalog",
    "open_catalog",
]
