"""Log files in the platform log dir (or $PHOTOALBUM_LOG_DIR), rotating, set up by the CLI."""

from __future__ import annotations

import logging

from photoalbum import logs
from photoalbum.cli import main


def _reset() -> None:
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, logs._MARK, False)]:
        root.removeHandler(h)
        h.close()


def test_setup_logging_writes_info_to_a_rotating_file(tmp_path, monkeypatch):
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path / "logs"))
    try:
        path = logs.setup_logging(logging.WARNING)
        again = logs.setup_logging(logging.WARNING)  # idempotent: one set of handlers
        assert path == again == tmp_path / "logs" / logs.LOG_NAME
        marked = [h for h in logging.getLogger().handlers if getattr(h, logs._MARK, False)]
        assert len(marked) == 2
        logging.getLogger("photoalbum.test").info("hello from the test")
        for h in marked:
            h.flush()
        assert "hello from the test" in path.read_text(encoding="utf-8")
        rotating = next(h for h in marked if isinstance(h, logging.handlers.RotatingFileHandler))
        assert rotating.maxBytes == logs.MAX_BYTES and rotating.backupCount == logs.BACKUPS
    finally:
        _reset()


def test_default_log_dir_is_platformdirs_and_the_cli_writes_there(tmp_path, capsys):
    import platformdirs

    expected = platformdirs.user_log_dir("photoalbum", appauthor=False)
    assert str(logs.log_dir({})) == expected
    try:
        rc = main(
            [
                "--library",
                str(tmp_path / "lib"),
                "--models-dir",
                str(tmp_path / "m"),
                "model",
                "install",
                "no-such-thing",
            ]
        )
    finally:
        _reset()
    assert rc == 1
    assert (logs.log_dir() / logs.LOG_NAME).is_file()


def test_an_unwritable_log_dir_is_not_fatal(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    try:
        assert logs.setup_logging(logging.WARNING, directory=blocker / "logs") is None
    finally:
        _reset()
