"""The game generator: new games composed from the suite's primitives, every level proven solvable.

``arcgames generate --seed S --games N --out PACK`` writes a pack folder of N game files
(real Python in the shape of ``games/*.py``) and their ``solver_counts.json``. A game is
a *spec* — a win condition, the locks that stand between the avatar and it, hazards,
distractors, and a look (a colour per kind and a background) — plus at least seven
level maps of rising difficulty.

Levels are sampled backward from the goal, in the style of XLand-MiniGrid: the board
is a chain of rooms; the goal goes into the last room first, then, walking back toward
the start, each wall between two rooms gets a lock (a door, a gate, a block in the
doorway, or a portal over the wall) and the lock's key (a key, a switch, the other
portal) goes into a room before it; the avatar starts in the first room. So a level is
solvable by construction where the pieces do not interfere; hazards, distractors and
clutter can make them interfere, which is why the breadth-first solver verifies every
level, always, and the generator resamples what fails. Each level must also need more
solver actions than the one before, and survive the exploit audit (:mod:`arcgames.audit`:
random play, a repeated action, a frame-change search, the explorer, at 5x the solver
count); each game must pass the same checks as a hand-made game
(:func:`arcgames.checks.check_game`). Every rejection is counted.

Everything here uses the public authoring API only: level maps over the default
legend, primitives referenced by name from :mod:`arcgames.primitives` as game files
import them, :class:`arcgames.game.Game`. The files it writes are the only code a pack
of generated games holds; nothing read from data is ever executed.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel

import arcgames.primitives as primitives
from arcgames.actions import ActionId
from arcgames.audit import GOAL_FACTOR, audit_level
from arcgames.baselines import SOLVER_COUNTS_FILE
from arcgames.game import Card, Game, GameDefinitionError
from arcgames.palette import NUM_COLOURS
from arcgames.registry import list_games, provisional
from arcgames.solver import SolverLimitError, solve

MIN_LEVELS = 7
AUDIT_PLAYS = 12  # plays of each blind strategy (arcgames.audit) per candidate level; one win rejects it
REPORT_FILE = "generated.json"
ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
MAX_LEVEL_TRIES = 60  # candidate maps per level before the game is given up and resampled
MAX_GAME_TRIES = 12  # candidate games per pack slot before generation stops with an error

STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))
BLOCKING = "#SLD"  # symbols that stand in the way: wall, switch, lava, a closed door
MOVES = (ActionId.ACTION1, ActionId.ACTION2, ActionId.ACTION3, ActionId.ACTION4)


# --- the pieces a game is made of ---------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One mechanic: the primitives it brings (by name, in the suite's update order) and what it draws."""

    rules: tuple[str, ...] = ()
    win: tuple[str, ...] = ()
    lose: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # kinds it puts on the board, each given a colour of its own
    priors: tuple[str, ...] = ()
    actions: tuple[ActionId, ...] = ()
    words: str = ""  # what it is, for the card (authors only)


# Update order of every rule a generated game can use: the order the hand-made games use.
RULE_ORDER = (
    "unlock_doors",
    "interact_switch",
    "push_blocks",
    "enter_portals",
    "move_avatar",
    "collect_items",
    "chase",
)

