"""What the CLI writes: JSON or human text on stdout, progress bars on stderr."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from photoalbum.core.indexer import IndexReport
    from photoalbum.core.ports import Photo
    from photoalbum.core.search import SearchResult


class Bars:
    """tqdm progress bars on stderr, one per stage; silent when quiet or not a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self._bars: dict[str, Any] = {}

    def update(self, stage: str, done: int, total: int, postfix: str = "") -> None:
        """Move the bar of ``stage`` to ``done`` of ``total`` (made on first use)."""
        if self.quiet:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = tqdm(
                total=total or None,
                desc=stage,
                file=sys.stderr,
                unit="",
                dynamic_ncols=True,
                leave=True,
                mininterval=0.25,
            )
            self._bars[stage] = bar
        if total and bar.total != total:
            bar.total = total
        bar.n = done
        if postfix:
            bar.set_postfix_str(postfix, refresh=False)
        bar.refresh()

    def close(self) -> None:
        """Finish every bar (safe to call more than once)."""
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()


def display(path: str) -> str:
    """A path as a person can read it: undecodable bytes escaped, newlines shown as \\n."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return text.replace("\n", "\\n")


def emit(args: argparse.Namespace, data: Any, human: str) -> None:
    """Print ``data`` as JSON with ``--json``, else the human text (if any)."""
    if getattr(args, "json", False):
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8: JSON \u escapes round-trip it
            text = json.dumps(data, ensure_ascii=True, indent=2, default=str)
        sys.stdout.write(text + "\n")
    elif human:
        print(human.encode("utf-8", "backslashreplace").decode("utf-8"))


def hits_json(result: SearchResult) -> dict[str, Any]:
    """A search result as JSON."""
    return {
        "query": result.query.describe(),
        "results": [
            {
                "id": h.photo.id,
                "path": h.photo.path,
                "files": list(h.photo.files),
                "score": round(h.score, 4),
                "term_scores": [round(s, 4) for s in h.term_scores],
                "keyword": h.keyword,
                "media": h.photo.media,
                **({"moment_s": round(h.moment_s, 3)} if h.moment_s is not None else {}),
            }
            for h in result.hits
        ],
        "candidates": result.candidates,
        "cut": result.cut,
        "threshold": None if result.threshold is None else round(result.threshold, 4),
        "seconds": round(result.seconds, 4),
    }


def hits_human(result: SearchResult) -> str:
    """A search result as lines of score and path."""
    if not result.hits:
        more = f" ({result.cut} weak matches hidden; use --all to see them)" if result.cut else ""
        return f"no matching photos{more}"
    lines = [f"{h.score:6.2f}  {display(h.photo.path)}{_at(h.moment_s)}" for h in result.hits]
    if result.cut:
        lines.append(f"({result.cut} weaker matches hidden; --all shows them)")
    return "\n".join(lines)


def _at(moment_s: float | None) -> str:
    if moment_s is None:
        return ""
    from photoalbum.core.video import moment_label  # the GUI writes times the same way

    return f" @ {moment_label(moment_s)}"


def photo_json(p: Photo, place: dict[str, Any] | None = None) -> dict[str, Any]:
    """One item's details: its files (the face first, then a RAW or Live Photo movie), date
    (and whether the user corrected it), place (``Library.place_of``), size, camera, state."""
    meta = p.meta
    d = p.date
    return {
        "id": p.id,
        "path": p.path,
        "files": list(p.files),
        "companions": [{"path": c.path, "role": c.role, "size": c.size} for c in p.companions],
        "media": p.media,
        "status": p.status.value,
        "reason": p.reason,
        "date": d.value.isoformat(timespec="seconds"),
        "approximate": d.approximate,
        "date_corrected": d.corrected,
        "place": place,
        "size": p.size,
        "width": meta.width if meta else None,
        "height": meta.height if meta else None,
        "camera": _camera(p),
        "duration_s": meta.duration_s if meta else None,
    }


def _camera(p: Photo) -> str | None:
    if p.meta is None:
        return None
    return " ".join(x for x in (p.meta.camera_make, p.meta.camera_model) if x) or None


def photo_human(p: Photo, place: dict[str, Any] | None = None) -> str:
    """One item's details as lines: id and path, every file with its role, date, place, state."""
    info = photo_json(p, place)
    lines = [f"photo:{p.id}  {display(p.path)}", f"  file:    {display(p.path)}"]
    lines += [f"  {c.role + ':':8s} {display(c.path)}" for c in p.companions]
    mark = " (corrected)" if info["date_corrected"] else ""
    mark = mark or (" (file date)" if info["approximate"] else "")
    lines.append(f"  date:    {p.date.value:%Y-%m-%d %H:%M:%S}{mark}")
    if place is not None:
        fixed = " (corrected)" if place.get("corrected") else ""
        lines.append(f"  place:   {place.get('label')}{fixed}")
    if info["width"]:
        lines.append(f"  size:    {info['width']}×{info['height']}, {p.size} bytes")
    if info["camera"]:
        lines.append(f"  camera:  {info['camera']}")
    reason = f" ({p.reason})" if p.reason else ""
    lines.append(f"  status:  {p.status.value}{reason}")
    return "\n".join(lines)


