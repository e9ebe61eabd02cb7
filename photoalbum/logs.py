"""Log files: a rotating file in the platform's log dir, set up by the composition roots.

``cli.py`` and ``gui/app.py`` call :func:`setup_logging`; ``$PHOTOALBUM_LOG_DIR`` overrides the
directory (tests, portable installs). Calling it again replaces the handlers it added before.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import TextIO

import platformdirs

from photoalbum.core.paths import APP_NAME

ENV_LOG_DIR = "PHOTOALBUM_LOG_DIR"
LOG_NAME = "photoalbum.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_MARK = "_photoalbum_handler"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (a replaced or closed stream never breaks it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def log_dir(env: dict[str, str] | None = None) -> Path:
    """Where log files go: ``$PHOTOALBUM_LOG_DIR`` or platformdirs' user log dir."""
    env = dict(os.environ) if env is None else env
    if env.get(ENV_LOG_DIR):
        return Path(env[ENV_LOG_DIR]).expanduser().absolute()
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def setup_logging(
    console_level: int = logging.WARNING, directory: Path | None = None
) -> Path | None:
    """Console on stderr at console_level, and INFO and up into a rotating file.

    Returns the log file, or None when it can't be written (read-only or full disk: the app
    still runs, and says so on the console).
    """
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(h)
        h.close()
    console = _StderrHandler()
    console.setLevel(console_level)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    setattr(console, _MARK, True)
    root.addHandler(console)
    root.setLevel(min(console_level, logging.INFO))
    target = (directory or log_dir()) / LOG_NAME
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write the log file %s: %s", target, exc)
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    return target