GOALS = {
    "reach": Piece(win=("reach_goal",), kinds=("goal",), words="reach the goal"),
    "gems": Piece(rules=("collect_items",), win=("all_gems_collected",), kinds=("gem",), priors=("numbers.counting",),
                  words="collect every gem"),
    "cover": Piece(rules=("push_blocks",), win=("cover_goals",), kinds=("block", "goal"),
                   priors=("objectness.cohesion", "geometry.inside_outside"), words="push the block onto the goal"),
}  # fmt: skip
LOCKS = {
    "door": Piece(rules=("unlock_doors", "collect_items"), kinds=("key", "door"),
                  priors=("objectness.containment", "numbers.counting"), words="a key opens one door"),
    "gate": Piece(rules=("interact_switch",), kinds=("switch", "gate_closed", "gate_open"),
                  actions=(ActionId.ACTION5,), priors=("objectness.contact",),
                  words="ACTION5 beside a switch flips every gate"),
    "block": Piece(rules=("push_blocks",), kinds=("block",), priors=("objectness.cohesion",),
                   words="a block in a doorway must be pushed through"),
    "portal": Piece(rules=("enter_portals",), kinds=("portal",), priors=("geometry.connectivity",),
                    words="a portal carries the avatar over a wall"),
}  # fmt: skip
HAZARDS = {
    "lava": Piece(lose=("touch_lava",), kinds=("lava",), priors=("objectness.contact",), words="lava kills"),
    "chaser": Piece(rules=("chase",), lose=("caught",), kinds=("chaser",), priors=("agentness.chase",),
                    words="a chaser closes in; next to it loses"),
}  # fmt: skip
# Distractors: objects that do not lie on the way to the goal (a door that leads nowhere spends a key, an
# open gate closes when the switch flips, a gem that only vanishes when walked over is a distractor rule).
DISTRACTORS = {
    "decoy_door": ("door", "D"),
    "open_gate": ("gate", "_"),
    "decoy_gem": ("reach", "o"),
    "lava": ("lava", "L"),
    "clutter": ("", "#"),
}
BASE = Piece(rules=("move_avatar",), kinds=("floor", "wall", "avatar"), priors=("agentness.avatar",), actions=MOVES)


@dataclass(frozen=True)
class Knobs:
    """The difficulty of one level: what the sampler is asked for (the solver measures what it got)."""

    depth: int  # locks between the start and the goal (rule depth)
    distractors: int  # objects off the way to the goal (decoy doors, open gates, gems, lava, clutter)
    height: int  # board rows, outer walls included
    width: int  # board columns, outer walls included
    min_solution: int  # fewest solver actions a level may need
    clutter: float  # share of each room's free cells turned into wall (rooms become mazes)


@dataclass(frozen=True)
class Preset:
    """A family of games of one difficulty; each range runs from the first level to the last."""

    name: str
    goals: tuple[str, ...]
    locks: tuple[str, ...]
    lock_kinds: tuple[int, int]  # how many lock kinds one game draws (at least, at most)
    hazards: tuple[str, ...]
    max_hazards: int
    depth: tuple[int, int]
    distractors: tuple[int, int]
    height: tuple[int, int]
    width: tuple[int, int]
    min_solution: tuple[int, int]
    clutter: float  # share of a room's free cells turned into wall (halved in push games: blocks need room)
    max_states: int  # solver budget per level; a level over it is resampled
    levels: int = MIN_LEVELS

    def knobs(self, level: int) -> Knobs:
        t = level / max(self.levels - 1, 1)

        def lerp(span: tuple[int, int]) -> int:
            return round(span[0] + (span[1] - span[0]) * t)

        return Knobs(lerp(self.depth), lerp(self.distractors), lerp(self.height), lerp(self.width),
                     lerp(self.min_solution), self.clutter)  # fmt: skip


