"""Fixtures for end-to-end CLI tests."""

from pathlib import Path

import pytest


@pytest.fixture
def tiny_models_dir(tiny_model) -> Path:
    """The session's models dir holding the prepared tiny random model (read-only use)."""
    return tiny_model.path.parent
