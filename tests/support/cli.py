"""The CLI run in-process on a temp library with a prepared model (the CLI tests' ``cli``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from photoalbum.cli import main

#: The tiny random model the CLI tests use.
MODEL = "random:tiny-clip"


class CliRunner:
    """``photoalbum --library L --models-dir M --model MODEL ARGS``, in-process.

    Calling it returns (rc, out, err); an exception other than SystemExit escapes ``main`` and
    fails the test (that is a traceback).
    """

    def __init__(self, library: Path, models: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.library = library
        self.models = models
        self._capsys = capsys

    def __call__(
        self, *args: str, model: bool = True, library: Path | None = None
    ) -> tuple[int, str, str]:
        """Run with ``args``; without ``model`` no ``--model``, ``library`` another library."""
        argv = ["--library", str(library or self.library), "--models-dir", str(self.models)]
        if model:
            argv += ["--model", MODEL]
        rc = main(argv + list(args))
        out, err = self._capsys.readouterr()
        return rc, out, err
