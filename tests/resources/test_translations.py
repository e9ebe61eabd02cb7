"""The shipped translations are up to date: every UI string is in the .ts sources, translated, and
the .qm catalogs are compiled from the .ts files as they are now; the GUI's code hands lupdate every
text it shows and fills placeholders the way translators expect."""

from __future__ import annotations

import ast
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
#: The folders lupdate reads (`make translations`): the GUI and the workers' messages.
SOURCES = [GUI, ROOT / "photoalbum" / "workers"]
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
        + [str(s) for s in SOURCES]
        + ["-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    shipped, now = set(_messages(TRANSLATIONS / f"{name}.ts")), set(_messages(fresh))
    new, gone = sorted(now - shipped), sorted(shipped - now)
    assert not new and not gone, (
        f"{name}.ts is out of date with photoalbum/gui and photoalbum/workers ({FIX}): "
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


# --- the GUI's code: every text it shows goes through tr() --------------------------------------
#: Calls whose text lupdate extracts (tr, translate) or marks for a table (QT_TRANSLATE_NOOP).
TRANSLATING = {"tr", "translate", "QT_TRANSLATE_NOOP"}
#: Calls whose strings are never shown: logging, settings keys, object names, styles, formats.
NOT_SHOWN = {
    *("debug", "info", "warning", "error", "exception", "critical", "getLogger"),
    *("setValue", "value", "QSettings", "setObjectName", "setStyleSheet", "setProperty"),
    *("setDisplayFormat", "toString", "strftime"),
}
#: Prose: two words, a "Label: ", or Chinese.
PROSE = re.compile(r"[A-Za-z]{2,}[,;:.!?]? [A-Za-z]{2,}|\b[A-Z][a-z]+: |[\u4e00-\u9fff]")
#: Strings that look like prose but are rightly shown as they are.
NOT_PROSE = {
    "ONNX Runtime",  # a product's name (About)
    "<tr><td style='padding-right:12px'><b>",  # markup (About)
    "简体中文",  # a language named in itself (Settings)
    "人物:",  # the query syntax's person term (a People card searches it)
    '人物:"',
}


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _gui_modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(p.relative_to(ROOT)), ast.parse(p.read_text(encoding="utf-8")))
        for p in sorted(GUI.rglob("*.py"))
    ]


def _is_translating(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in TRANSLATING


def test_no_text_is_shown_without_tr():
    found = []
    for path, tree in _gui_modules():
        skip = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                skip.add(id(node.value))  # docstrings
            if isinstance(node, ast.Raise) or (
                isinstance(node, ast.Call) and _name(node.func) in TRANSLATING | NOT_SHOWN
            ):
                skip.update(id(sub) for sub in ast.walk(node))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if id(node) not in skip and text not in NOT_PROSE and PROSE.search(text):
                    found.append(f"{path}:{node.lineno}: {text!r}")
    assert not found, (
        "texts lupdate never sees (shown untranslated): wrap them in self.tr() / "
        f"QCoreApplication.translate(), fill values with translation.arg(): {found}"
    )


def test_placeholders_are_filled_with_arg():
    found = []
    for path, tree in _gui_modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) in ("format", "replace")
                and isinstance(node.func, ast.Attribute)
                and _is_translating(node.func.value)
            ):
                found.append(f"{path}:{node.lineno}")
    assert not found, (
        f"a translated text filled with str.format/str.replace: use translation.arg: {found}"
    )
    braces = [s for _, s in _messages(TRANSLATIONS / "photoalbum_zh_CN.ts") if "{" in s]
    assert not braces, f"messages with {{name}} fields (use %1, %2… and arg): {braces}"


def test_no_helper_hides_messages_from_lupdate():
    """lupdate reads only tr()/translate() calls: a text handed to a helper that translates its
    argument is never extracted (only tables marked with QT_TRANSLATE_NOOP may be)."""
    found = []
    for path, tree in _gui_modules():
        helpers = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            params = {a.arg for a in node.args.args}
            for call in ast.walk(node):
                if _is_translating(call) and any(
                    isinstance(a, ast.Name) and a.id in params for a in call.args
                ):
                    helpers.add(node.name)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) in helpers
                and any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)
            ):
                found.append(f"{path}:{node.lineno}: {_name(node.func)}()")
    assert not found, f"texts passed to a translating helper (lupdate cannot see them): {found}"
