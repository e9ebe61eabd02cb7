"""Opening the library a command works on, from the global options."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from photoalbum.cli.output import Bars
from photoalbum.core.paths import Paths

if TYPE_CHECKING:  # pragma: no cover - the library loads on first use (fast --help)
    from photoalbum.library import Library


def cli_paths(args: argparse.Namespace) -> Paths:
    """The library and model dirs the global options name."""
    return Paths.resolve(library=args.library, models=args.models_dir)


def open_library(
    args: argparse.Namespace, bars: Bars, *, create: bool = False, **kw: Any
) -> Library:
    """Open the library for a command. Only commands that write photos in (``add``, ``index``,
    ``watch``) pass ``create=True``: a command that reads never makes an empty library where a
    mistyped ``--library`` points."""
    from photoalbum.library import Library

    return Library(
        cli_paths(args),
        model=args.model,
        precision=args.precision,
        threads=args.threads,
        on_model_progress=lambda s, d, t: bars.update(f"model: {s}", d, t),
        vector_store=getattr(args, "vector_store", None),
        vector_store_token=getattr(args, "vector_store_token", None),
        create=create,
        **kw,
    )


def paths_by_id(lib: Library, ids: Sequence[int]) -> dict[int, str]:
    """The file path of each of these photos, by photo id (ids not in the library left out)."""
    return {p.id: p.path for p in lib.photos(ids)}
