"""Photos dated on one month and day across years, with a screenshot day and a burst day: what
"on this day" keeps and what it leaves out."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.support.photos import sample_image

_DATETIME_ORIGINAL = 0x9003


def _save(img: Image.Image, path: Path, when: str, camera: bool, quality: int = 88) -> None:
    exif = Image.Exif()
    if camera:
        exif[0x010F] = "TestMaker"
        exif[0x0110] = "Cam A"
    exif[0x0132] = when
    img.save(path, quality=quality, exif=exif)


def make_on_this_day_photos(folder: Path) -> dict[str, Path]:
    """14 July of 2019 (two photos), 2020 (two screenshots), 2021 (a burst of one picture),
    2022 (one photo), and a 15 July 2019 photo; name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}

    def photo(name: str, sample: str, when: str) -> None:
        img = sample_image(sample)
        img.thumbnail((320, 320))
        made[name] = folder / f"{name}.jpg"
        _save(img, made[name], when, camera=True)

    photo("2019-a", "astronaut", "2019:07:14 09:00:00")
    photo("2019-b", "rocket", "2019:07:14 18:00:00")
    photo("2019-next-day", "coffee", "2019:07:15 12:00:00")
    photo("2022", "chelsea", "2022:07:14 12:00:00")
    for n, sample in enumerate(("page", "camera")):
        img = sample_image(sample).resize((1170, 2532))  # a phone's screen, no camera
        made[f"2020-screen-{n}"] = folder / f"2020-screen-{n}.png"
        exif = Image.Exif()
        exif[0x0132] = f"2020:07:14 1{n}:00:00"
        img.save(made[f"2020-screen-{n}"], exif=exif)
    burst = sample_image("hubble_deep_field")
    burst.thumbnail((320, 320))
    for n, quality in enumerate((90, 80, 70)):
        made[f"2021-burst-{n}"] = folder / f"2021-burst-{n}.jpg"
        _save(burst, made[f"2021-burst-{n}"], f"2021:07:14 10:00:0{n}", True, quality)
    return made
