"""What a person's keys and clicks do, and the status line they see: one definition for every play window.

The pygame window (:mod:`arcgames.play`) and the browser's play page (``arcgames serve``,
:mod:`arcgames.server.web`) both read this module, so the two never drift apart: the
same keys send the same actions, the same keys a game does not use are refused with the
same hint (and never sent, so they never cost an action), and the status line reads the
same. Nothing here imports pygame.

Key names are pygame's (``pygame.K_<name>``); :func:`browser_keys` gives the same table
keyed by the browser's ``KeyboardEvent.key`` values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from arcgames.actions import ActionId

# Keys -> actions. Z undoes with or without Ctrl, as people expect from other programs.
KEYS: dict[str, ActionId] = {
    "UP": ActionId.ACTION1,
    "w": ActionId.ACTION1,
    "DOWN": ActionId.ACTION2,
    "s": ActionId.ACTION2,
    "LEFT": ActionId.ACTION3,
    "a": ActionId.ACTION3,
    "RIGHT": ActionId.ACTION4,
    "d": ActionId.ACTION4,
    "SPACE": ActionId.ACTION5,
    "z": ActionId.ACTION7,
    "r": ActionId.RESET,
}
# pygame's names of the keys that are not one letter, as the browser calls them.
BROWSER_NAMES = {"UP": "ArrowUp", "DOWN": "ArrowDown", "LEFT": "ArrowLeft", "RIGHT": "ArrowRight", "SPACE": " "}

UNUSED_HINTS: dict[ActionId, str] = {
    ActionId.ACTION1: "this game doesn't use the arrow keys",
    ActionId.ACTION2: "this game doesn't use the arrow keys",
    ActionId.ACTION3: "this game doesn't use the arrow keys",
    ActionId.ACTION4: "this game doesn't use the arrow keys",
    ActionId.ACTION5: "this game doesn't use the space key",
    ActionId.ACTION6: "this game doesn't use clicks",
    ActionId.ACTION7: "this game has no undo",
}

# (keys, what they do, the actions they send); lists controls only, never game rules.
CONTROLS: tuple[tuple[str, str, tuple[ActionId, ...]], ...] = (
    ("arrows / WASD", "move up, down, left, right", (ActionId.ACTION1,)),
    ("space", "interact", (ActionId.ACTION5,)),
    ("left click", "click a spot", (ActionId.ACTION6,)),
    ("Z / Ctrl+Z", "undo", (ActionId.ACTION7,)),
    ("R", "restart the level", (ActionId.RESET,)),
    ("H / ?", "show or hide this help", ()),
    ("Esc / Q", "quit (your play is saved)", ()),
)
STATE_WORDS = {"NOT_FINISHED": "playing", "WIN": "won", "GAME_OVER": "game over"}
IDLE_NOTE = "H or ? for help, Esc quits"


def refusal(action: ActionId, state: str, available: Iterable[ActionId], untouched: bool = False) -> str | None:
    """Why a person's action is not sent now (the hint to show), or None when it is sent and counts.

    A key the game ignores must not cost an action, so it is refused before it reaches the game;
    so is RESET on a level nothing has been done on yet (``untouched``: since it started, was
    restarted or was reached), which would restart nothing: the server's API never counts it either.
    """
    if state == "WIN":
        return "the game is won: Esc or Q quits"
    if action != ActionId.RESET and action not in set(available):
        return UNUSED_HINTS[action]
    if state == "GAME_OVER" and action != ActionId.RESET:
        return "game over: press R to retry the level"
    if action == ActionId.RESET and untouched and state != "GAME_OVER":
        return "the level is at its start already"
    return None


def status_line(info: Mapping[str, Any]) -> str:
    """The status bar's first line, from an env ``info`` dict."""
    return (
        f"level {info['level'] + 1} of {info['num_levels']}    "
        f"actions: {info['level_action_count']} this level, {info['action_count']} total    "
        f"{STATE_WORDS.get(info['state'], info['state'])}"
    )


def solved_line(solved_level: int) -> tuple[str, str]:
    """The status bar while a solved level's board stays up (``solved_level`` is 1-based)."""
    return f"level {solved_level} solved!", "any key goes on to the next level"


def help_lines(available: Iterable[ActionId]) -> list[str]:
    """The help overlay: a heading, then ``keys\\twhat they do`` rows."""
    used = set(available)
    lines = ["Controls"]
    for keys, meaning, actions in CONTROLS:
        unused = actions and not set(actions) & used
        lines.append(f"{keys}\t{meaning}" + (" (not used here)" if unused else ""))
    return [*lines, "", "H or ? closes this help"]


def end_lines(info: Mapping[str, Any]) -> list[str] | None:
    """What the win or game-over screen says, or None while the game is being played."""
    if info["state"] == "WIN":
        return [
            "You won!",
            f"all {info['num_levels']} levels done in {info['action_count']} actions",
            "Esc or Q quits (your play is saved)",
        ]
    if info["state"] == "GAME_OVER":
        return ["Game over", "this level was lost", "R retries the level, Esc or Q quits"]
    return None


def browser_keys() -> dict[str, str]:
    """``KEYS`` keyed by ``KeyboardEvent.key`` (letters in both cases: Caps Lock must not change a key)."""
    table: dict[str, str] = {}
    for name, action in KEYS.items():
        browser = BROWSER_NAMES.get(name, name)
        table[browser] = action.name
        if len(browser) == 1 and browser.isalpha():
            table[browser.upper()] = action.name
    return table
