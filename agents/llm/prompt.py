"""Prompt building: the system prompt, the frame as text (or an image) and a bounded history.

Each turn sends a fresh conversation — system prompt, then one user message with the
recent history, the level progress and the current frame — so the context stays the
same size however long the play runs (BALROG's bounded-history design). The prompt
explains the action semantics generically: agent-facing text never names a game or
its rules (the agent API does not know them anyway).
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from PIL import Image

from arcgames.actions import FRAME_SIZE, ActionId
from arcgames.palette import COLOUR_NAMES, to_rgb
from arcgames.render import frame_to_text

Mode = Literal["tools", "json"]
Message = dict[str, Any]

_LEGEND = ", ".join(f"{i:x}={name}" for i, name in enumerate(COLOUR_NAMES))
_LAST = FRAME_SIZE - 1

SYSTEM_PROMPT = f"""You are playing a turn-based puzzle game on a {FRAME_SIZE}x{FRAME_SIZE} grid of coloured pixels.
There are no instructions: find out the rules by acting and watching how the grid changes.
The game has several levels; completing one moves you to the next. Your goal is to complete
as many levels as possible with as few actions as possible. Every action counts, RESET and
undo included.

Actions (each game uses only some of them; the available ones are listed every turn):
- RESET: restart the current level from its start.
- ACTION1: up. ACTION2: down. ACTION3: left. ACTION4: right.
- ACTION5: interact / use.
- ACTION6: click the pixel at column x and row y, each in 0..{_LAST} (x=0 is the left edge, y=0 the top).
- ACTION7: undo the last action.
After GAME OVER only RESET is possible; it retries the level.

The grid is shown as one line per row, top row first, one hex digit per pixel giving its
colour ({_LEGEND})."""

RLE_NOTE = """Rows are run-length encoded: "0x12 5x3" means 12 pixels of colour 0, then 3 of colour 5."""

TOOLS_NOTE = """Each turn, call the take_action function once. Put a short note to yourself in "note"
(what you are testing or what you learned); recent notes are shown back to you."""

JSON_NOTE = f"""Each turn, reply with exactly one JSON object and nothing else, for example
{{"action": "ACTION4", "note": "testing whether the blue shape moves right"}} or
{{"action": "ACTION6", "x": 10, "y": 20, "note": "clicking the red square"}}.
"x" and "y" (0..{_LAST}) are needed for ACTION6 only. "note" is a short note to yourself;
recent notes are shown back to you."""


def system_prompt(mode: Mode, rle: bool) -> str:
    """The system prompt for tool calling or strict-JSON replies."""
    parts = [SYSTEM_PROMPT, RLE_NOTE if rle else "", TOOLS_NOTE if mode == "tools" else JSON_NOTE]
    return "\n\n".join(part for part in parts if part)


def prompt_fingerprint() -> str:
    """A short hash of every fixed prompt text, for the agent's config (and so its recording header)."""
    text = "\n".join((SYSTEM_PROMPT, RLE_NOTE, TOOLS_NOTE, JSON_NOTE))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def listed(available: tuple[ActionId, ...]) -> list[str]:
    """Action names as the model sees them: RESET last, because weak models pick the first option."""
    ids = sorted(ActionId(a) for a in available)
    return [a.name for a in ids if a != ActionId.RESET] + [a.name for a in ids if a == ActionId.RESET]


def take_action_tool(available: tuple[ActionId, ...]) -> dict[str, Any]:
    """The ``take_action`` function schema offered to tool-calling models."""
    coordinate = {"type": "integer", "minimum": 0, "maximum": _LAST}
    return {
        "type": "function",
        "function": {
            "name": "take_action",
            "description": "Take one action in the game.",
            "parameters": {
                "type": "object",
                "properties": {
                    "action": {"type": "string", "enum": listed(available)},
                    "x": {**coordinate, "description": "column of the click (ACTION6 only)"},
                    "y": {**coordinate, "description": "row of the click (ACTION6 only)"},
                    "note": {"type": "string", "description": "a short note to yourself for later turns"},
                },
                "required": ["action"],
            },
        },
    }


