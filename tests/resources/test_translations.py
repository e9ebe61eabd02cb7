"""The shipped translations are up to date: every UI string is in the .ts sources, translated, and
the .qm catalogs are compiled from the .ts files as they are now."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"
GUI = ROOT / "photoalbum" / "gui"
BIN = Path(sys.executable).parent
#: Catalog → the lupdate options `make translations` uses for it.
CATALOGS = {
    "photoalbum_zh_CN": ["-target-language", "zh_CN"],
    "photoalbum_en": ["-pluralonly", "-target-language", "en"],
}
FIX = "run `make translations`"
TRANSLATE = (
    "translate them (pyside6-linguist resources/translations/{name}.ts, or edit the .ts), "
    "then " + FIX
)


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert path, f"{name} is missing (it comes with PySide6)"
    return path


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) → the <message> element."""
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            out[(name, message.findtext("source") or "")] = message
    return out


def _placeholders(text: str) -> list[str]:
    return sorted(set(re.findall(r"%L?(?:\d+|n)", text)))


@pytest.mark.parametrize("name", CATALOGS)
def test_every_ui_string_is_in_the_ts_source(tmp_path, name):
    fresh = tmp_path / f"{name}.ts"
    shutil.copy(TRANSLATIONS / f"{name}.ts", fresh)
    subprocess.run(
        [_tool("pyside6-lupdate"), "-extensions", "py", "-locations", "relative", "-no-obsolete"]
        + CATALOGS[name]
        + [str(GUI), "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    shipped, now = set(_messages(TRANSLATIONS / f"{name}.ts")), set(_messages(fresh))
    new, gone = sorted(now - shipped), sorted(shipped - now)
    assert not new and not gone, (
        f"{name}.ts is out of date with photoalbum/gui ({FIX}): "
        f"new strings {new[:10]}, strings no longer used {gone[:10]}"
    )


@pytest.mark.parametrize("name", CATALOGS)
def test_every_message_is_translated_with_its_placeholders(name):
    untranslated, mismatched = [], []
    for (context, source), message in _messages(TRANSLATIONS / f"{name}.ts").items():
        translation = message.find("translation")
        assert translation is not None
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(forms):
            untranslated.append((context, source))
            continue
        for form in forms:
            # A plural form may leave the count out ("one photo"), nothing else.
            if _placeholders(form) != _placeholders(source) and _placeholders(
                form
            ) != _placeholders(source.replace("%Ln", "").replace("%n", "")):
                mismatched.append((context, source, form))
    assert not untranslated, (
        f"{len(untranslated)} untranslated message(s) in {name}.ts, e.g. {untranslated[:5]}: "
        + TRANSLATE.format(name=name)
    )
    assert not mismatched, f"translations whose placeholders differ from the source: {mismatched}"


def test_english_plural_forms_are_singular_then_plural():
    for (context, source), message in _messages(TRANSLATIONS / "photoalbum_en.ts").items():
        assert message.get("numerus") == "yes", (context, source)
        forms = [f.text for f in message.iter("numerusform")]
        assert len(forms) == 2, (context, source, forms)


@pytest.mark.parametrize("name", CATALOGS)
def test_shipped_catalog_is_compiled_from_its_source(tmp_path, name):
    compiled = tmp_path / f"{name}.qm"
    subprocess.run(
        [
            _tool("pyside6-lrelease"),
            "-nounfinished",
            str(TRANSLATIONS / f"{name}.ts"),
            "-qm",
            str(compiled),
        ],
        check=True,
        capture_output=True,
    )
    shipped = TRANSLATIONS / f"{name}.qm"
    assert shipped.is_file() and shipped.read_bytes() == compiled.read_bytes(), (
        f"{shipped.name} is not compiled from {name}.ts as it is now: {FIX}"
    )
