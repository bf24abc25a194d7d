"""User strings printed as plain text: never rich markup, never terminal control sequences.

Names, game ids, reasons and paths can come from hostile files. ``rich.text.Text`` keeps
brackets literal (a ``[bold]`` in a game id once crashed ``replay --verify``), and control
characters such as ESC are shown escaped, so a recording cannot move the cursor, recolour
or clear the terminal of whoever inspects it.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text


def printable(value: object) -> str:
    """``str(value)`` with every control character (but newline) written as an escape, e.g. ``\\x1b``."""
    text = str(value)
    if all(c == "\n" or unicodedata.category(c) != "Cc" for c in text):
        return text
    return "".join(c if c == "\n" or unicodedata.category(c) != "Cc" else repr(c)[1:-1] for c in text)


def plain(value: object, style: str = "") -> Text:
    """A rich Text of ``value`` that prints exactly its characters (control characters escaped)."""
    return Text(printable(value), style=style)
