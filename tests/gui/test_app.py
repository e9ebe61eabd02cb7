"""Tests for the composition root's pieces that need no window."""

from __future__ import annotations

from photoalbum.core.models.store import PreparedModel
from photoalbum.core.paths import Paths
from photoalbum.gui.app import library_factory
from photoalbum.workers.messages import LibraryOptions
from tests.support.model_fixtures import TINY_SPEC, link_model


def test_worker_libraries_load_a_tokenizer_once(paths: Paths, tiny_model: PreparedModel) -> None:
    # Loading a tokenizer holds the GIL (0.1-0.7 s): the scenes worker must not load the one
    # the search worker already has, or the window stalls while indexing.
    link_model(tiny_model, paths.models)
    open_library = library_factory(paths)
    search = open_library(LibraryOptions(model=TINY_SPEC), False)
    scenes = open_library(LibraryOptions(model=TINY_SPEC), True)
    try:
        assert search.encoder().tokenizer() is scenes.encoder().tokenizer()
        other_app = library_factory(paths)(LibraryOptions(model=TINY_SPEC), True)
        assert other_app.encoder().tokenizer() is not search.encoder().tokenizer()
        other_app.close()
    finally:
        search.close()
        scenes.close()
