"""Model and vector-store commands: model list/prepare/import/install/info, store info/migrate."""

from __future__ import annotations

import argparse
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photoalbum.cli.libraries import cli_paths, open_library
from photoalbum.cli.output import Bars, emit
from photoalbum.core.errors import KnownError
from photoalbum.core.paths import Paths

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.models.store import ModelStore, PreparedModel


def _model_rows(store: ModelStore) -> list[dict[str, Any]]:
    from photoalbum.core.models.registry import DEFAULT_MODEL, list_models

    installed = {m.model_key: m for m in store.installed()}
    rows = []
    for spec in list_models():
        # unverified here: one damaged model must not make the whole listing fail
        prepared = store.get(spec, verify=False)
        row: dict[str, Any] = {
            "name": spec.name,
            "languages": list(spec.languages),
            "default": spec.name == DEFAULT_MODEL,
            "prepared": prepared is not None,
            "description": spec.description,
            "published": spec.published,
        }
        if prepared is not None and _damaged(prepared):
            row["damaged"] = True
        rows.append(row)
    listed = {r["name"] for r in rows}
    for m in installed.values():  # prepared models outside the registry (random:…, imports)
        if m.name not in listed:
            rows.append(
                {
                    "name": m.name,
                    "languages": [],
                    "default": False,
                    "prepared": True,
                    "random_weights": m.random_weights,
                }
            )
    return rows


def _damaged(prepared: PreparedModel) -> bool:
    """True when a file differs from its recorded SHA-256 (cheap once checked: cached)."""
    from photoalbum.core.models.integrity import ModelFilesDamagedError

    try:
        prepared.verify()
    except ModelFilesDamagedError:
        return True
    return False


def _state(row: dict[str, Any]) -> str:
    if row.get("damaged"):
        return "damaged"
    return "prepared" if row["prepared"] else "-"


def _model_list(args: argparse.Namespace, store: ModelStore) -> int:
    rows = _model_rows(store)
    human = (
        "\n".join(
            f"{'*' if r.get('default') else ' '} {r['name']:<32} "
            f"{_state(r):<9} {', '.join(r.get('languages', []))}"
            for r in rows
        )
        + "\n(* default; random:ARCH gives random weights for tests/benchmarks only)"
    )
    emit(args, rows, human)
    return 0


def cmd_model(args: argparse.Namespace, bars: Bars) -> int:
    """List, prepare, import, install and inspect models."""
    from photoalbum.core.models.registry import DEFAULT_MODEL, resolve_spec
    from photoalbum.core.models.store import ModelStore
    from photoalbum.library import default_preparer

    paths = cli_paths(args)
    store = ModelStore(paths.models, paths.downloads)
    if args.model_command == "list":
        return _model_list(args, store)
    if args.model_command == "install":
        return _model_install(args, bars, store, paths)
    spec = resolve_spec(args.spec or args.model or DEFAULT_MODEL)
    if args.model_command == "prepare":
        paths.ensure_models()
        prepared = store.ensure(
            spec,
            default_preparer(),
            lambda s, d, t: bars.update(s, d, t),
            repair=args.force,  # a damaged copy is replaced only when asked to
        )
        bars.close()
        emit(args, prepared.info(), f"prepared {spec.name} in {prepared.path}")
        return 0
    if args.model_command == "import":
        paths.ensure_models()
        from photoalbum.install.archive import is_archive
        from photoalbum.install.service import install_model

        source = Path(args.path).expanduser()
        if source.is_dir() or (source.is_file() and is_archive(source)):
            # a prepared model or ready-made ONNX towers (immich's layout), maybe archived
            prepared = install_model(store, spec, source, lambda s, d, t: bars.update(s, d, t))
            bars.close()
        elif source.is_file():
            preparer = default_preparer()
            if preparer is None:
                raise KnownError(
                    "importing a checkpoint needs the 'prepare' extra (torch, "
                    "open_clip): pip install 'photoalbum[prepare]'"
                )
            prepared = store.ensure(
                spec,
                functools.partial(preparer, checkpoint=source),
                lambda s, d, t: bars.update(s, d, t),
            )
            bars.close()
        else:
            raise KnownError(f"no such file or folder: {args.path}")
        emit(args, prepared.info(), f"imported {spec.name} into {prepared.path}")
        return 0
    found = store.get(spec)
    if found is None:
        raise KnownError(
            f"model {spec.name} is not prepared yet: run 'photoalbum model prepare {spec.name}'"
        )
    emit(args, found.info(), _model_info_human(found))
    return 0


def _model_install(args: argparse.Namespace, bars: Bars, store: ModelStore, paths: Paths) -> int:
    from photoalbum.core.models.registry import DEFAULT_MODEL, resolve_spec
    from photoalbum.install.service import install_model

    source = args.source
    spec_name = args.spec or args.model or DEFAULT_MODEL
    if source is not None and not Path(source).expanduser().exists():
        spec_name, source = source, None  # a registry name: download it
    spec = resolve_spec(spec_name)
    paths.ensure_models()
    try:
        prepared = install_model(store, spec, source, lambda s, d, t: bars.update(s, d, t))
    finally:
        bars.close()
    info = prepared.info()
    lines = [f"installed {spec.name} in {prepared.path}"]
    src = info.get("source") or {}
    if src.get("kind") == "ready-made" and not src.get("verified", False):
        lines.append(
            "WARNING: UNVERIFIED files (neither the registry nor the hub gives a checksum): "
            + ", ".join(src.get("unverified_files") or ["all"])
        )
    emit(args, info, "\n".join(lines))
    return 0


def _model_info_human(prepared: PreparedModel) -> str:
    from photoalbum.core.models.int8.selfcheck import summary

    info = prepared.info()
    lines = [
        f"{info['name']}  ({info['model_key']}, {info['dim']}-d, "
        f"{info['size_bytes'] / 1e6:.0f} MB)",
        f"path: {info['path']}",
    ]
    if info["random_weights"]:
        lines.append(info["label"])
    for tower, t in info["towers"].items():
        lines.append(f"{tower} tower: {t['default_precision']} — {t['decision'] or 'prepared'}")
    lines.append(summary(prepared.manifest))
    src = info.get("source") or {}
    if src:
        verified = "verified" if src.get("verified") else "UNVERIFIED"
        lines.append(
            f"source: {src.get('kind')} {src.get('repo') or src.get('path') or ''} ({verified})"
        )
        if src.get("commit"):
            lines.append(f"commit: {src['commit']}")
        for name, how in sorted((src.get("checked_by") or {}).items()):
            lines.append(f"  {name}: checked by {how}")
    lines.extend(f"warning: {w}" for w in info["warnings"])
    return "\n".join(lines)


def cmd_store(args: argparse.Namespace, bars: Bars) -> int:
    """Which vector store the library uses; copy its vectors to another."""
    with open_library(args, bars) as lib:
        if args.store_command == "migrate":
            info = lib.migrate_store(args.to, on_progress=lambda d, t: bars.update("copy", d, t))
            bars.close()
            emit(
                args,
                info,
                f"copied {info['vectors']} vectors from {info['from']} to "
                f"{info['to']} in {info['seconds']:.1f} s; the library now uses "
                f"{info['to']} (the old store is left as it was)",
            )
            return 0
        info = lib.store_info().to_json()
    human = "\n".join(f"{k}: {v}" for k, v in info.items() if v is not None)
    emit(args, info, human)
    return 0
