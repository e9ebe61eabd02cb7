"""Entry point for ``python -m photoalbum``."""

import sys

from photoalbum.cli import main

if __name__ == "__main__":
    sys.exit(main())