def rle_row(row: np.ndarray) -> str:
    """One row as ``colour x count`` runs: ``[0]*12 + [5]*3`` -> ``"0x12 5x3"``."""
    values = row.tolist()
    runs, start = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            runs.append(f"{values[start]:x}x{i - start}")
            start = i
    return " ".join(runs)


def frame_text(frame: np.ndarray, rle: bool = False) -> str:
    """The frame as text: hex digits per row, or run-length encoded rows."""
    return "\n".join(rle_row(row) for row in frame) if rle else frame_to_text(frame)


def frame_png_url(frame: np.ndarray, scale: int = 8) -> str:
    """The frame as a base64 PNG data URL, each pixel a ``scale`` x ``scale`` block (vision models)."""
    rgb = np.repeat(np.repeat(to_rgb(frame), scale, axis=0), scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass
class HistoryEntry:
    """One past action as the model is reminded of it."""

    step: int
    action: str
    note: str = ""
    outcome: str = "?"  # filled in when the next frame is seen


class History:
    """The last ``size`` actions, their outcomes and the model's notes (a bounded deque)."""

    def __init__(self, size: int) -> None:
        self.entries: deque[HistoryEntry] = deque(maxlen=max(0, size))

    def add(self, step: int, action: str, note: str = "") -> None:
        self.entries.append(HistoryEntry(step, action, note))

    def set_outcome(self, outcome: str) -> None:
        if self.entries:
            self.entries[-1].outcome = outcome

    def clear(self) -> None:
        self.entries.clear()

    def text(self) -> str:
        lines = []
        for entry in self.entries:
            note = f" | note: {entry.note}" if entry.note else ""
            lines.append(f"step {entry.step}: {entry.action} -> {entry.outcome}{note}")
        return "\n".join(lines)


def describe_outcome(before: np.ndarray, info_before: dict[str, Any], after: np.ndarray, info: dict[str, Any]) -> str:
    """What an action did, in the terms a player can see: level progress, game over, pixels changed."""
    if info["levels_completed"] > info_before["levels_completed"]:
        if info["state"] == "WIN":
            return "completed the last level"
        return f"completed level {info_before['level'] + 1}; now on level {info['level'] + 1}"
    if info["state"] == "GAME_OVER":
        return "GAME OVER (the next action must be RESET)"
    changed = int(np.count_nonzero(before != after))
    return f"{changed} pixels changed" if changed else "nothing changed"


def user_message(
    frame: np.ndarray, info: dict[str, Any], history: History, *, rle: bool = False, image: bool = False
) -> Message:
    """The turn's user message: history, progress, available actions and the frame."""
    available = ", ".join(listed(info["available_actions"]))
    parts = []
    if history.entries:
        parts.append(f"Recent actions, oldest first:\n{history.text()}")
    parts.append(
        f"Level {info['level'] + 1} of {info['num_levels']} ({info['levels_completed']} completed). "
        f"Actions so far: {info['action_count']} ({info['level_action_count']} on this level). "
        f"State: {info['state']}.\nAvailable actions: {available}"
    )
    encoding = "run-length encoded rows" if rle else "one hex digit per pixel"
    parts.append(f"Current frame ({FRAME_SIZE} rows, {encoding}):\n{frame_text(frame, rle)}")
    text = "\n\n".join(parts)
    if not image:
        return {"role": "user", "content": text}
    picture = {"type": "image_url", "image_url": {"url": frame_png_url(frame)}}
    return {"role": "user", "content": [{"type": "text", "text": text}, picture]}


def turn_messages(
    frame: np.ndarray, info: dict[str, Any], history: History, mode: Mode, *, rle: bool = False, image: bool = False
) -> list[Message]:
    """One turn's conversation: the system prompt, then the user message (what the agent sends, what SFT data holds)."""
    return [
        {"role": "system", "content": system_prompt(mode, rle)},
        user_message(frame, info, history, rle=rle, image=image),
    ]
