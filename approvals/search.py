"""Search that ignores accents and case: "Huong" finds "Hương", "duc" finds "Đức".

PostgreSQL has `unaccent()` from its extension of that name (migration 0005).
The SQLite demo gets a function of the same name on each new connection, so
that the same query (approvals.selectors.filter_nominations) works on both.
"""

import unicodedata

# Letters that carry no combining mark to strip: Vietnamese đ is a letter of its own.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text):
    """The text without its accents (as PostgreSQL's unaccent does for Vietnamese)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFD", str(text).translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    """connection_created receiver: give an SQLite connection `unaccent(text)`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, fold, deterministic=True)
