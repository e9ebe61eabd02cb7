"""Take the README's People screenshots of the real app under Xvfb (run from the project root).

usage: PYTHONPATH=. python docs/screenshots/take_people_screenshots.py --models DIR [--work DIR]

Builds a library of real faces (scikit-image's astronaut and Pillow's hopper, resized, cropped,
rotated — tests/support/faces.py) plus photos without people, indexes it with the faces pass
(``random:ViT-B-32``: CLIP results are meaningless, faces and people are real dlib results),
names the two people, then shows the People section with a search for a named person and the
viewer outlining a face. Needs Xvfb, xdotool and ImageMagick's ``import``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from harness import (  # noqa: E402
    click,
    focus,
    key,
    shot,
    start_app,
    start_xvfb,
    stop,
    type_text,
    window_id,
)

from tests.support.faces import face_photos  # noqa: E402
from tests.support.photos import make_sample_photos  # noqa: E402

DISPLAY = ":95"
MODEL = "random:ViT-B-32"


def cli(library: Path, models: Path, *args: str) -> str:
    cmd = [sys.executable, "-m", "photoalbum", "--library", str(library), "--models-dir",
           str(models), "--model", MODEL, "-q", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=Path, required=True, help="a models dir with random:ViT-B-32")
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="people-shots-"))
    photos = work / "Photos"
    truth = face_photos(photos / "People")
    make_sample_photos(photos / "Places", ("coffee", "rocket", "chelsea", "coins"), size=1200)
    library = work / "library"
    cli(library, args.models, "add", str(photos))
    cli(library, args.models, "passes", "off", "text")
    cli(library, args.models, "index")
    names = {"astronaut": "Eileen Collins", "hopper": "Grace Hopper 格蕾丝"}
    for person in json.loads(cli(library, args.models, "people", "--json")):
        face = json.loads(cli(library, args.models, "people", "faces", str(person["id"]), "--json"))[0]
        cli(library, args.models, "people", "name", str(person["id"]),
            names[truth[Path(face["path"])]])

    xvfb = start_xvfb(DISPLAY, (1360, 860))
    env = os.environ.copy()
    env.update(DISPLAY=DISPLAY, QT_QPA_PLATFORM="xcb")
    os.environ["DISPLAY"] = DISPLAY
    app = None
    try:
        app = start_app(library, args.models, MODEL, env)
        win = window_id("photoalbum")
        subprocess.run(["xdotool", "windowsize", win, "1280", "800", "windowmove", win, "20", "20"],
                       check=True)
        time.sleep(25)
        focus(win)
        key("ctrl+f")
        type_text("Eileen Collins")
        key("Return")
        time.sleep(6)
        subprocess.run(["xdotool", "mousemove", "700", "820"], check=True)
        shot(win, "09-people")
        click(int(os.environ.get("CELL_X", "360")), int(os.environ.get("CELL_Y", "150")))
        key("space")
        time.sleep(6)
        viewer = window_id("— photoalbum")
        shot(viewer, "10-viewer-faces")
    finally:
        if app is not None:
            stop(app)
        xvfb.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
