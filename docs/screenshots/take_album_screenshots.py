"""Take the README's timeline, album and search-by-date screenshots of the real app under Xvfb.

usage: python docs/screenshots/take_album_screenshots.py MODELS_DIR [--work DIR] [--model M]

MODELS_DIR must hold the model already prepared (default ``random:tiny-clip``). The photos are
the Explore script's dated, placed crops of scikit-image's samples (five trips); an album
"Kyoto 2024" is made with the CLI, a few photos marked as favourites and rated; then the app
opens on a real X display: the Photos timeline with its scrubber, the album open on the Albums
page, and a search (its year read as a date) sorted newest first. Random weights: rankings are meaningless (the app labels
the model); dates, places and albums come from the files and the catalog.
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness import HERE, Driver, run_indexed_shots, sh

MODEL = "random:tiny-clip"


def drive(work: Path, models: Path, model: str) -> None:
    """Run the app in this process (DISPLAY set) and take the screenshots."""
    d = Driver(work, models, model, language="en")  # English with its plural forms, as run()
    from photoalbum.gui.controllers.navigation import ALBUMS, PHOTOS

    w = d.window
    wait, wait_until, shot = d.wait, d.wait_until, d.shot
    wait_until(lambda: w.grid_model.rowCount() >= 40)
    w.go_to(PHOTOS)
    shot("13-timeline")
    albums = w.albums_controller
    assert albums is not None
    w.go_to(ALBUMS)
    wait(2)
    albums.open_album(1, "Kyoto 2024")
    wait_until(lambda: 0 < w.grid_model.rowCount() < 40)
    shot("13-album")
    albums.close_album()
    w.go_to(PHOTOS)
    w.sort_combo.setCurrentIndex(w.sort_combo.findData("date"))
    w.search_bar.set_text("photos from 2024")  # the year is read as a date filter
    wait_until(lambda: "photos from 2024" in w.search_controller.status_label.text())
    wait(3)
    shot("13-search-by-date")
    d.close()


def main() -> int:
    sys.path.insert(0, str(HERE))
    from take_explore_screenshots import make_photos

    def albums(cli: list[str], photos: Path, env: dict) -> None:
        kyoto = [str(photos / f"IMG_{n:04d}.jpg") for n in range(1, 9)]
        sh(*cli, "album", "create", "Kyoto 2024", env=env)
        sh(*cli, "album", "add", "Kyoto 2024", *kyoto, env=env)
        sh(*cli, "favorite", *kyoto[:3], env=env)
        sh(*cli, "rate", "4", *kyoto[3:6], env=env)

    return run_indexed_shots(
        __file__, "album-shots-", ":95", drive, lambda _, photos: make_photos(photos),
        after_index=albums, model=MODEL,
    )


if __name__ == "__main__":
    sys.exit(main())
