"""Fixtures for end-to-end CLI tests."""

from pathlib import Path

import pytest

from tests.support.cli import CliRunner


@pytest.fixture
def tiny_models_dir(tiny_model, tmp_path) -> Path:
    """A models dir holding the prepared tiny random model, hard-linked from the session's: a
    first index records its INT8 self-check in the manifest (replaced, never written in place),
    so the session's copy stays as prepared."""
    from tests.support.model_fixtures import link_model

    return link_model(tiny_model, tmp_path / "tiny-models").parent


@pytest.fixture
def cli(tmp_path, tiny_models_dir, capsys) -> CliRunner:
    """The CLI on ``tmp_path/library`` with the tiny model; ``cli(*args)`` is (rc, out, err)."""
    return CliRunner(tmp_path / "library", tiny_models_dir, capsys)
