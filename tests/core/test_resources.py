"""The resources locator finds resources/ in a checkout, a packaged install, or says it is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.core import resources
from photoalbum.core.scenes.naming import VocabularyError, default_vocabulary_path

ROOT = Path(__file__).resolve().parents[2]


def test_checkout_resources_are_found() -> None:
    assert resources.resources_dir() == ROOT / "resources"
    assert resources.resource_path("scenes", "vocabulary.tsv").is_file()
    assert default_vocabulary_path() == ROOT / "resources" / "scenes" / "vocabulary.tsv"


def _fake_resources(where: Path) -> Path:
    (where / "scenes").mkdir(parents=True)
    (where / "scenes" / "vocabulary.tsv").write_text("key\ten\tzh\tprompt\n", encoding="utf-8")
    return where


def test_packaged_copy_wins_over_the_checkout(tmp_path: Path, monkeypatch) -> None:
    packaged = _fake_resources(tmp_path / "site" / "photoalbum" / "resources")
    monkeypatch.setattr(resources, "candidate_dirs", lambda: [packaged, ROOT / "resources"])
    assert resources.resources_dir() == packaged


def test_a_dir_without_the_marker_is_skipped(tmp_path: Path, monkeypatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(resources, "candidate_dirs", lambda: [empty, ROOT / "resources"])
    assert resources.resources_dir() == ROOT / "resources"


def test_missing_resources_are_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(resources, "candidate_dirs", lambda: [tmp_path / "a", tmp_path / "b"])
    with pytest.raises(FileNotFoundError, match="resources are missing"):
        resources.resources_dir()
    with pytest.raises(VocabularyError, match="resources are missing"):
        default_vocabulary_path()


def test_packaged_candidate_is_inside_the_package() -> None:
    import photoalbum

    packaged = resources.candidate_dirs()[0]
    assert packaged == Path(photoalbum.__file__).resolve().parent / "resources"
