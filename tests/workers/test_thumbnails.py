"""ThumbnailLoader: QImage off the GUI thread, scaled decode, fallbacks, stale requests dropped."""

from __future__ import annotations

import threading

import pytest
from PIL import Image

from photoalbum.qt import QtCore, QtGui
from photoalbum.workers.thumbnails import ThumbnailLoader, read_image
from tests.support.photos import make_sample_photos

pytestmark = pytest.mark.gui


@pytest.fixture
def loader(qtbot):
    loader = ThumbnailLoader(max_threads=2)
    yield loader
    assert loader.shutdown(5000)


def test_read_image_scales_orients_and_falls_back(tmp_path, qapp):
    big = tmp_path / "big.jpg"
    Image.new("RGB", (1200, 800), (200, 30, 30)).save(big)
    img = read_image([str(tmp_path / "missing.jpg"), str(big)], max_side=128)
    assert not img.isNull() and max(img.width(), img.height()) == 128
    assert img.width() == 128 and img.height() in (85, 86)
    # EXIF orientation 6 (rotate 90° clockwise) is applied: a landscape file shows as portrait.
    rotated = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (300, 200), (10, 200, 10)).save(rotated, exif=exif)
    img = read_image([str(rotated)])
    assert (img.width(), img.height()) == (200, 300)
    # Raw bytes (a browser drop) decode too; garbage gives a null image, not an exception.
    assert not read_image(data=big.read_bytes(), max_side=64).isNull()
    assert read_image(data=b"not an image").isNull()
    assert read_image([str(tmp_path / "missing.jpg")]).isNull()


def test_loads_off_the_gui_thread_and_delivers_on_it(qtbot, loader, tmp_path):
    [photo] = make_sample_photos(tmp_path, ("coffee",))
    threads = []
    loader.loaded.connect(lambda *a: threads.append(threading.get_ident()))
    with qtbot.waitSignal(loader.loaded, timeout=5000) as got:
        assert loader.request("grid", "k1", [str(photo)], max_side=64)
    channel, key, gen, image = got.args
    assert (channel, key, gen) == ("grid", "k1", 0)
    assert isinstance(image, QtGui.QImage) and max(image.width(), image.height()) == 64
    assert threads == [threading.get_ident()]  # delivered on the GUI thread
    assert loader.pending("grid") == 0


def test_duplicate_requests_are_merged(qtbot, tmp_path):
    [photo] = make_sample_photos(tmp_path, ("cat",))
    loader = ThumbnailLoader(max_threads=1)
    gate = threading.Event()

    class Blocker(QtCore.QRunnable):
        def run(self) -> None:
            gate.wait(5)

    loader._pool.start(Blocker())  # the first request stays queued (a small photo loads fast)
    assert loader.request("grid", "same", [str(photo)])
    assert not loader.request("grid", "same", [str(photo)])
    gate.set()
    qtbot.waitUntil(lambda: loader.pending("grid") == 0, timeout=5000)
    assert loader.request("grid", "same", [str(photo)])  # done: a new request loads again
    assert loader.shutdown(5000)


def test_new_generation_and_retain_drop_queued_requests(qtbot, tmp_path):
    photos = make_sample_photos(tmp_path, ("coffee", "cat", "rocket"))
    loader = ThumbnailLoader(max_threads=1)
    got = []
    loader.loaded.connect(lambda ch, key, gen, img: got.append((ch, key, gen)))
    gate = threading.Event()

    class Blocker(QtCore.QRunnable):
        def run(self) -> None:
            gate.wait(5)

    loader._pool.start(Blocker())  # occupy the only thread so requests stay queued
    for i in range(30):
        loader.request("grid", f"old{i}", [str(photos[i % 3])])
    loader.request("viewer", "v", [str(photos[0])])
    gen = loader.new_generation("grid")
    assert gen == 1 and loader.pending("grid") == 0 and loader.pending("viewer") == 1
    for i in range(10):
        loader.request("grid", f"new{i}", [str(photos[i % 3])])
    assert loader.retain("grid", ["new1", "new2"]) == 8
    gate.set()
    qtbot.waitUntil(
        lambda: loader.pending("grid") == 0 and loader.pending("viewer") == 0, timeout=5000
    )
    qtbot.wait(50)
    assert sorted(k for ch, k, g in got if ch == "grid") == ["new1", "new2"]
    assert all(g == 1 for ch, k, g in got if ch == "grid")
    assert ("viewer", "v", 0) in got
    assert loader.shutdown(5000)


def test_a_camera_raw_is_shown_through_the_engine(tmp_path, qapp):
    """Qt cannot read RAW: the viewer (and a grid without a cached thumbnail) gets the engine's
    decode, the embedded preview when it is big enough, upright; else the developed sensor."""
    from tests.support.raw_files import dng_bytes, preview_jpeg, with_preview

    dng = tmp_path / "IMG_0001.dng"
    dng.write_bytes(with_preview(dng_bytes(640, 480, orientation=6), preview_jpeg(1600, 1200)))
    img = read_image([str(dng)], max_side=8192)  # the viewer's full-size request
    assert (img.width(), img.height()) == (1200, 1600)  # the preview, turned upright
    r, g, b = _mean_rgb(img)
    assert r > 180 and g < 70 and b < 70  # its red, not the developed grey sensor data
    small = read_image([str(dng)], max_side=128)  # a grid cell
    assert max(small.width(), small.height()) == 128
    bare = tmp_path / "bare.nef"  # no preview: the sensor data, developed
    bare.write_bytes(dng_bytes(320, 240))
    assert not read_image([str(bare)], max_side=256).isNull()
    garbage = tmp_path / "broken.cr2"
    garbage.write_bytes(b"II*\x00" + b"\x00" * 32)
    assert read_image([str(garbage)]).isNull()


def _mean_rgb(img: QtGui.QImage) -> tuple[float, float, float]:
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    total = [0, 0, 0]
    n = 0
    for y in range(0, img.height(), 7):
        for x in range(0, img.width(), 7):
            c = img.pixelColor(x, y)
            total[0] += c.red()
            total[1] += c.green()
            total[2] += c.blue()
            n += 1
    return total[0] / n, total[1] / n, total[2] / n


def test_read_image_shows_a_video_at_a_time_or_its_first_moment(tmp_path) -> None:
    from tests.support.videos import make_video, solid

    # A black opening (no moment), then red, then blue from 2 s.
    clip = make_video(
        tmp_path / "clip.mp4",
        [(solid((0, 0, 0)) * 0, 1), (solid((200, 30, 30)), 1), (solid((30, 30, 200)), 2)],
    )

    def colour(image: QtGui.QImage) -> tuple[int, int, int]:
        c = image.pixelColor(2, 2)
        return c.red(), c.green(), c.blue()

    first = read_image([str(clip)])  # the first moment: the blank opening is skipped
    assert colour(first) == pytest.approx((200, 30, 30), abs=16)
    at = read_image([str(clip)], at_s=2.5, max_side=32)
    assert colour(at) == pytest.approx((30, 30, 200), abs=16) and at.width() == 32
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00" * 100)
    assert read_image([str(broken)], at_s=1.0).isNull()
