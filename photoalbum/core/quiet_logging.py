"""Silence what libraries log straight on the root logger, for the length of a block."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class MinLevelFilter(logging.Filter):
    """Passes records at or above ``level``; drops the rest."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


@contextmanager
def quiet_root_logging(level: int = logging.ERROR) -> Iterator[None]:
    """Drop records below level that libraries log straight on the root logger.

    open_clip warns "No pretrained weights loaded" there and onnxruntime.quantization logs
    advice and every tensor at INFO. A filter on a logger sees only the records created by that
    logger itself, so named loggers (ours included) are unaffected.
    """
    flt = MinLevelFilter(level)
    root = logging.getLogger()
    root.addFilter(flt)
    try:
        yield
    finally:
        root.removeFilter(flt)
