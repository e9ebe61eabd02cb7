"""The root-logger level filter used while libraries log straight on the root logger."""

from __future__ import annotations

import logging

import pytest

from photoalbum.core.quiet_logging import MinLevelFilter, quiet_root_logging


def _record(level: int) -> logging.LogRecord:
    return logging.LogRecord("x", level, __file__, 1, "message", None, None)


def test_min_level_filter_passes_records_at_or_above_its_level() -> None:
    flt = MinLevelFilter(logging.WARNING)
    assert not flt.filter(_record(logging.INFO))
    assert flt.filter(_record(logging.WARNING))
    assert flt.filter(_record(logging.ERROR))


def test_quiet_root_logging_drops_only_the_root_loggers_own_low_records(
    caplog: pytest.LogCaptureFixture,
) -> None:
    root = logging.getLogger()
    before = list(root.filters)
    with caplog.at_level(logging.DEBUG), quiet_root_logging():
        logging.info("root info")
        logging.warning("root warning")
        logging.error("root error")
        logging.getLogger("photoalbum.test").info("named info")
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["root error", "named info"]
    assert root.filters == before  # removed again


def test_quiet_root_logging_removes_its_filter_when_the_block_raises() -> None:
    root = logging.getLogger()
    before = list(root.filters)
    with pytest.raises(RuntimeError), quiet_root_logging(logging.WARNING):
        raise RuntimeError("boom")
    assert root.filters == before
