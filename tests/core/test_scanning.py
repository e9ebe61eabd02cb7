"""Tests for the photo scanner: exclusions, special files, loops, errors, and no content reads."""

from __future__ import annotations

import builtins
import contextlib
import io
import os
import threading
from pathlib import Path

import pytest

from photoalbum.core import scanning
from photoalbum.core.errors import PhotoDecodeError
from photoalbum.core.fingerprint import fingerprint
from photoalbum.core.imaging import decode_photo
from photoalbum.core.ports import FileInfo
from photoalbum.core.scanning import (
    PHOTO_EXTENSIONS,
    RAW_EXTENSIONS,
    NotRegularFileError,
    is_photo_name,
    is_raw_name,
    open_regular,
    sniff_bytes,
    sniff_format,
    walk_photos,
)
from tests.support.hostile import SCANNER_SKIPS, make_hostile_files
from tests.support.photos import snapshot

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


def _touch(path: Path, data: bytes = b"\xff\xd8\xff") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _names(root: Path, **kwargs) -> list[str]:
    return [os.path.relpath(f.path, root) for f in walk_photos(root, **kwargs)]


def _run_with_timeout(fn, timeout: float = 10.0):
    """Run fn in a daemon thread; fail (instead of hanging the suite) if it blocks."""
    result: dict[str, object] = {}

    def target() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:  # handed to the test thread
            result["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "blocked: something opened a FIFO or looped"
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


def test_photo_extensions_are_lowercase_with_dot() -> None:
    assert {".jpg", ".jpeg", ".jpe", ".mpo", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif", ".heic",
            ".heif", ".avif"} | RAW_EXTENSIONS == PHOTO_EXTENSIONS  # fmt: skip
    assert {".dng", ".cr2", ".cr3", ".nef", ".arw", ".raf", ".orf", ".rw2", ".pef",
            ".srw"} <= RAW_EXTENSIONS  # fmt: skip
    assert all(e.startswith(".") and e == e.lower() for e in PHOTO_EXTENSIONS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jpg", True),
        ("A.JPEG", True),
        ("x.Heic", True),
        ("stereo.MPO", True),
        ("DSC_0001.NEF", True),
        ("dir/IMG_1.cr3", True),
        ("dir/sub/photo.webp", True),
        ("/abs/photo.tif", True),
        ("photo.txt", False),
        ("jpg", False),
        ("photo.jpg.part", False),
        ("._photo.jpg", False),  # macOS AppleDouble companion
        ("dir/._photo.jpg", False),
        ("", False),
    ],
)
def test_is_photo_name(name: str, expected: bool) -> None:
    assert is_photo_name(name) is expected


def test_walk_yields_photos_with_stat_and_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _touch(tmp_path / "lib" / "a.jpg", b"x" * 10)
    b = _touch(tmp_path / "lib" / "sub" / "deeper" / "B.PNG", b"y" * 3)
    _touch(tmp_path / "lib" / "notes.txt")
    m = _touch(tmp_path / "lib" / "movie.mp4")  # videos are library items too
    monkeypatch.chdir(tmp_path)
    found = list(walk_photos(Path("lib")))  # relative root → absolute paths
    assert found == [
        FileInfo(str(a), 10, a.stat().st_mtime_ns),
        FileInfo(str(m), 3, m.stat().st_mtime_ns),
        FileInfo(str(b), 3, b.stat().st_mtime_ns),
    ]
    assert all(os.path.isabs(f.path) for f in found)


def test_walk_default_exclusions(tmp_path: Path) -> None:
    _touch(tmp_path / "keep.jpg")
    _touch(tmp_path / "sub" / "keep2.jpg")
    for excluded in (
        ".hidden.jpg",
        "._keep.jpg",
        ".hidden_dir/x.jpg",
        ".thumbnails/x.jpg",
        "@eaDir/keep.jpg/SYNOPHOTO_THUMB_XL.jpg",
        "sub/@eaDir/x.jpg",
        "#recycle/x.jpg",
        "$RECYCLE.BIN/x.jpg",
        "$Recycle.Bin/y.jpg",  # Windows names are case-insensitive
        "System Volume Information/x.jpg",
        "sub/.git/x.png",
    ):
        _touch(tmp_path / excluded)
    assert _names(tmp_path) == ["keep.jpg", os.path.join("sub", "keep2.jpg")]


