"""Tests for the composition root's pieces that need no window."""

from __future__ import annotations

from photoalbum.core.models.store import PreparedModel
from photoalbum.core.paths import Paths
from photoalbum.gui.app import library_factory
from photoalbum.workers.messages import LibraryOptions
from tests.support.model_fixtures import TINY_SPEC, link_model


def test_worker_libraries_share_one_encoder(paths: Paths, tiny_model: PreparedModel) -> None:
    # Loading a tokenizer holds the GIL (0.1-0.7 s) and each text session holds the tower's
    # weights: the scenes worker must use what the search worker already loaded.
    link_model(tiny_model, paths.models)
    open_library = library_factory(paths)
    search = open_library(LibraryOptions(model=TINY_SPEC), False)
    scenes = open_library(LibraryOptions(model=TINY_SPEC), True)
    try:
        assert search.encoder() is scenes.encoder()
        search.encoder().encode_texts(["a dog"])
        assert scenes.encoder().loaded_towers() == ["text"]  # the session is shared, not copied
        assert search.encoder().tokenizer() is scenes.encoder().tokenizer()
        other_app = library_factory(paths)(LibraryOptions(model=TINY_SPEC), True)
        assert other_app.encoder() is not search.encoder()
        assert other_app.encoder().tokenizer() is not search.encoder().tokenizer()
        other_app.close()
        fp32 = open_library(LibraryOptions(model=TINY_SPEC, precision="fp32"), True)
        assert fp32.encoder() is not search.encoder()  # other options: its own encoder
        fp32.close()
    finally:
        search.close()
        scenes.close()
