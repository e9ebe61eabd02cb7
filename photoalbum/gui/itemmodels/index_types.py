"""The index type Qt's model and delegate virtuals are called with (plain or persistent)."""

from __future__ import annotations

from typing import TypeAlias

from photoalbum.qt import QtCore

#: What Qt may pass to an overridden ``data``, ``flags``, ``rowCount``, ``paint``... (PySide6
#: declares both); an override must accept either.
AnyIndex: TypeAlias = QtCore.QModelIndex | QtCore.QPersistentModelIndex
