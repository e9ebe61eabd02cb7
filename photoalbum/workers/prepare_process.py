"""Child-process entry point that prepares or imports a model for the GUI (torch loads only here).

Run as ``python -m photoalbum.workers.prepare_process --models-dir M --downloads-dir D [--import
PATH] -- SPEC``. Progress goes to stderr as ``PHOTOALBUM-PROGRESS {json}`` lines; the result is
one JSON object on stdout: ``{"ok": true, "message": …}`` or ``{"ok": false, "kind": "offline" |
"known" | "bug", "message": …}``. This module is a process entry point (a composition root of its
own), which is why it may wire the engine's store and preparer together.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from photoalbum.core.errors import KnownError, OfflineError
from photoalbum.workers.model_prep import PROGRESS_PREFIX

logger = logging.getLogger(__name__)


def _progress(stage: str, done: int, total: int) -> None:
    sys.stderr.write(
        PROGRESS_PREFIX
        + json.dumps({"stage": stage, "done": done, "total": total}, ensure_ascii=False)
        + "\n"
    )
    sys.stderr.flush()


def offline_help(spec_name: str, models_dir: Path, folder: str) -> str:
    """What to do when a model can't be downloaded."""
    text = (
        f"This computer is offline (or the model hub can't be reached), so {spec_name} can't "
        "be downloaded now. Connect and try again (a partial download resumes)"
        " — or bring the model on a USB stick: on a computer with internet, download the "
        "model's folder (e.g. immich's ONNX export from the Hugging Face hub, as a folder "
        "or a .zip/.tar.gz) or an open_clip checkpoint, then use “Import model file or "
        "folder…” here"
    )
    return text + (
        f". On another computer, 'photoalbum model install {spec_name}' (or 'photoalbum model "
        f"prepare {spec_name}') makes a model folder '{folder}' that can be copied into "
        f"{models_dir}."
    )


def run(
    spec_name: str, models_dir: Path, downloads_dir: Path, import_path: str | None = None
) -> dict:
    """Prepare (or import) the model; returns the JSON-able result."""
    from photoalbum.core.models.registry import resolve_spec
    from photoalbum.core.models.store import ModelStore

    spec = resolve_spec(spec_name)
    store = ModelStore(models_dir, downloads_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    downloads_dir.mkdir(parents=True, exist_ok=True)
    if import_path:
        from photoalbum.install.archive import is_archive
        from photoalbum.install.service import install_model

        source = Path(import_path).expanduser()
        if source.is_dir() or (source.is_file() and is_archive(source)):
            # a prepared model or a ready-made ONNX export (immich's layout), maybe archived
            prepared = install_model(store, spec, source, _progress)
        elif source.is_file():  # an open_clip checkpoint: export it (needs the prepare extra)
            import functools

            from photoalbum.library import default_preparer

            preparer = default_preparer()
            if preparer is None:
                return {
                    "ok": False,
                    "kind": "known",
                    "message": "Importing a checkpoint needs the 'prepare' extra (torch, "
                    "open_clip): pip install 'photoalbum[prepare]'; a prepared folder imports "
                    "without it.",
                }
            prepared = store.ensure(spec, functools.partial(preparer, checkpoint=source), _progress)
        else:
            return {"ok": False, "kind": "known", "message": f"no such file or folder: {source}"}
    elif (ready := store.get(spec)) is not None:
        prepared = ready  # already prepared (e.g. copied in): no torch needed
    elif spec.ready_made is not None:
        from photoalbum.install.service import install_model

        prepared = install_model(store, spec, None, _progress)  # download ONNX towers: no torch
    else:
        from photoalbum.library import default_preparer

        preparer = default_preparer()
        if preparer is None:
            return {
                "ok": False,
                "kind": "known",
                "message": "Preparing a model needs the 'prepare' extra (torch, open_clip): "
                "pip install 'photoalbum[prepare]'; or import a prepared model.",
            }
        prepared = store.ensure(spec, preparer, _progress)
    return {
        "ok": True,
        "message": f"prepared {spec.name}",
        "model_key": prepared.model_key,
        "random_weights": bool(prepared.random_weights),
        "path": str(prepared.path),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the child process; exit code 0 on success."""
    parser = argparse.ArgumentParser(prog="photoalbum-prepare")
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--downloads-dir", required=True)
    parser.add_argument("--import", dest="import_path")
    parser.add_argument("spec")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    models_dir = Path(args.models_dir)
    try:
        result = run(args.spec, models_dir, Path(args.downloads_dir), args.import_path)
    except OfflineError as exc:
        logger.warning("offline: %s", exc)
        from photoalbum.core.models.registry import resolve_spec

        spec = resolve_spec(args.spec)
        result = {
            "ok": False,
            "kind": "offline",
            "message": offline_help(spec.name, models_dir, spec.slug),
        }
    except KnownError as exc:
        result = {"ok": False, "kind": "known", "message": str(exc)}
    except Exception as exc:  # a bug: report it with the traceback in the log
        traceback.print_exc()
        result = {"ok": False, "kind": "bug", "message": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0 if result.get("ok") else 1


if __name__ == "__main__":  # pragma: no cover - run as a child process
    raise SystemExit(main())
