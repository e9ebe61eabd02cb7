"""Download pretrained weights into the downloads dir (resumable), or fail with OfflineError."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from photoalbum.core.errors import OfflineError, UserError
from photoalbum.core.models.registry import ModelSpec

logger = logging.getLogger(__name__)

#: File names open_clip's hub repos use for full CLIP weights, preferred first.
HUB_WEIGHT_FILES = (
    "open_clip_model.safetensors",
    "open_clip_pytorch_model.safetensors",
    "open_clip_pytorch_model.bin",
)


#: A hub mirror to download from (an organisation's mirror; tests use a local server).
ENV_HUB_ENDPOINT = "PHOTOALBUM_HUB_ENDPOINT"


def offline_message(spec: ModelSpec, source: str, exc: BaseException) -> str:
    """What to tell a person when the weights can't be downloaded."""
    return (
        f"could not download the weights of {spec.name} from {source} "
        f"({type(exc).__name__}: {exc}). Check the internet connection and prepare again "
        f"(a partial download resumes). Without a network: download the checkpoint on another "
        f"machine and import that checkpoint ('photoalbum --model {spec.name} model import "
        f"FILE'), or import a model folder (ONNX towers) prepared elsewhere ('photoalbum --model {spec.name} model "
        f"import FOLDER')."
    )


def fetch_weights(spec: ModelSpec, downloads_dir: Path) -> Path:
    """The local checkpoint file of spec's pretrained tag, downloaded if not yet cached.

    huggingface_hub keeps partial files and resumes them on the next attempt.
    """
    import open_clip

    if spec.pretrained is None:
        raise UserError(f"{spec.name} has no pretrained weights to download")
    cfg = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained)
    if not cfg:
        raise UserError(f"open_clip knows no pretrained tag {spec.pretrained!r} for {spec.arch}")
    hub = cfg.get("hf_hub", "")
    if hub:
        # open_clip's convention: "org/repo/" (trailing slash) = default file names.
        repo, filename = os.path.split(hub)
        return _from_hub(
            spec, repo, [filename] if filename else list(HUB_WEIGHT_FILES), downloads_dir
        )
    url = cfg.get("url", "")
    if not url:
        raise UserError(f"open_clip lists no download for {spec.arch}/{spec.pretrained}")
    try:
        target = open_clip.download_pretrained_from_url(url, cache_dir=str(downloads_dir))
    except Exception as exc:  # urllib / http errors when offline
        raise OfflineError(offline_message(spec, url, exc)) from exc
    return Path(target)


def is_missing_on_hub(exc: BaseException) -> bool:
    """True if the hub answered that the repo or file does not exist (not a connection problem).

    LocalEntryNotFoundError (offline, not cached) is also an EntryNotFoundError: not "missing".
    """
    from huggingface_hub import errors

    if isinstance(exc, errors.LocalEntryNotFoundError):
        return False
    remote = getattr(errors, "RemoteEntryNotFoundError", errors.EntryNotFoundError)
    return isinstance(exc, (remote, errors.RepositoryNotFoundError))


def _from_hub(spec: ModelSpec, repo: str, filenames: list[str], downloads_dir: Path) -> Path:
    from huggingface_hub import hf_hub_download

    last: BaseException | None = None
    for name in filenames:
        try:
            logger.info("downloading %s/%s", repo, name)
            path = hf_hub_download(
                repo_id=repo,
                filename=name,
                cache_dir=str(downloads_dir / "hub"),
                endpoint=os.environ.get(ENV_HUB_ENDPOINT) or None,
            )
            return Path(path)
        except Exception as exc:  # offline: connection / local-entry errors of several kinds
            if is_missing_on_hub(exc):  # try the next file name
                last = exc
                continue
            raise OfflineError(offline_message(spec, f"huggingface.co/{repo}", exc)) from exc
    raise OfflineError(
        offline_message(
            spec, f"huggingface.co/{repo}", last or FileNotFoundError(", ".join(filenames))
        )
    )