_REPORT_COUNTS = (
    "scanned",
    "unchanged",
    "new",
    "changed",
    "moved",
    "copied",
    "touched",
    "gone",
    "indexed",
    "failed",
    "paired",
    "cancelled",
)


def report_json(report: IndexReport) -> dict[str, Any]:
    """An index report as JSON."""
    d: dict[str, Any] = {k: getattr(report, k) for k in _REPORT_COUNTS}
    d["seconds"] = round(report.seconds, 3)
    d["rate"] = round(report.rate, 2)
    d["failures"] = [{"path": p, "reason": r} for p, r in report.failures]
    d["scan_errors"] = [{"path": p, "reason": r} for p, r in report.scan_errors]
    if report.passes is not None:
        d["passes"] = {
            name: {"done": report.passes.done[name], "failed": report.passes.failed[name]}
            for name in report.passes.done
        }
        d["passes_seconds"] = round(report.passes.seconds, 3)
    return d


def report_human(report: IndexReport) -> str:
    """An index report as a summary line and the first failures."""
    lines = [
        f"scanned {report.scanned} files: {report.indexed} indexed, {report.failed} failed, "
        f"{report.unchanged} unchanged, {report.moved} moved, {report.copied} copies, "
        f"{report.gone} gone ({report.seconds:.1f} s, {report.rate:.1f} photos/s)"
    ]
    for path, reason in report.failures[:20]:
        lines.append(f"  skipped {display(path)}: {reason}")
    if len(report.failures) > 20:
        lines.append(f"  … and {len(report.failures) - 20} more (see 'photoalbum status')")
    for path, reason in report.scan_errors[:10]:
        lines.append(f"  could not scan {display(path)}: {reason}")
    if report.passes is not None:
        for name in report.passes.done:
            lines.append(
                f"pass {name}: {report.passes.done[name]} done, "
                f"{report.passes.failed[name]} failed ({report.passes.seconds:.1f} s)"
            )
        for name, path, reason in report.passes.failures[:10]:
            lines.append(f"  {name}: skipped {display(path)}: {reason}")
    return "\n".join(lines)


def passes_human(passes: list[dict[str, Any]]) -> list[str]:
    """The background passes' state, a line each plus their first failures."""
    lines = []
    for p in passes:
        state = "on" if p["enabled"] else "off"
        lines.append(
            f"pass {p['name']} ({state}): {p['done']} done, {p['failed']} failed, {p['todo']} to do"
        )
        for f in p["failures"][:10]:
            lines.append(f"  failed {display(f['path'])}: {f['reason']}")
    return lines
