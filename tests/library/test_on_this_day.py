"""Tests for Library.on_this_day over real photos: earlier years of the day, screenshot and
burst days left out, hidden photos too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from photoalbum.core.paths import Paths
from photoalbum.library import Library
from tests.support.dated_photos import make_on_this_day_photos
from tests.support.model_fixtures import TINY_SPEC


@pytest.fixture
def made(tmp_path: Path) -> dict[str, Path]:
    return make_on_this_day_photos(tmp_path / "photos")


@pytest.fixture
def lib(tiny_paths: Paths, made: dict[str, Path]) -> Iterator[Library]:
    library = Library(tiny_paths, model=TINY_SPEC)
    library.index([str(next(iter(made.values())).parent)], passes=False)
    yield library
    library.close()


def test_earlier_years_of_the_day_without_screenshot_or_burst_days(
    lib: Library, made: dict[str, Path]
) -> None:
    got = lib.on_this_day(date(2025, 7, 14))
    assert [y.year for y in got] == [2019, 2022]
    assert [Path(p.path).stem for p in got[0].photos] == ["2019-a", "2019-b"]
    assert [Path(p.path).stem for p in got[1].photos] == ["2022"]
    assert [y.year for y in lib.on_this_day(date(2025, 7, 15))] == [2019]
    assert lib.on_this_day(date(2025, 7, 16)) == []
    assert [y.year for y in lib.on_this_day(date(2022, 7, 14))] == [2019]  # earlier years only
    # Hidden photos stay out, as from the timeline.
    lib.albums.hide([made["2022"]])
    assert [y.year for y in lib.on_this_day(date(2025, 7, 14))] == [2019]
