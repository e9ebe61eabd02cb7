"""Finds the files shipped in ``resources/`` (scene vocabulary, icons, desktop files) wherever
photoalbum runs: an installed wheel, a frozen app or a source checkout — the one place that knows.

A wheel and the frozen app carry ``resources/`` inside the package as ``photoalbum/resources``
(``setup.py`` copies it at build time, ``packaging/photoalbum.spec`` bundles it); a source checkout
has it at the top of the tree, next to ``photoalbum/``.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

#: A file every complete resources dir holds (tells a real one from a stray empty dir).
_MARKER = Path("scenes") / "vocabulary.tsv"


def candidate_dirs() -> list[Path]:
    """Where resources may be, in the order they are tried: packaged first, then the checkout."""
    packaged = Path(str(importlib.resources.files("photoalbum"))) / "resources"
    checkout = Path(__file__).resolve().parents[2] / "resources"
    return [packaged, checkout]


def resources_dir() -> Path:
    """The resources dir of this installation.

    Raises:
        FileNotFoundError: none of the candidates holds the resources (a broken installation).
    """
    tried = candidate_dirs()
    for d in tried:
        if (d / _MARKER).is_file():
            return d
    raise FileNotFoundError(
        "photoalbum's resources are missing (looked in " + ", ".join(map(str, tried)) + ")"
    )


def resource_path(*parts: str) -> Path:
    """A file or folder under the resources dir, e.g. ``resource_path("scenes", "vocabulary.tsv")``."""
    return resources_dir().joinpath(*parts)
