"""Frames as text: hex digits for logs and LLM prompts, coloured half-blocks for terminals."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from arcgames.palette import PALETTE_RGB

_HEX = np.array(list("0123456789abcdef"))
_STYLES = [
    [Style(color=f"rgb({fg[0]},{fg[1]},{fg[2]})", bgcolor=f"rgb({bg[0]},{bg[1]},{bg[2]})") for bg in PALETTE_RGB]
    for fg in PALETTE_RGB
]


def frame_to_text(frame: np.ndarray) -> str:
    """A frame as one line per row of hex colour digits (0-f), one character per pixel."""
    return "\n".join("".join(row) for row in _HEX[frame])


def frame_to_rich(frame: np.ndarray) -> Text:
    """A frame as coloured half-block characters: two pixel rows per terminal line."""
    text = Text()
    rows = frame if len(frame) % 2 == 0 else np.vstack([frame, frame[-1:]])
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        for upper, lower in zip(top.tolist(), bottom.tolist(), strict=True):
            text.append("▀", _STYLES[upper][lower])
        text.append("\n")
    return text
