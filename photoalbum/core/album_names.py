"""Album names: what the user may type, and when two spellings are the same album."""

from __future__ import annotations

import unicodedata

from photoalbum.core.errors import UserError

#: Longest album name, in characters (a name is a label, not a note).
MAX_NAME = 200


def clean_album_name(name: str) -> str:
    """The name as it is kept and shown: the user's spelling, outer blanks trimmed.

    Raises:
        UserError: empty, too long, or holding control characters.
    """
    shown = unicodedata.normalize("NFC", str(name)).strip()
    if not shown:
        raise UserError("an album needs a name")
    if len(shown) > MAX_NAME:
        raise UserError(
            f"an album name can be at most {MAX_NAME} characters (this one has {len(shown)})"
        )
    if any(unicodedata.category(ch) == "Cc" for ch in shown):
        raise UserError("an album name cannot contain control characters (tabs, line breaks)")
    return shown


def album_name_key(name: str) -> str:
    """The form two names are compared in: NFC + case-folded, so "Été", "ÉTÉ" and "e\u0301te\u0301"
    are one album."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name.strip()).casefold())
