"""Game definitions: level maps as ASCII art with a legend, plus a composition of primitives.

A game file in ``games/`` builds one :class:`Game`; everything here is checked when
the game is loaded, so a malformed map fails at import with the game, level, row and
column named, never in the middle of play.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from arcgames.actions import ActionId
from arcgames.draw import (
    BOARD_HEIGHT,
    BOARD_TOP,
    BOARD_WIDTH,
    Counter,
    Look,
    cell_size,
    game_counters,
    strip_table,
    tile_table,
)
from arcgames.kernels import unsupported_reason
from arcgames.kinds import AVATAR, KINDS, Layer, kind_id
from arcgames.primitives import Condition, LevelProblem, Rule
from arcgames.state import NUM_VARS, State

ENGINE_VERSION = "0.2.0"  # 0.2: status strip, one cell size per game, inset tiles (issue 15)
Split = Literal["public", "evaluation"]
SPLITS: tuple[Split, ...] = ("public", "evaluation")

# Symbol -> (terrain kind, object kind or "" for none). Games may add or override symbols.
DEFAULT_LEGEND: dict[str, tuple[str, str]] = {
    ".": ("floor", ""),
    "#": ("wall", ""),
    "@": ("floor", "avatar"),
    "G": ("goal", ""),
    "+": ("goal", "avatar"),
    "B": ("floor", "block"),
    "*": ("goal", "block"),
    "L": ("lava", ""),
    "k": ("key", ""),
    "D": ("door", ""),
    "o": ("gem", ""),
    "C": ("floor", "chaser"),
    "0": ("light_off", ""),
    "1": ("light_on", ""),
    "u": ("unpainted", ""),
    "t": ("trail", ""),
    "&": ("trail", "avatar"),
    "P": ("portal", ""),
    "S": ("switch", ""),
    "X": ("gate_closed", ""),
    "_": ("gate_open", ""),
    "O": ("floor", "boulder"),
}

_GAME_ID = re.compile(r"^[a-z0-9]{4}$")


class GameDefinitionError(ValueError):
    """A game or level definition that cannot be loaded."""


def _check_level(where: str, prim: Rule | Condition, board: np.ndarray) -> None:
    """Run a primitive's level check on a level's start board; a problem, or a broken check, refuses the game."""
    if prim.check is None:
        return
    try:
        problem = prim.check(board.copy())  # a copy: a check cannot change the level
    except Exception as err:
        raise GameDefinitionError(f"{where}: the level check of {prim.__name__} failed: {err!r}") from err
    if problem is None:
        return
    if not isinstance(problem, LevelProblem):
        raise GameDefinitionError(f"{where}: the level check of {prim.__name__} returned {problem!r}; "
                                  "a check returns a LevelProblem or None")  # fmt: skip
    at = "" if problem.cell is None else f", row {problem.cell[0] + 1}, column {problem.cell[1] + 1}"
    raise GameDefinitionError(f"{where}{at}: {problem.text} ({prim.__name__})")


@dataclass(frozen=True)
class Layout:
    """Where a board of ``height`` x ``width`` cells sits in the 64x64 frame."""

    height: int
    width: int
    scale: int  # frame pixels per cell side
    top: int
    left: int

    @classmethod
    def fit(cls, height: int, width: int, scale: int) -> Layout:
        """A board of ``scale`` px cells (the game's one cell size, :func:`arcgames.draw.cell_size`), centred in
        the board area below the status strip (frame rows 4-63)."""
        top = BOARD_TOP + (BOARD_HEIGHT - height * scale) // 2
        return cls(height, width, scale, top, (BOARD_WIDTH - width * scale) // 2)

    def cell_at(self, x: int, y: int) -> tuple[int, int]:
        """The board (row, col) under frame pixel (x, y), or (-1, -1) off the board."""
        row, col = (y - self.top) // self.scale, (x - self.left) // self.scale
        if y >= self.top and x >= self.left and row < self.height and col < self.width:
            return row, col
        return -1, -1

    def pixel_of(self, row: int, col: int) -> tuple[int, int]:
        """Frame (x, y) of the centre of board cell (row, col): where to click it."""
        return self.left + col * self.scale + self.scale // 2, self.top + row * self.scale + self.scale // 2


@dataclass(frozen=True)
class Level:
    start: State
    layout: Layout


# The core-knowledge priors a game can exercise, as "<family>.<prior>".
PRIORS: dict[str, tuple[str, ...]] = {
    "objectness": ("cohesion", "persistence", "contact", "containment", "occlusion"),
    "agentness": ("avatar", "chase", "flee", "patrol", "copy"),
    "geometry": ("symmetry", "rotation", "reflection", "shape_matching", "connectivity", "inside_outside"),
    "numbers": ("counting", "comparing", "sorting", "arithmetic"),
}
KNOWN_PRIORS = frozenset(f"{family}.{prior}" for family, priors in PRIORS.items() for prior in priors)


@dataclass(frozen=True)
class Card:
    """A game's card, for authors and reviewers only: never shown to agents.

    ``levels`` says, for each level, the insight it tests. The primitives a game uses
    and its solver counts are derived, not written here.
    """

    idea: str
    priors: tuple[str, ...]
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Game:
    """One game: ordered level maps plus the primitives that make its rules.

    ``id`` is an opaque 4-character code (lowercase letters and digits): agents see
    it, so it must not describe the game. ``title`` and the module docstring are for
    authors only and never reach agents.
    """

    id: str
    title: str
    split: Split
    levels: Sequence[str]
    actions: Sequence[ActionId]
    rules: Sequence[Rule]
    win: Sequence[Condition]
    lose: Sequence[Condition] = ()
    legend: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    colours: Mapping[str, int] = field(default_factory=dict)  # kind name -> palette index
    background: int = 0  # palette index of the frame outside the board
    card: Card | None = None
    parsed: tuple[Level, ...] = field(init=False, repr=False)
    lut: np.ndarray = field(init=False, repr=False)  # visible kind id -> palette index
    counters: tuple[Counter, ...] = field(init=False, repr=False)  # shown in the status strip, from the primitives
    look: Look = field(init=False, repr=False)  # what the engines draw frames with (arcgames/draw.py)
    version: str = field(init=False)

    def __post_init__(self) -> None:
        if not _GAME_ID.match(self.id):
            raise GameDefinitionError(f"game id {self.id!r} must be 4 lowercase letters/digits, e.g. 'k3x9'")
        if self.split not in SPLITS:
            raise GameDefinitionError(f"game {self.id}: split {self.split!r} must be one of {SPLITS}")
        if not self.levels:
            raise GameDefinitionError(f"game {self.id}: needs at least one level")
        if not self.win:
            raise GameDefinitionError(f"game {self.id}: needs at least one win condition")
        reason = unsupported_reason((*self.rules, *self.win, *self.lose))
        if reason is not None:
            raise GameDefinitionError(f"game {self.id}: {reason}")
        for what, role, fns in (("rules", "rule", self.rules), ("win", "condition", self.win),
                                ("lose", "condition", self.lose)):  # fmt: skip
            for fn in fns:
                if fn.role != role:
                    raise GameDefinitionError(f"game {self.id}: {fn.__name__!r} is a {fn.role}, not a {role}, "
                                              f"so it cannot be in {what}=")  # fmt: skip
        actions = tuple(sorted(ActionId(a) for a in self.actions))
        if not actions or ActionId.RESET in actions:
            raise GameDefinitionError(
                f"game {self.id}: actions must list the ACTION1..7 it uses (RESET is always available)"
            )
        object.__setattr__(self, "actions", actions)
        if self.card is not None:
            unknown = sorted(set(self.card.priors) - KNOWN_PRIORS)
            if unknown:
                raise GameDefinitionError(f"game {self.id}: unknown priors {unknown}; known: {sorted(KNOWN_PRIORS)}")
            if len(self.card.levels) != len(self.levels):
                raise GameDefinitionError(
                    f"game {self.id}: card has {len(self.card.levels)} level notes for {len(self.levels)} levels"
                )
        legend = {**DEFAULT_LEGEND, **self.legend}
        starts = [self._parse(i, text, legend) for i, text in enumerate(self.levels)]
        # One cell size for every level: the largest level decides it (a person keeps one sense of scale).
        scale = cell_size(start.grid.shape[1:] for start in starts)
        parsed = tuple(Level(start, Layout.fit(*start.grid.shape[1:], scale)) for start in starts)
        object.__setattr__(self, "parsed", parsed)
        object.__setattr__(self, "lut", self._colour_table())
        object.__setattr__(self, "counters", self._counters())
        object.__setattr__(self, "look", self._look())
        object.__setattr__(self, "version", self._fingerprint(legend))

    def _parse(self, index: int, text: str, legend: Mapping[str, tuple[str, str]]) -> State:
        where = f"game {self.id}, level {index + 1}"
        rows = [row.rstrip() for row in text.strip("\n").split("\n")]
        if not rows or not rows[0]:
            raise GameDefinitionError(f"{where}: the map is empty")
        width = len(rows[0])
        if len(rows) > BOARD_HEIGHT or width > BOARD_WIDTH:
            raise GameDefinitionError(
                f"{where}: map is {len(rows)}x{width}; at most {BOARD_HEIGHT}x{BOARD_WIDTH} (the board area below "
                "the status strip), and at most 20x21 for 3 px cells"
            )
        grid = np.zeros((2, len(rows), width), dtype=np.uint8)
        for r, row in enumerate(rows):
            if len(row) != width:
                raise GameDefinitionError(
                    f"{where}, row {r + 1}: has {len(row)} columns but row 1 has {width}; maps must be rectangular"
                )
            for c, symbol in enumerate(row):
                if symbol not in legend:
                    raise GameDefinitionError(
                        f"{where}, row {r + 1}, column {c + 1}: unknown symbol {symbol!r}; "
                        f"known symbols: {''.join(sorted(legend))}"
                    )
                terrain, obj = legend[symbol]
                try:
                    grid[Layer.TERRAIN, r, c], grid[Layer.OBJECTS, r, c] = kind_id(terrain), kind_id(obj)
                except ValueError as err:
                    raise GameDefinitionError(f"{where}: legend symbol {symbol!r}: {err}") from None
        moves = {ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4}
        if moves & set(self.actions) and not (grid[Layer.OBJECTS] == AVATAR).any():
            raise GameDefinitionError(f"{where}: the game uses moves but the map has no avatar ('@')")
        for prim in (*self.rules, *self.win):  # the primitives' level checks (arcgames.primitives.base.LevelCheck)
            _check_level(where, prim, grid)
        return State(grid, np.zeros(NUM_VARS, dtype=np.int32))

    def _colour_table(self) -> np.ndarray:
        lut = np.zeros(256, dtype=np.uint8)
        for kind in KINDS.values():
            lut[kind.id] = kind.colour
        for name, colour in self.colours.items():
            if not 0 <= colour < 16:
                raise GameDefinitionError(f"game {self.id}: colour {colour} for {name!r} must be a palette index 0..15")
            lut[kind_id(name)] = colour
        return lut

    def _counters(self) -> tuple[Counter, ...]:
        try:
            return game_counters((*self.rules, *self.win, *self.lose))
        except ValueError as err:
            raise GameDefinitionError(f"game {self.id}: {err}") from None

    def _look(self) -> Look:
        layouts = np.array([[lv.layout.height, lv.layout.width, lv.layout.scale, lv.layout.top, lv.layout.left]
                            for lv in self.parsed], dtype=np.int64)  # fmt: skip
        try:
            style, placed = strip_table(self.num_levels, self.counters, self.background)
        except ValueError as err:
            raise GameDefinitionError(f"game {self.id}: {err}") from None
        return Look(layouts, self.lut, tile_table(), style, placed)

    def _fingerprint(self, legend: Mapping[str, tuple[str, str]]) -> str:
        """Hash of everything that decides the game's behaviour, rule code included."""
        h = hashlib.blake2b(digest_size=8)
        h.update(repr((ENGINE_VERSION, self.id, tuple(self.levels), self.actions, sorted(legend.items()))).encode())
        h.update(repr((sorted(self.colours.items()), self.background, self.counters)).encode())
        for fn in (*self.rules, *self.win, *self.lose):
            h.update(fn.fingerprint())
        return h.hexdigest()

    @property
    def num_levels(self) -> int:
        return len(self.parsed)

    @property
    def primitives(self) -> tuple[str, ...]:
        """Names of the rules and conditions the game is composed of."""
        return tuple(fn.__name__ for fn in (*self.rules, *self.win, *self.lose))
