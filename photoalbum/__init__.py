"""photoalbum: a private, offline desktop photo album that finds photos by meaning."""

__version__ = "0.1.0"
