"""The seed's naive indexing loop (the baseline): open_clip ViT-B-32, torch eager fp32, batch 32.

This is the textbook CLIP indexing loop (``encode_images``: preprocess, batch, encode, normalise)
with the only changes the setting forces: open_clip instead of OpenAI's ``clip`` package, random weights
(``torch.manual_seed(0)``, no download), CPU. Each photo is fully decoded by
``preprocess(Image.open(path))``, batches of 32 go through the torch image tower, and the features
are L2-normalised. Run it as a whole process (``python -m bench.seed_loop DIR``): the harness
times the process from outside, imports and model build included, like our own ``index`` process.
The process prints one JSON line with its own phase times and the number of photos encoded.
"""

from __future__ import annotations

import time

_T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402

logger = logging.getLogger(__name__)

ARCH = "ViT-B-32"
EXTENSIONS = ("jpg", "jpeg", "png")


def list_photos(image_dir: str) -> list[str]:
    """The photos of a folder, as the seed lists them (no recursion), sorted for repeatability."""
    return sorted(
        os.path.join(image_dir, f) for f in os.listdir(image_dir) if f.lower().endswith(EXTENSIONS)
    )


def run(image_dir: str, batch_size: int = 32, threads: int | None = None) -> dict:
    """Import torch/open_clip, build the model, encode every photo; returns phase times."""
    t0 = time.perf_counter()
    import numpy as np
    import open_clip
    import torch
    from PIL import Image

    if threads:
        torch.set_num_threads(threads)
    t_import = time.perf_counter()
    torch.manual_seed(0)
    model, _, preprocess = open_clip.create_model_and_transforms(ARCH, pretrained=None)
    model.eval()
    t_build = time.perf_counter()

    image_paths = list_photos(image_dir)
    all_features = []
    decode_s = 0.0
    with torch.no_grad():
        for i in range(0, len(image_paths), batch_size):
            batch_paths = image_paths[i : i + batch_size]
            td = time.perf_counter()
            batch_images = [preprocess(Image.open(path)).unsqueeze(0) for path in batch_paths]
            decode_s += time.perf_counter() - td
            batch_tensor = torch.cat(batch_images)
            batch_features = model.encode_image(batch_tensor)
            batch_features /= batch_features.norm(dim=-1, keepdim=True)
            all_features.append(batch_features.cpu().numpy())
    features = np.vstack(all_features) if all_features else np.zeros((0, 512), np.float32)
    t_done = time.perf_counter()
    norms = np.linalg.norm(features, axis=1) if len(features) else np.zeros(0)
    return {
        "n": int(len(features)),
        "dim": int(features.shape[1]) if features.ndim == 2 else 0,
        "unit_norm": bool(np.allclose(norms, 1.0, atol=1e-4)),
        "threads": int(torch.get_num_threads()),
        "interpreter_s": round(t0 - _T_START, 4),
        "import_s": round(t_import - t0, 4),
        "build_s": round(t_build - t_import, 4),
        "decode_preprocess_s": round(decode_s, 4),
        "encode_s": round(t_done - t_build - decode_s, 4),
        "loop_s": round(t_done - t_build, 4),
        "in_process_s": round(t_done - _T_START, 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m bench.seed_loop DIR [--batch-size 32] [--threads N]``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image_dir")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    args = ap.parse_args(argv)
    result = run(args.image_dir, args.batch_size, args.threads)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
