"""Model preparation from weights (torch side): download, build open_clip models, export ONNX.

The only package that imports torch, open_clip or transformers; the app runs without it. What
preparation shares with the torch-free install path — INT8 copies, the rule that makes INT8 a
tower's default, sample inputs — lives in :mod:`photoalbum.core.models.int8`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.models.registry import ModelSpec
    from photoalbum.core.models.store import ProgressFn


def prepare_model(
    spec: ModelSpec,
    out_dir: Path,
    downloads_dir: Path,
    on_progress: ProgressFn | None = None,
    *,
    checkpoint: Path | None = None,
    threads: int | None = None,
) -> None:
    """Prepare spec into out_dir: satisfies ``photoalbum.core.models.store.Preparer``.

    See :func:`photoalbum.prepare.pipeline.prepare_model`.
    """
    from photoalbum.prepare.pipeline import prepare_model as _prepare

    _prepare(spec, out_dir, downloads_dir, on_progress, checkpoint=checkpoint, threads=threads)


__all__ = ["prepare_model"]