PRESETS = {
    p.name: p
    for p in (
        # tiny: the tests' preset (seconds per game); the four after it rise in difficulty, as XLand-MiniGrid's do.
        Preset("tiny", goals=("reach", "gems"), locks=("door",), lock_kinds=(0, 1), hazards=("lava",), max_hazards=1,
               depth=(0, 1), distractors=(0, 1), height=(7, 9), width=(8, 11), min_solution=(9, 16), clutter=0.3,
               max_states=8_000),
        Preset("trivial", goals=("reach", "gems", "cover"), locks=(), lock_kinds=(0, 0), hazards=(), max_hazards=0,
               depth=(0, 0), distractors=(0, 2), height=(7, 10), width=(8, 13), min_solution=(8, 14), clutter=0.3,
               max_states=20_000),
        Preset("small", goals=("reach", "gems", "cover"), locks=("door", "gate", "block"), lock_kinds=(1, 1),
               hazards=("lava",), max_hazards=1, depth=(1, 2), distractors=(0, 3), height=(6, 9), width=(8, 13),
               min_solution=(8, 20), clutter=0.25, max_states=40_000),
        Preset("medium", goals=("reach", "gems", "cover"), locks=("door", "gate", "block", "portal"),
               lock_kinds=(2, 2), hazards=("lava", "chaser"), max_hazards=1, depth=(1, 3), distractors=(1, 4),
               height=(7, 10), width=(9, 16), min_solution=(10, 28), clutter=0.25, max_states=60_000),
        Preset("high", goals=("reach", "gems", "cover"), locks=("door", "gate", "block", "portal"),
               lock_kinds=(2, 3), hazards=("lava", "chaser"), max_hazards=2, depth=(2, 4), distractors=(2, 5),
               height=(8, 10), width=(11, 16), min_solution=(14, 34), clutter=0.25, max_states=60_000),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Spec:
    """A game's rule set and look: what makes it a different game from another."""

    goal: str
    locks: tuple[str, ...]
    hazards: tuple[str, ...]
    distractors: tuple[str, ...]
    colours: tuple[tuple[str, int], ...]  # kind -> palette index, sorted by kind
    background: int

    @property
    def pieces(self) -> list[Piece]:
        return [BASE, GOALS[self.goal], *(LOCKS[k] for k in self.locks), *(HAZARDS[h] for h in self.hazards)]

    @property
    def rules(self) -> tuple[str, ...]:
        names = {r for p in self.pieces for r in p.rules}
        if "decoy_gem" in self.distractors:
            names.add("collect_items")  # a distractor rule: gems vanish when walked over, and nothing else
        return tuple(r for r in RULE_ORDER if r in names)

    @property
    def win(self) -> tuple[str, ...]:
        return tuple(w for p in self.pieces for w in p.win)

    @property
    def lose(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for p in self.pieces for name in p.lose))

    @property
    def actions(self) -> tuple[ActionId, ...]:
        return tuple(sorted({a for p in self.pieces for a in p.actions}))

    @property
    def rule_set(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        return self.rules, self.win, self.lose

    @property
    def signature(self) -> tuple:
        """Rule set and look: two games with the same signature are the same game."""
        return self.rule_set, self.colours, self.background


def game_kinds(goal: str, locks: Sequence[str], hazards: Sequence[str], distractors: Sequence[str]) -> list[str]:
    pieces = [BASE, GOALS[goal], *(LOCKS[k] for k in locks), *(HAZARDS[h] for h in hazards)]
    kinds = [k for p in pieces for k in p.kinds]
    if "decoy_gem" in distractors:
        kinds.append("gem")
    return list(dict.fromkeys(kinds))


def sample_spec(rng: np.random.Generator, preset: Preset) -> Spec:
    """A rule set drawn from the preset, and a look: a colour of its own for every kind, and a background."""
    goal = str(rng.choice(preset.goals))
    count = int(rng.integers(preset.lock_kinds[0], preset.lock_kinds[1] + 1))
    locks = tuple(sorted(str(k) for k in rng.choice(preset.locks, size=count, replace=False))) if count else ()
    if locks == ("portal",):  # one portal pair per level: a portal alone cannot make two locks
        locks = ("door", "portal")
    n_hazards = int(rng.integers(0, preset.max_hazards + 1)) if preset.hazards else 0
    drawn = rng.choice(preset.hazards, size=n_hazards, replace=False) if n_hazards else ()
    hazards = tuple(sorted(str(h) for h in drawn))
    offered = [name for name, (needs, _) in DISTRACTORS.items() if needs in ("", goal, *locks, *hazards)]
    distractors = tuple(sorted(str(d) for d in rng.choice(offered, size=min(2, len(offered)), replace=False)))
    kinds = sorted(game_kinds(goal, locks, hazards, distractors))
    palette = [int(c) for c in rng.permutation(NUM_COLOURS)]
    colours = tuple(zip(kinds, palette, strict=False))
    background = palette[len(kinds)] if len(kinds) < NUM_COLOURS else dict(colours)["wall"]
    return Spec(goal, locks, hazards, distractors, colours, background)


def possible_games(preset: Preset) -> tuple[int, int]:
    """How many rule sets the preset can draw, and how many games: rule sets x colourings x backgrounds."""
    classes = set()  # (rule set, kinds coloured): each class holds every colouring of its kinds
    for goal in preset.goals:
        for count in range(preset.lock_kinds[0], preset.lock_kinds[1] + 1):
            for locks in _subsets(preset.locks, count):
                locks = ("door", "portal") if locks == ("portal",) else locks
                for n in range(preset.max_hazards + 1 if preset.hazards else 1):
                    for hazards in _subsets(preset.hazards, n):
                        offered = [d for d, (needs, _) in DISTRACTORS.items() if needs in ("", goal, *locks, *hazards)]
                        for distractors in _subsets(tuple(offered), min(2, len(offered))):
                            spec = Spec(goal, locks, hazards, distractors, (), 0)
                            classes.add((spec.rule_set, tuple(sorted(game_kinds(goal, locks, hazards, distractors)))))
    games = sum(math.perm(NUM_COLOURS, len(kinds)) * (NUM_COLOURS - len(kinds)) for _, kinds in classes)
    return len({rules for rules, _ in classes}), games


def _subsets(items: Sequence[str], k: int) -> list[tuple[str, ...]]:
    from itertools import combinations

    return [tuple(sorted(c)) for c in combinations(items, k)]


# --- levels, sampled backward from the goal -------------------------------------------


class _Board:
    """A level map under construction: characters on a grid, the rooms' cells, and cells kept free."""

    def __init__(self, height: int, width: int) -> None:
        self.cells = [["#"] * width for _ in range(height)]
        self.rooms: list[list[tuple[int, int]]] = []
        self.kept: set[tuple[int, int]] = set()  # doorway approaches: never filled

    def free(self, room: int) -> list[tuple[int, int]]:
        return [c for c in self.rooms[room] if self.cells[c[0]][c[1]] == "." and c not in self.kept]

    def open_cells(self, room: int) -> set[tuple[int, int]]:
        return {c for c in self.rooms[room] if self.cells[c[0]][c[1]] not in BLOCKING}

    def distances(self, start: tuple[int, int]) -> dict[tuple[int, int], int]:
        """Steps from ``start`` to every cell that blocks nothing (locks counted as open: a layout measure)."""
        seen, frontier = {start: 0}, deque([start])
        height, width = len(self.cells), len(self.cells[0])
        while frontier:
            y, x = frontier.popleft()
            for dy, dx in STEPS:
                n = (y + dy, x + dx)
                inside = 0 <= n[0] < height and 0 <= n[1] < width
                if inside and n not in seen and self.cells[n[0]][n[1]] not in BLOCKING:
                    seen[n] = seen[(y, x)] + 1
                    frontier.append(n)
        return seen

    def _in_one_piece(self, room: int) -> bool:
        rest = self.open_cells(room)
        return bool(rest) and len(self.distances(min(rest)).keys() & rest) == len(rest)

    def put(self, rng: np.random.Generator, room: int, symbol: str, inner: bool = False,
            far_from: tuple[int, int] | None = None) -> tuple[int, int] | None:  # fmt: skip
        """Put ``symbol`` on a random free cell of ``room`` and return the cell (None: no room left).

        ``inner``: a cell none of whose neighbours is wall; ``far_from``: one of the third of the
        cells farthest from that cell, so that the way there is long. Something in the way (wall,
        lava, a switch, a door) never cuts the room in two: a few cells are tried for it.
        """
        spots = self.free(room)
        if inner:
            spots = [(y, x) for y, x in spots if all(self.cells[y + dy][x + dx] != "#" for dy, dx in STEPS)]
        if far_from is not None and spots:
            away = self.distances(far_from)
            spots = sorted(spots, key=lambda c: (-away.get(c, -1), c))[: max(1, len(spots) // 3)]
        for _ in range(3 if symbol in BLOCKING else 1):
            if not spots:
                return None
            y, x = spots.pop(int(rng.integers(len(spots))))
            self.cells[y][x] = symbol
            if symbol not in BLOCKING or self._in_one_piece(room):
                return y, x
            self.cells[y][x] = "."
        return None

    def text(self, transpose: bool) -> str:
        rows = [list(r) for r in zip(*self.cells, strict=True)] if transpose else self.cells
        return "\n" + "\n".join("".join(r) for r in rows) + "\n"


def _widths(rng: np.random.Generator, total: int, rooms: int, last: int) -> list[int] | None:
    """Room widths of at least 2 (the last room at least ``last``) that fill ``total`` columns, split at random."""
    spare = total - 2 * rooms - (last - 2)
    if spare < 0:
        return None
    cuts = sorted(int(c) for c in rng.integers(0, spare + 1, size=rooms - 1))
    widths = [2 + b - a for a, b in zip([0, *cuts], [*cuts, spare], strict=True)]
    widths[-1] += last - 2
    return widths


def sample_level(rng: np.random.Generator, spec: Spec, knobs: Knobs) -> str | None:
    """One level map: rooms in a row (mazes made of clutter), the goal placed first, then each lock and its
    key walking back to the start, then the avatar far from where it must go.

    None when the knobs do not fit (a board too narrow for its rooms, nowhere left to put a piece).
    """
    rooms = knobs.depth + 1 if spec.locks else 1  # a game without locks has rule depth 0 on every level
    last_width = 4 if spec.goal == "cover" else 2  # a block needs room around it to be pushed anywhere
    height, width = knobs.height, max(knobs.width, 3 * rooms + last_width)
    widths = _widths(rng, width - 2 - (rooms - 1), rooms, last_width)
    if widths is None or height < 4:
        return None
    board = _Board(height, width)
    walls, x = [], 1
    for w in widths:
        board.rooms.append([(y, c) for y in range(1, height - 1) for c in range(x, x + w)])
        for y, c in board.rooms[-1]:
            board.cells[y][c] = "."
        walls.append(x + w)
        x += w + 1
    walls.pop()  # no wall after the last room
    locks, portal_used = [], False
    for c in walls:  # which lock each wall gets, and where its doorway is
        choices = [k for k in spec.locks if k != "portal" or not portal_used]
        lock = choices[int(rng.integers(len(choices)))]
        portal_used |= lock == "portal"
        y = int(rng.integers(1, height - 1))
        if lock != "portal":
            board.cells[y][c] = {"door": "D", "gate": "X", "block": "B"}[lock]
            board.kept |= {(y, c - 1), (y, c + 1)} | ({(y, c + 2)} if lock == "block" else set())
        locks.append((lock, (y, c)))
    pushing = spec.goal == "cover" or "block" in spec.locks
    for room in range(rooms):  # clutter makes mazes of the rooms
        for _ in range(int(len(board.free(room)) * knobs.clutter / (2 if pushing else 1))):
            board.put(rng, room, "#")
    last = rooms - 1
    entrance = (locks[-1][1][0], locks[-1][1][1] + 1) if locks else None
    # The goal first (in the last room, far from its way in), then backward: each lock's key in a room before it.
    if spec.goal == "reach":
        goal = board.put(rng, last, "G", far_from=entrance)
    elif spec.goal == "gems":
        goal = board.put(rng, last, "o", far_from=entrance)
        extra = [int(r) for r in rng.integers(0, rooms, 1 + knobs.depth)]
        if goal is None or any(board.put(rng, r, "o") is None for r in extra):
            return None
    else:
        block = board.put(rng, last, "B", inner=True)
        goal = block and board.put(rng, last, "G", inner=True, far_from=block)
    if goal is None:
        return None
    for i in reversed(range(len(locks))):
        lock, _ = locks[i]
        if lock == "portal":
            placed = board.put(rng, i + 1, "P") and board.put(rng, int(rng.integers(0, i + 1)), "P")
        elif lock == "block":
            placed = True
        else:
            placed = board.put(rng, int(rng.integers(0, i + 1)), {"door": "k", "gate": "S"}[lock])
        if not placed:
            return None
    exit_ = (locks[0][1][0], locks[0][1][1] - 1) if locks else goal
    if board.put(rng, 0, "@", far_from=exit_) is None:
        return None
    if "chaser" in spec.hazards and board.put(rng, int(rng.integers(max(1, last), rooms)), "C") is None:
        return None
    kinds = [DISTRACTORS[d][1] for d in spec.distractors]
    if "lava" in spec.hazards:
        kinds.append("L")
    for _ in range(knobs.distractors + ("lava" in spec.hazards)):  # a lava game always shows some lava
        board.put(rng, int(rng.integers(rooms)), kinds[int(rng.integers(len(kinds)))] if kinds else "#")
    return board.text(transpose=bool(rng.integers(2)))


# --- games ----------------------------------------------------------------------------


def _primitive(name: str) -> Callable:
    return getattr(primitives, name)


def build_game(game_id: str, title: str, spec: Spec, levels: Sequence[str], card: Card | None,
               split: str = "evaluation") -> Game:  # fmt: skip
    """The Game a spec and its level maps make, exactly as the written file builds it."""
    return Game(
        id=game_id, title=title, split=split, levels=list(levels), actions=spec.actions,
        rules=tuple(map(_primitive, spec.rules)), win=tuple(map(_primitive, spec.win)),
        lose=tuple(map(_primitive, spec.lose)), colours=dict(spec.colours), background=spec.background, card=card,
    )  # fmt: skip


class LevelResult(BaseModel):
    """One generated level: the knobs asked for and what the solver measured."""

    level: int  # 1-based
    depth: int
    distractors: int
    height: int
    width: int
    min_solution: int
    solver_actions: int
    branching: float
    states_explored: int
    tries: int  # candidate maps sampled for this level, the accepted one included


class Rejections(BaseModel):
    """Why candidates were resampled, counted over a whole generation."""

    levels_sampled: int = 0
    no_fit: int = 0  # the knobs did not fit the board
    failed_level_check: int = 0  # refused when loaded by a primitive's level check (e.g. more sheep than pens)
    unsolvable: int = 0  # no winning sequence
    solver_limit: int = 0  # over the preset's solver budget
    too_easy: int = 0  # fewer solver actions than the level's minimum or than the level before
    blind_play: int = 0  # beaten by a strategy of the exploit audit (arcgames.audit) at 5x the solver count
    games_sampled: int = 0
    duplicate_games: int = 0  # the same rule set and look as a game already in the pack
    games_given_up: int = 0  # a level found no acceptable map in MAX_LEVEL_TRIES tries
    games_failed_checks: int = 0  # check_env, determinism or the solver failed on the whole game

    @property
    def level_rejection_rate(self) -> float:
        return 1 - self.accepted_levels / self.levels_sampled if self.levels_sampled else 0.0

    @property
    def accepted_levels(self) -> int:
        rejected = (self.no_fit + self.failed_level_check + self.unsolvable + self.solver_limit + self.too_easy
                    + self.blind_play)  # fmt: skip
        return self.levels_sampled - rejected


class GameResult(BaseModel):
    game_id: str
    file: str
    goal: str
    locks: list[str]
    hazards: list[str]
    distractors: list[str]
    rules: list[str]
    win: list[str]
    lose: list[str]
    colours: dict[str, int]
    background: int
    levels: list[LevelResult]


class PackReport(BaseModel):
    """What a generation made and measured (written as generated.json in the pack, no timings: byte-stable)."""

    preset: str
    seed: int
    games: list[GameResult]
    rejections: Rejections


# --- the generator ------------------------------------------------------------------------


@dataclass
class Generator:
    """Draws games for one pack; everything comes from ``seed``, so one seed gives one pack."""

    preset: Preset
    seed: int
    split: str = "evaluation"
    rejections: Rejections = field(default_factory=Rejections)
    taken_ids: set[str] = field(default_factory=lambda: set(list_games()))
    signatures: set[tuple] = field(default_factory=set)
    # Games that rank players need the exploit audit and the game checks; a training stream
    # (arcgames.fresh) skips both, ~10x faster: every level it makes is still solved and measured.
    audited: bool = True

    def draw_id(self, rng: np.random.Generator) -> str:
        while True:
            game_id = "".join(str(c) for c in rng.choice(list(ID_CHARS), size=4))
            if game_id not in self.taken_ids:
                self.taken_ids.add(game_id)
                return game_id

    def game(self, index: int) -> tuple[Game, Spec, list[LevelResult]]:
        """Pack slot ``index``: a new game, its spec and its measured levels (resampled until one passes)."""
        rng = np.random.default_rng([self.seed, index])
        for _ in range(MAX_GAME_TRIES):
            self.rejections.games_sampled += 1
            spec = sample_spec(rng, self.preset)
            if spec.signature in self.signatures:
                self.rejections.duplicate_games += 1
                continue
            game_id = self.draw_id(rng)
            made = self._levels(rng, game_id, spec)
            if made is None:
                self.rejections.games_given_up += 1
                continue
            levels, results = made
            game = build_game(game_id, title_of(spec), spec, levels, card_of(spec, results), self.split)
            if not self.audited:
                self.signatures.add(spec.signature)
                return game, spec, results
            from arcgames.checks import check_game

            with provisional(game):
                check = check_game(game_id)
            if not check.ok or check.solver_counts != [r.solver_actions for r in results]:
                self.rejections.games_failed_checks += 1
                continue
            self.signatures.add(spec.signature)
            return game, spec, results
        raise RuntimeError(
            f"preset {self.preset.name}: no game passed in {MAX_GAME_TRIES} tries for slot {index + 1} "
            f"(rejections so far: {self.rejections.model_dump()}); try another seed or an easier preset"
        )

    def _levels(self, rng: np.random.Generator, game_id: str, spec: Spec) -> tuple[list[str], list[LevelResult]] | None:
        levels: list[str] = []
        results: list[LevelResult] = []
        for index in range(self.preset.levels):
            knobs = self.preset.knobs(index)
            floor = max(knobs.min_solution, results[-1].solver_actions + 1 if results else 0)
            for tries in range(1, MAX_LEVEL_TRIES + 1):
                measured = self._try_level(rng, game_id, spec, knobs, floor)
                if measured is not None:
                    text, solution = measured
                    levels.append(text)
                    depth = knobs.depth if spec.locks else 0
                    results.append(LevelResult(
                        level=index + 1, depth=depth, distractors=knobs.distractors, height=knobs.height,
                        width=knobs.width, min_solution=floor, solver_actions=solution.length,
                        branching=round(solution.branching, 3), states_explored=solution.states_explored, tries=tries,
                    ))  # fmt: skip
                    break
            else:
                return None
        return levels, results

    def _try_level(self, rng: np.random.Generator, game_id: str, spec: Spec, knobs: Knobs, floor: int):
        """A candidate map with its solution, or None (and the reason counted)."""
        counts = self.rejections
        counts.levels_sampled += 1
        text = sample_level(rng, spec, knobs)
        if text is None:
            counts.no_fit += 1
            return None
        try:
            probe = build_game(game_id, "probe", spec, [text], None)
        except GameDefinitionError:
            counts.failed_level_check += 1
            return None
        try:
            solution = solve(probe, 0, max_states=self.preset.max_states)
        except SolverLimitError:
            counts.solver_limit += 1
            return None
        if solution is None:
            counts.unsolvable += 1
            return None
        if solution.length < floor:
            counts.too_easy += 1
            return None
        if not self.audited:
            return text, solution
        with provisional(probe):
            audit = audit_level(game_id, 0, solution.length, plays=AUDIT_PLAYS, factors=(GOAL_FACTOR,))
        if any(result.wins(GOAL_FACTOR) for result in audit.strategies.values()):
            counts.blind_play += 1
            return None
        return text, solution


def title_of(spec: Spec) -> str:
    parts = [GOALS[spec.goal].words, *(LOCKS[k].words for k in spec.locks), *(HAZARDS[h].words for h in spec.hazards)]
    return "Generated: " + "; ".join(parts)


def card_of(spec: Spec, results: Sequence[LevelResult]) -> Card:
    priors = sorted({p for piece in spec.pieces for p in piece.priors})
    notes = tuple(
        f"{r.depth} locks, {r.distractors} distractors, {r.height}x{r.width} board: {r.solver_actions} solver actions"
        for r in results
    )
    idea = title_of(spec).removeprefix("Generated: ").capitalize() + "."
    if spec.distractors:
        idea += " Distractors: " + ", ".join(d.replace("_", " ") for d in spec.distractors) + "."
    return Card(idea=idea, priors=tuple(priors), levels=notes)


def game_file(game: Game, spec: Spec, preset: str, seed: int, index: int) -> str:
    """The game as a readable game file in the shape of games/*.py."""
    names = sorted({*spec.rules, *spec.win, *spec.lose})
    card = game.card
    levels = "".join(f'    """{text}""",\n' for text in game.levels)
    actions = ", ".join(f"ActionId.{a.name}" for a in game.actions)

    def names_of(items: Sequence[str]) -> str:
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"

    notes = "".join(f"            {note!r},\n" for note in card.levels)
    priors = "".join(f"            {p!r},\n" for p in card.priors)
    lose = f"    lose={names_of(spec.lose)},\n" if spec.lose else ""
    return (
        f'"""{game.title.removeprefix("Generated: ").capitalize()}.\n\n'
        f"Written by `arcgames generate` (preset {preset}, game {index + 1} of its seed): a composition of\n"
        "primitives with its own colours, levels sampled backward from the goal and proven solvable by\n"
        "the solver. The card below (never shown to agents) lists each level's knobs.\n"
        '"""\n\n'
        "from arcgames.actions import ActionId\n"
        "from arcgames.game import Card, Game\n"
        f"from arcgames.primitives import {', '.join(names)}\n\n"
        f"LEVELS = [\n{levels}]\n\n"
        "GAME = Game(\n"
        f"    id={game.id!r},\n"
        f"    title={game.title!r},\n"
        f"    split={game.split!r},\n"
        "    levels=LEVELS,\n"
        f"    actions=({actions},),\n"
        f"    rules={names_of(spec.rules)},\n"
        f"    win={names_of(spec.win)},\n"
        f"{lose}"
        f"    colours={dict(spec.colours)!r},\n"
        f"    background={spec.background},\n"
        "    card=Card(\n"
        f"        idea={card.idea!r},\n"
        f"        priors=(\n{priors}        ),\n"
        f"        levels=(\n{notes}        ),\n"
        "    ),\n"
        ")\n"
    )


def generate_pack(
    seed: int, games: int, out: Path, preset: str = "small", split: str = "evaluation",
    on_game: Callable[[GameResult], None] | None = None,
) -> PackReport:  # fmt: skip
    """Write ``games`` new games into the new folder ``out``; same arguments, same bytes."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
    if games < 1:
        raise ValueError(f"--games must be at least 1, got {games}")
    if seed < 0:
        raise ValueError(f"--seed must be a non-negative integer, got {seed}")
    if split not in ("public", "evaluation"):
        raise ValueError(f"--split must be public or evaluation, got {split!r}")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"--out {out} exists and is not an empty folder; choose a new folder (nothing was written)")
    generator = Generator(PRESETS[preset], seed, split)
    files: dict[str, str] = {}
    counts: dict[str, dict] = {}
    results = []
    for index in range(games):
        game, spec, levels = generator.game(index)
        name = f"{game.id}.py"
        files[name] = game_file(game, spec, preset, seed, index)
        counts[game.id] = {"version": game.version, "source": "solver", "counts": [lv.solver_actions for lv in levels]}
        results.append(GameResult(
            game_id=game.id, file=name, goal=spec.goal, locks=list(spec.locks), hazards=list(spec.hazards),
            distractors=list(spec.distractors), rules=list(spec.rules), win=list(spec.win), lose=list(spec.lose),
            colours=dict(spec.colours), background=spec.background, levels=levels,
        ))  # fmt: skip
        if on_game:
            on_game(results[-1])
    report = PackReport(preset=preset, seed=seed, games=results, rejections=generator.rejections)
    files[SOLVER_COUNTS_FILE] = json.dumps(counts, indent=1, sort_keys=True) + "\n"
    files[REPORT_FILE] = report.model_dump_json(indent=1) + "\n"
    _write_folder(out, files)
    return report


def _write_folder(out: Path, files: dict[str, str]) -> None:
    """Write every file into a sibling temporary folder, then move it into place: no half-written pack."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text)
        if out.exists():
            out.rmdir()  # empty, checked above
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


class PresetCount(BaseModel):
    """How many different games a preset makes: possible, and drawn over a range of seeds."""

    preset: str
    rule_sets: int  # different rule sets (goal, locks, hazards, distractors) the preset can draw
    possible_games: int  # rule sets x looks
    seeds: str  # the seed range measured, "A:B" (B excluded)
    drawn: int  # pack slots over those seeds (games per seed x seeds), first draws
    distinct_rule_sets: int
    distinct_games: int  # distinct rule set and look among the drawn


def count_distinct(preset: str, seeds: range, games: int) -> PresetCount:
    """Distinct games among the first spec drawn for every pack slot of every seed in ``seeds`` (no levels made)."""
    chosen = PRESETS[preset]
    specs = [sample_spec(np.random.default_rng([seed, index]), chosen) for seed in seeds for index in range(games)]
    rule_sets = {s.rule_set for s in specs}
    possible_rule_sets, possible = possible_games(chosen)
    return PresetCount(preset=preset, rule_sets=possible_rule_sets, possible_games=possible,
                       seeds=f"{seeds.start}:{seeds.stop}", drawn=len(specs), distinct_rule_sets=len(rule_sets),
                       distinct_games=len({s.signature for s in specs}))  # fmt: skip
