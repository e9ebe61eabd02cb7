"""Fills the placeholders of translated texts (Qt's ``QString::arg``) for the workers and the GUI."""

from __future__ import annotations

import re

from photoalbum.qt import QtCore


def arg(text: str, *values: object) -> str:
    """``text`` (translated) with ``%1``, ``%2``… replaced by ``values``: Qt's ``QString::arg``.

    Translators may reorder the placeholders. Integers are written in the UI locale (with its
    thousands separators, as ``%Ln`` writes counts); other values with ``str()``. One pass: a
    value holding "%2" is not replaced again.
    """

    def value(match: re.Match[str]) -> str:
        v = values[int(match.group(1)) - 1]
        if isinstance(v, int) and not isinstance(v, bool):
            return QtCore.QLocale().toString(v)
        return str(v)

    return re.sub(r"%([1-9])", value, text)