def test_walk_order_is_by_name_and_depth_first(tmp_path: Path) -> None:
    for rel in ("b/2.jpg", "a/1.jpg", "c.jpg", "a/z/0.jpg", "0.jpg"):
        _touch(tmp_path / rel)
    assert _names(tmp_path) == ["0.jpg", "c.jpg", "a/1.jpg", "a/z/0.jpg", "b/2.jpg"]


def test_walk_follows_dir_symlinks_and_survives_loops(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    outside = tmp_path / "outside"
    _touch(lib / "a" / "1.jpg")
    _touch(outside / "2.jpg")
    os.symlink(outside, lib / "linked")
    os.symlink("..", lib / "a" / "up")  # loop back to lib
    os.symlink(".", lib / "self.jpg")  # a folder symlink with a photo name
    os.symlink(lib / "a", lib / "a_again")  # same folder twice: listed once
    os.symlink("dangling_target.jpg", lib / "broken.jpg")
    os.symlink("selfloop.jpg", lib / "selfloop.jpg")  # ELOOP on stat
    errors: list[tuple[str, str]] = []
    names = _run_with_timeout(lambda: _names(lib, on_error=lambda p, r: errors.append((p, r))))
    assert names == ["a/1.jpg", "linked/2.jpg"]  # each folder once, whatever the links
    assert errors == [(str(lib / "selfloop.jpg"), "symlink loop")]


def test_walk_follows_file_symlinks(tmp_path: Path) -> None:
    real = _touch(tmp_path / "elsewhere" / "real.jpg", b"abc")
    lib = tmp_path / "lib"
    lib.mkdir()
    os.symlink(real, lib / "alias.jpg")
    assert list(walk_photos(lib)) == [FileInfo(str(lib / "alias.jpg"), 3, real.stat().st_mtime_ns)]


@needs_fifo
def test_fifo_is_never_yielded_nor_opened(tmp_path: Path) -> None:
    _touch(tmp_path / "a.jpg")
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    # Opening a FIFO for reading blocks until a writer appears: each call would hang if it did.
    assert _run_with_timeout(lambda: _names(tmp_path)) == ["a.jpg"]
    assert _run_with_timeout(lambda: sniff_format(str(fifo))) is None
    with pytest.raises(NotRegularFileError):
        _run_with_timeout(lambda: open_regular(str(fifo)))
    with pytest.raises(OSError):
        _run_with_timeout(lambda: fingerprint(str(fifo)))
    with pytest.raises(PhotoDecodeError, match="not a regular file"):
        _run_with_timeout(lambda: decode_photo(str(fifo)))


@needs_fifo
def test_open_regular_checks_type_before_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.mkfifo(tmp_path / "pipe.jpg")
    opened: list[str] = []
    real_open = os.open

    def spy(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(scanning.os, "open", spy)
    for special in (tmp_path / "pipe.jpg", tmp_path):
        with pytest.raises(NotRegularFileError):
            open_regular(str(special))
    assert opened == []
    _touch(tmp_path / "a.jpg", b"abc")
    with open_regular(str(tmp_path / "a.jpg")) as f:
        assert f.read() == b"abc"
    assert opened == [str(tmp_path / "a.jpg")]


def test_walk_reads_no_file_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_hostile_files(tmp_path / "lib")
    _touch(tmp_path / "lib" / "sub" / "x.jpg")
    expected = _names(tmp_path / "lib")
    assert len(expected) > 10

    def forbidden(*args, **kwargs):
        raise AssertionError(f"walk_photos opened a file: {args!r}")

    monkeypatch.setattr(builtins, "open", forbidden)
    monkeypatch.setattr(io, "open", forbidden)
    monkeypatch.setattr(os, "open", forbidden)
    monkeypatch.setattr(scanning, "open_regular", forbidden)
    assert _run_with_timeout(lambda: _names(tmp_path / "lib")) == expected


def test_walk_reports_unlistable_folder_and_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _touch(tmp_path / "a" / "1.jpg")
    _touch(tmp_path / "locked" / "secret.jpg")
    _touch(tmp_path / "z" / "2.jpg")
    real_scandir = os.scandir
    locked = str(tmp_path / "locked")

    def scandir(path):
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(scanning.os, "scandir", scandir)
    errors: list[tuple[str, str]] = []
    names = _names(tmp_path, on_error=lambda p, r: errors.append((p, r)))
    assert names == ["a/1.jpg", "z/2.jpg"]
    assert errors == [(locked, "permission denied")]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root bypasses permission bits")  # fmt: skip
def test_walk_real_unreadable_folder(tmp_path: Path) -> None:
    _touch(tmp_path / "ok.jpg")
    locked = tmp_path / "locked"
    _touch(locked / "secret.jpg")
    locked.chmod(0o000)
    try:
        errors: list[tuple[str, str]] = []
        assert _names(tmp_path, on_error=lambda p, r: errors.append((p, r))) == ["ok.jpg"]
        assert errors == [(str(locked), "permission denied")]
    finally:
        locked.chmod(0o700)


def test_walk_missing_or_file_root_reports_and_yields_nothing(tmp_path: Path) -> None:
    errors: list[tuple[str, str]] = []
    assert list(walk_photos(tmp_path / "nope", on_error=lambda p, r: errors.append((p, r)))) == []
    f = _touch(tmp_path / "file.jpg")
    assert list(walk_photos(f, on_error=lambda p, r: errors.append((p, r)))) == []
    assert errors == [(str(tmp_path / "nope"), "folder not found"), (str(f), "not a folder")]


def test_walk_without_on_error_does_not_raise(tmp_path: Path, monkeypatch) -> None:
    def scandir(path):
        raise PermissionError(13, "Permission denied", os.fspath(path))

    monkeypatch.setattr(scanning.os, "scandir", scandir)
    assert list(walk_photos(tmp_path)) == []


def test_walk_cancelled(tmp_path: Path) -> None:
    for i in range(5):
        _touch(tmp_path / f"d{i}" / "x.jpg")
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    got = _names(tmp_path, cancelled=cancelled)
    assert 0 < len(got) < 5
    assert _names(tmp_path, cancelled=lambda: True) == []


def test_walk_is_lazy(tmp_path: Path) -> None:
    for i in range(3):
        _touch(tmp_path / f"{i}.jpg")
    it = walk_photos(tmp_path)
    first = next(it)
    assert first.path.endswith("0.jpg")


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
        (b"GIF89a\x01\x00", "gif"),
        (b"GIF87a\x01\x00", "gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        (b"RIFF\x10\x00\x00\x00AVI LIST", None),
        (b"II*\x00\x08\x00\x00\x00", "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),
        (b"BM" + b"\x00" * 12 + (40).to_bytes(4, "little"), "bmp"),
        (b"BM is the start of this text file", None),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "avif"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avif", "avif"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", None),
        (b"%PDF-1.7", None),
        (b"hello", None),
        (b"", None),
        (b"\xff\xd8", None),
        (b"II*\x00\x10\x00\x00\x00CR\x02\x00", "raw"),  # Canon CR2
        (b"\x00\x00\x00\x18ftypcrx \x00\x00\x00\x01crx isom", "raw"),  # Canon CR3
        (b"FUJIFILMCCD-RAW 0201FF383501", "raw"),
        (b"IIRO\x08\x00\x00\x00", "raw"),  # Olympus ORF
        (b"IIRS\x08\x00\x00\x00", "raw"),
        (b"MMOR\x00\x00\x00\x08", "raw"),
        (b"IIU\x00\x18\x00\x00\x00", "raw"),  # Panasonic RW2
        (b"II*\x00\x08\x00\x00\x00\x1c\x00\xfe\x00", "tiff"),  # DNG, NEF, ARW…: TIFF inside
    ],
)
def test_sniff_bytes(head: bytes, expected: str | None) -> None:
    assert sniff_bytes(head) == expected


def test_sniff_format_reads_content_not_name(tmp_path: Path) -> None:
    files = make_hostile_files(tmp_path)
    assert sniff_format(str(tmp_path / "png_disguised.jpg")) == "png"
    assert sniff_format(str(tmp_path / "text.png")) is None
    assert sniff_format(str(tmp_path / "empty.jpg")) is None
    assert sniff_format(str(tmp_path / "image.tiff")) == "tiff"
    assert sniff_format(str(tmp_path / "image.webp")) == "webp"
    if "image.heic" in files:
        assert sniff_format(str(tmp_path / "image.heic")) == "heif"
    if "image.avif" in files:
        assert sniff_format(str(tmp_path / "image.avif")) == "avif"
    assert sniff_format(str(tmp_path)) is None  # a folder
    with pytest.raises(FileNotFoundError):
        sniff_format(str(tmp_path / "missing.jpg"))


# --- the whole read path never writes ---------------------------------------------------------


def test_scan_decode_fingerprint_leave_files_untouched(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    expected = make_hostile_files(lib)
    before = snapshot(lib)
    assert len(before) >= len(expected) - len(SCANNER_SKIPS)

    def read_everything() -> list[FileInfo]:
        found = list(walk_photos(lib))
        for f in found:
            with contextlib.suppress(OSError):
                fingerprint(f.path, f.size)
            with contextlib.suppress(PhotoDecodeError):
                decode_photo(f.path)
        return found

    found = _run_with_timeout(read_everything, timeout=60)
    assert {os.path.basename(f.path) for f in found} == set(expected) - SCANNER_SKIPS
    assert snapshot(lib) == before


def test_walk_yields_mpo_files(tmp_path: Path) -> None:
    mpo = _touch(tmp_path / "3d" / "DSCF0001.MPO", b"\xff\xd8\xff" + b"x" * 5)
    assert [f.path for f in walk_photos(tmp_path)] == [str(mpo)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.dng", True), ("dir/B.NEF", True), ("x.Cr3", True), ("a.tif", False), ("a.jpg", False),
     ("nef", False), ("", False)],
)  # fmt: skip
def test_is_raw_name(name: str, expected: bool) -> None:
    assert is_raw_name(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("clip.mp4", True),
        ("CLIP.MOV", True),
        ("a/b.m4v", True),
        ("x.mkv", True),
        ("x.webm", True),
        ("x.avi", True),
        ("x.3gp", True),
        ("x.jpg", False),
        ("._clip.mov", False),
        ("clip.mp4.part", False),
    ],
)
def test_is_video_name(name: str, expected: bool) -> None:
    assert scanning.is_video_name(name) is expected
    assert scanning.is_media_name(name) is (expected or scanning.is_photo_name(name))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "mp4"),  # QuickTime MOV
        (b"\x00\x00\x00\x1cftyp3gp4\x00\x00\x02\x003gp4isom", "mp4"),
        (b"\x00\x00\x00\x1cftypisom\x00\x00\x02\x00isomhevc", "mp4"),  # HEVC brand, still video
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", "mp4"),  # old QuickTime, no ftyp
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", "matroska"),
        (b"RIFF\x10\x00\x00\x00AVI LIST", "avi"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", None),  # a HEIF still
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", None),
        (b"\x00\x00\x00\x18ftypcrx \x00\x00\x00\x01crx isom", None),  # Canon CR3
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", None),
        (b"\xff\xd8\xff\xe0", None),
        (b"", None),
    ],
)
def test_sniff_video(head: bytes, expected: str | None) -> None:
    assert scanning.sniff_video(head) == expected
