"""Entry point of the frozen app (PyInstaller): the ``photoalbum`` command line and app.

The frozen binary is ``sys.executable``, so the app's own child processes, started as
``[sys.executable, "-m", "photoalbum.…", …]`` (the model-setup page's import/prepare child),
must work with it too: ``-m`` followed by a photoalbum module runs that module.
"""

from __future__ import annotations

import runpy
import sys


def run() -> int:
    """Run the CLI, or ``-m photoalbum.MODULE ARGS`` like ``python -m`` does."""
    if len(sys.argv) > 2 and sys.argv[1] == "-m" and sys.argv[2].startswith("photoalbum."):
        module = sys.argv[2]
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    from photoalbum.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
