"""Test helpers: tiny games built from ASCII maps, and boards turned back into ASCII.

Tests draw boards the way games do (see ``arcgames.game.DEFAULT_LEGEND``), so an
assertion reads like the level it checks::

    engine = Engine(tiny_game("#@B.#", rules=(push_blocks, move_avatar)))
    engine.step(Action.RIGHT)
    assert board_text(engine) == "#.@B#"
"""

from __future__ import annotations

import hashlib
import json
import textwrap
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine
from arcgames.game import DEFAULT_LEGEND, Game
from arcgames.kinds import kind_id
from arcgames.primitives import Condition, Rule, condition
from arcgames.state import State

MOVES = (ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4)


def ascii_map(text: str) -> str:
    """An indented triple-quoted map as the plain rows a Game expects."""
    return textwrap.dedent(text).strip("\n")


@condition(register=False)
def never(grid, vars, flags):
    """A win condition that never holds, so rule tests stay on their level."""
    return False


def cells_of(layer: np.ndarray, kind: int) -> list[tuple[int, int]]:
    """The (row, col) cells of a layer holding ``kind``, in reading order."""
    return [(int(y), int(x)) for y, x in zip(*np.nonzero(layer == kind), strict=True)]


def tiny_game(
    *maps: str,
    rules: Sequence[Rule],
    win: Sequence[Condition] = (never,),
    lose: Sequence[Condition] = (),
    actions: Iterable[ActionId] = (*MOVES, ActionId.ACTION7),
    legend: Mapping[str, tuple[str, str]] | None = None,
    game_id: str = "t001",
    title: str = "test game",
    **kwargs,
) -> Game:
    """A one-file-style game for a unit test; never registered (drive it with Engine)."""
    return Game(
        id=game_id,
        title=title,
        split="public",
        levels=[ascii_map(m) for m in maps],
        actions=tuple(actions),
        rules=tuple(rules),
        win=tuple(win),
        lose=tuple(lose),
        legend=dict(legend or {}),
        **kwargs,
    )


def board_text(source: Engine | State, game: Game | None = None) -> str:
    """The board as ASCII rows, using the game's legend (``?`` for a cell no symbol draws)."""
    if isinstance(source, Engine):
        state, game = source.state, source.game
    else:
        state = source
    assert game is not None, "board_text(state) needs the game, for its legend"
    symbols: dict[tuple[int, int], str] = {}
    # The game's own symbols win over the defaults they extend.
    for symbol, (terrain, obj) in (*game.legend.items(), *DEFAULT_LEGEND.items()):
        symbols.setdefault((kind_id(terrain), kind_id(obj)), symbol)
    terrain, objects = state.grid
    return "\n".join(
        "".join(symbols.get((t, o), "?") for t, o in zip(trow, orow, strict=True))
        for trow, orow in zip(terrain.tolist(), objects.tolist(), strict=True)
    )


CLICK_ACTIONS = (ActionId.ACTION5, ActionId.ACTION6)


def click_engine(board: str, rules: tuple, legend: dict[str, tuple[str, str]]) -> Engine:
    """An engine for a click-driven test game (ACTION5 and ACTION6) on ``board``."""
    return Engine(tiny_game(board, rules=rules, actions=CLICK_ACTIONS, legend=legend))


def click_cell(engine: Engine, row: int, col: int) -> bool:
    """Click the centre of board cell (row, col)."""
    return engine.step(Action.click(*engine.layout.pixel_of(row, col)))


def play(engine: Engine, *actions: Action) -> list[bool]:
    """Step several actions; return what each step returned (True = completed a level)."""
    return [engine.step(a) for a in actions]


def frame_hash(frame: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(frame).tobytes(), digest_size=16).hexdigest()


def forge(path: Path, lines: list[str]) -> Path:
    """Write JSONL ``lines`` to ``path`` with a freshly computed hash chain: what a forger does after an edit.

    The chain only makes accidental damage evident; anyone can recompute it, so tests of what replay and
    the leaderboard catch must attack with forged files, not merely edited ones.
    """
    chain, out = 0, []
    for number, line in enumerate(lines):
        data = line.rstrip("\n")
        if number:
            obj = json.loads(data)
            obj["prev"] = f"{chain:08x}"
            data = json.dumps(obj, separators=(",", ":"))
        out.append(data + "\n")
        chain = zlib.crc32(data.encode(), chain)
    path.write_text("".join(out))
    return path
