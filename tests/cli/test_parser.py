"""CLI front-end details without an engine: --version, and `photoalbum PATH` opening folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum import __version__, cli
from photoalbum.cli import run as cli_run
from photoalbum.core.errors import KnownError


def test_version_is_the_package_version(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out == f"photoalbum {cli.package_version()}"
    # From a checkout the metadata may be missing or from an editable install: same version.
    assert cli.package_version() == __version__


def test_split_open_paths(tmp_path: Path, monkeypatch) -> None:
    parser = cli.build_parser()
    folder = tmp_path / "Holiday photos"
    folder.mkdir()
    (tmp_path / "search").mkdir()
    monkeypatch.chdir(tmp_path)
    assert cli.split_open_paths([str(folder)], parser) == ([], [str(folder)])
    assert cli.split_open_paths(["--library", "L", str(folder), "-v"], parser) == (
        ["--library", "L", "-v"],
        [str(folder)],
    )
    # A command name always wins over a folder of that name; ./search is the folder.
    assert cli.split_open_paths(["search", "dog"], parser) == (["search", "dog"], [])
    assert cli.split_open_paths(["./search"], parser) == ([], ["./search"])
    # An unknown word that is no path is left for argparse to report.
    assert cli.split_open_paths(["serch", "dog"], parser) == (["serch", "dog"], [])
    assert cli.split_open_paths([], parser) == ([], [])


def test_folders_to_open(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    photo = folder / "x.jpg"
    photo.write_bytes(b"\xff\xd8\xff")
    other = tmp_path / "b"
    other.mkdir()
    got = cli.folders_to_open([str(folder), str(photo), str(other)])
    assert got == [str(folder.resolve()), str(other.resolve())]  # an image stands for its folder
    with pytest.raises(KnownError, match="no such file or folder"):
        cli.folders_to_open([str(tmp_path / "gone")])


def test_main_with_a_folder_opens_the_app_on_it(tmp_path: Path, monkeypatch) -> None:
    seen = {}

    def fake_gui(args) -> int:
        seen["folders"] = args.open_folders
        seen["library"] = args.library
        return 0

    monkeypatch.setattr(cli_run, "cmd_gui", fake_gui)
    assert cli.main(["--library", str(tmp_path / "lib"), str(tmp_path)]) == 0
    assert seen == {"folders": [str(tmp_path.resolve())], "library": str(tmp_path / "lib")}
    assert cli.main([]) == 0
    assert seen["folders"] == []


def test_main_with_an_unknown_word_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["no-such-command-or-folder"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_the_readme_album_examples_parse() -> None:
    """Every command line in the README's albums section is one the parser takes."""
    import shlex

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Albums, favorites and ratings", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("photoalbum ")]
    assert len(lines) >= 15
    parser = cli.build_parser()
    commands = set()
    for line in lines:
        argv = shlex.split(line.split("  #", 1)[0])[1:]
        args = parser.parse_args(cli.escape_negative_terms(argv, parser))
        assert args.command in cli_run.COMMANDS, line
        commands.add(args.command)
    assert {"album", "favorite", "rate", "hide", "search", "timeline", "backup", "restore"} <= (
        commands
    )
