"""INT8 copies of ONNX towers and the ORT sessions that measure them (onnxruntime, no torch)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from photoalbum.core.errors import BugError


def quantize_tower(fp32: Path, int8: Path) -> None:
    """INT8 copy of a tower; see :func:`photoalbum.core.models.onnx_files.quantize_int8`."""
    from photoalbum.core.models.onnx_files import quantize_int8

    try:
        quantize_int8(fp32, int8)
    except Exception as exc:  # onnxruntime.quantization raises assorted errors
        raise BugError(f"INT8 quantization of {fp32.name} failed: {exc}") from exc


def make_session(path: Path, threads: int) -> Any:
    """An ORT CPU session configured like the run-time encoder's (no spin-waiting either).

    Without spinning, the process CPU time of a run is the work it did, which is what
    :func:`photoalbum.core.models.int8.acceptance.time_ms` measures (see there).
    """
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


def run_all(session: Any, feeds: Sequence[dict[str, np.ndarray]]) -> np.ndarray:
    """Concatenated first outputs of session over feeds."""
    return np.concatenate([session.run(None, f)[0] for f in feeds], axis=0).astype(np.float32)
