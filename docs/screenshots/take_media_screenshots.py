"""Take the README's video and RAW+JPEG screenshots of the real app under Xvfb.

usage: python docs/screenshots/take_media_screenshots.py MODELS_DIR [--work DIR] [--model M]

MODELS_DIR must hold the model already prepared (default ``random:tiny-clip``). The script
writes a folder with a few scikit-image sample photos, a 9-second video of three scenes
(astronaut, cat, coffee; encoded with PyAV) and a RAW+JPEG pair (a DNG written from Bayer data
beside a JPEG of the same shot, 1 s apart), indexes it with the CLI, then opens the app on a
real X display: a drag-in query made of the cat still (the video's second scene) lists the
video at its moment; the viewer plays the video from that moment; the pair's info panel lists
both files. Random weights: identical pictures still get identical vectors, so the still finds
its own scene; other rankings are meaningless (the app labels the model).
"""

from __future__ import annotations

import io
import sys
from datetime import datetime
from pathlib import Path

from harness import ROOT, Driver, run_indexed_shots

MODEL = "random:tiny-clip"
SCENES = ("astronaut", "chelsea", "coffee")  # three seconds each
SIZE = (480, 320)


def make_library(out: Path) -> bytes:
    """The photos, the video and the pair; returns the JPEG bytes of the video's second scene."""
    import numpy as np
    from PIL import Image

    sys.path.insert(0, str(ROOT))
    from tests.support.pairs import raw
    from tests.support.photos import sample_image
    from tests.support.videos import make_video

    out.mkdir(parents=True, exist_ok=True)
    frames = [np.asarray(sample_image(n).convert("RGB").resize(SIZE)) for n in SCENES]
    make_video(out / "holiday.mp4", [(f, 3.0) for f in frames])
    for name in ("rocket", "camera", "coins"):
        sample_image(name).convert("RGB").save(out / f"{name}.jpg", quality=90)
    taken = datetime(2024, 5, 1, 10, 0, 0)
    face = sample_image("astronaut").convert("RGB").resize(SIZE)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    face.save(out / "IMG_0042.JPG", quality=90, exif=exif)
    raw(out / "IMG_0042.DNG", taken.replace(second=1))
    still = io.BytesIO()
    Image.fromarray(frames[1]).save(still, format="JPEG", quality=92)
    return still.getvalue()


def drive(work: Path, models: Path, model: str) -> None:
    """Run the app in this process (DISPLAY set) and take the screenshots."""
    d = Driver(work, models, model, language="en")  # English with its plural forms, as run()
    from photoalbum.workers.messages import ImageInput

    w = d.window
    wait, wait_until, shot = d.wait, d.wait_until, d.shot  # a shot waits for thumbnails, frames
    model = w.grid_model
    wait_until(lambda: model.rowCount() >= 5)
    still = (work / "still.jpg").read_bytes()
    w.search_bar.add_image(ImageInput(data=still, label="cat still.jpg"))
    wait_until(lambda: w.search_controller.request.images and model.rowCount() > 0)
    wait(2)
    shot("15-video-moment-results")
    row = next(r for r in range(model.rowCount()) if model.photo(r).path.endswith(".mp4"))
    viewer = w.open_viewer(row)
    assert viewer is not None
    viewer.resize(1100, 720)
    wait_until(lambda: viewer.full_loaded)
    moment = viewer.moment
    assert moment is not None
    viewer.play_video()  # "Play from 0:03": plays in the viewer from the matched moment
    player = viewer.player
    assert player is not None, viewer.playback_unavailable
    # Caught playing, a little after the moment (still in the cat scene, 3 to 6 s).
    wait_until(lambda: player.position_ms() >= (moment + 0.8) * 1000, timeout=120)
    shot("15-video-viewer-moment", viewer, settle=0.2)
    assert viewer.playing, "the shot must show the video playing"
    viewer.close()
    w.search_bar.clear()
    wait_until(lambda: not w.search_controller.request.images)
    wait(2)
    # "videos of a cat": the media kind read from the words becomes a removable chip.
    w.search_bar.set_text("videos of a cat")
    wait_until(lambda: bool(w.search_bar.understood_chips()))
    wait(2)
    shot("15-video-query-chip")
    w.search_bar.clear()
    wait_until(lambda: not w.search_bar.understood_chips())
    wait(2)
    row = next(r for r in range(model.rowCount()) if model.photo(r).path.endswith("0042.JPG"))
    viewer = w.open_viewer(row)
    assert viewer is not None
    viewer.resize(1100, 720)
    shot("15-raw-jpeg-pair-info", viewer)
    viewer.close()
    d.close()


def main() -> int:
    def make(work: Path, photos: Path) -> None:
        (work / "still.jpg").write_bytes(make_library(photos))

    return run_indexed_shots(__file__, "media-shots-", ":96", drive, make, model=MODEL)


if __name__ == "__main__":
    sys.exit(main())
