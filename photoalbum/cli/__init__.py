"""Command-line front end: ``photoalbum [global options] COMMAND [options] [--json]``.

``photoalbum [global options] PATH...`` (no command) opens the app showing those folders.

Never imports Qt: with no command, the GUI is started through an import by name.
Exit codes: 0 ok, 1 a problem the user can act on (message on stderr), 2 usage.
Modules: ``parser`` (argparse and argv pre-parsing), ``run`` (``main`` and the one dispatch
table), ``output`` (JSON/human text, progress bars), ``libraries`` (opening the library) and a
module per command group under ``commands``.
"""

from photoalbum.cli.parser import (
    build_parser,
    escape_negative_terms,
    folders_to_open,
    package_version,
    split_open_paths,
)
from photoalbum.cli.run import COMMANDS, main

__all__ = [
    "COMMANDS",
    "build_parser",
    "escape_negative_terms",
    "folders_to_open",
    "main",
    "package_version",
    "split_open_paths",
]
