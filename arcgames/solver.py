"""Breadth-first solver: proves levels solvable and finds their minimal action counts.

It searches engine states directly (no frames), without RESET or undo, which never
shorten a solution. For clicks it tries only cells holding a clickable kind at the
level's start — game internals that agents never see, which is why its counts are
labelled *solver* counts and never passed off as human data.

:func:`solve` runs the search in compiled code (:mod:`arcgames.search`, with the game's
own ``advance`` kernel); :func:`solve_reference` is the same search in plain Python, the
definition the compiled one is tested against (same solution, same states explored,
same branching; benchmarks/solver_speed.py measures both side by side).

Memory: the compiled search keeps every state it found, as its bytes (2 x rows x columns
of board and 32 of counters) plus 16 for its hash, parent and move and 16-32 of hash
table. The store starts at 4,096 states and doubles up to the budget (for a moment, while
it grows, the old store and the new one coexist). At the default budget of 500,000 states
a 20 x 21 board needs about 460 MB (up to about 690 MB while growing), a 10 x 10 board
about 140 MB. Measured on a 9 x 10 board at 200,000 states (benchmarks/solver_speed.py's
synthetic level): 65 MB of peak memory, against 135 MB for the plain search's dict and queue.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from arcgames import search as _search
from arcgames.actions import Action, ActionId
from arcgames.engine import Outcome, advance, check_level, compiled, to_act
from arcgames.game import Game
from arcgames.kernels import act_array, cached
from arcgames.kinds import CLICKABLE, FLAGS
from arcgames.state import State

DEFAULT_MAX_STATES = 500_000
MAX_BUDGET = 1 << 30  # store indices are 32-bit; a billion states of even a tiny board would not fit in memory


class SolverLimitError(RuntimeError):
    """The search ran out of its state budget before finding a solution."""


@dataclass(frozen=True)
class Solution:
    level: int  # 0-based
    actions: tuple[Action, ...]  # a shortest winning sequence
    states_explored: int
    branching: float = 0.0  # mean number of distinct successor states per expanded state

    @property
    def length(self) -> int:
        return len(self.actions)


def candidate_actions(game: Game, level: int) -> list[Action]:
    """The actions the search branches on for this level."""
    actions = [Action(a) for a in game.actions if a not in (ActionId.ACTION6, ActionId.ACTION7)]
    if ActionId.ACTION6 in game.actions:
        start = game.parsed[level]
        terrain, objects = start.start.grid
        for row in range(start.layout.height):
            for col in range(start.layout.width):
                if CLICKABLE[terrain[row, col]] or CLICKABLE[objects[row, col]]:
                    actions.append(Action.click(*start.layout.pixel_of(row, col)))
    return actions


def solve(game: Game, level: int, max_states: int = DEFAULT_MAX_STATES) -> Solution | None:
    """A shortest solution of ``level`` (0-based), or None when no sequence wins it.

    Raises :class:`SolverLimitError` when the search finds more than ``max_states`` states first.
    Both searches give the same result; this picks the faster. The compiled one is 3-20x faster per
    state, but the first time a game (a composition of rules) uses it, compiling it costs 1-4 s,
    as much as the plain search spends on several thousand states. So until the game's compiled
    search is on disk or loaded, a level starts in plain Python and moves to the compiled search
    (from the start) only once it has found :data:`PLAIN_STATES` states."""
    _check(game, level, max_states)
    if _search_ready(game):
        return solve_compiled(game, level, max_states)
    if max_states <= PLAIN_STATES:
        return solve_reference(game, level, max_states)
    try:
        return solve_reference(game, level, PLAIN_STATES)
    except SolverLimitError:
        return solve_compiled(game, level, max_states)


PLAIN_STATES = 5_000  # a level that finds more states than this is worth compiling the search for


def _search_ready(game: Game) -> bool:
    """Is the game's compiled search loaded, or cached on disk (then loading it takes milliseconds)?"""
    search = compiled(game).search
    return bool(search.signatures) or cached(search)


def solve_compiled(game: Game, level: int, max_states: int = DEFAULT_MAX_STATES) -> Solution | None:
    """:func:`solve` with the compiled search (:mod:`arcgames.search`), compiling it first if need be."""
    _check(game, level, max_states)
    start = game.parsed[level]
    moves = candidate_actions(game, level)
    acts = np.stack([act_array(to_act(a, start.layout)) for a in moves]) if moves else np.zeros((0, 5), np.int64)
    store = _Store(start.start, len(moves), max_states)
    run = compiled(game).search
    while True:
        status = run(store.arrays, store.table, acts, FLAGS, store.scratch, store.counters)
        if status == _search.FULL:
            store.grow()
        elif status == _search.EXHAUSTED:
            return None
        elif status == _search.OVER_BUDGET:
            raise _limit_error(game, level, max_states)
        else:
            return store.solution(level, moves)


def _check(game: Game, level: int, max_states: int) -> None:
    check_level(game, level)
    if isinstance(max_states, bool) or not isinstance(max_states, int | np.integer) or not 0 < max_states <= MAX_BUDGET:
        raise ValueError(
            f"max_states must be a positive integer up to {MAX_BUDGET:,} (default {DEFAULT_MAX_STATES:,}), "
            f"got {max_states!r}"
        )


def _limit_error(game: Game, level: int, max_states: int) -> SolverLimitError:
    return SolverLimitError(
        f"game {game.id} level {level + 1}: no solution within {max_states:,} states; "
        "raise max_states or simplify the level"
    )


class _Store:
    """The compiled search's arrays (see :mod:`arcgames.search`): every state found so far, in the order found."""

    INITIAL = 4096  # states: enough for most levels; the store doubles from here up to the budget

    def __init__(self, start: State, num_actions: int, max_states: int) -> None:
        self.shape, self.num_vars = start.grid.shape, start.vars.shape[0]
        # Room for the budget, one over it (the state that breaks it) and the successor slots of one expansion.
        self.most_slots = max_states + 1 + num_actions
        self.arrays = self._allocate(min(self.most_slots, self.INITIAL + num_actions))
        grids, vars, hashes, parents, _ = self.arrays
        grids[0], vars[0], parents[0] = start.grid, start.vars, -1
        hashes[0] = _search.state_hash(grids[0], vars[0])
        self.table = self._table(1)
        a = max(num_actions, 1)
        self.scratch = (np.zeros(a, np.int64), np.zeros((a, *self.shape), np.uint8),
                        np.zeros((a, self.num_vars), np.int32), np.zeros(a, np.uint64))  # fmt: skip
        self.counters = np.zeros(_search.COUNTERS, np.int64)
        self.counters[_search.SIZE] = 1
        self.counters[_search.LIMIT] = max_states

    def _allocate(self, capacity: int) -> tuple[np.ndarray, ...]:
        return (np.empty((capacity, *self.shape), np.uint8), np.empty((capacity, self.num_vars), np.int32),
                np.empty(capacity, np.uint64), np.empty(capacity, np.int32), np.empty(capacity, np.int32))  # fmt: skip

    def _table(self, size: int) -> np.ndarray:
        # A power of two at least twice the capacity: probes stay short (load factor under 1/2).
        table = np.zeros(1 << (2 * len(self.arrays[0]) - 1).bit_length(), np.uint64)
        _search.rebuild_table(table, self.arrays[2], size)
        return table

    def grow(self) -> None:
        size = int(self.counters[_search.SIZE])
        old = self.arrays
        self.arrays = self._allocate(min(self.most_slots, 2 * len(old[0])))
        for new, kept in zip(self.arrays, old, strict=True):
            new[:size] = kept[:size]
        self.table = self._table(size)

    def solution(self, level: int, moves: list[Action]) -> Solution:
        c = self.counters
        parents, by = self.arrays[3], self.arrays[4]
        steps, index = [moves[int(c[_search.WON_BY])]], int(c[_search.WON_FROM])
        while parents[index] >= 0:
            steps.append(moves[int(by[index])])
            index = int(parents[index])
        branching = float(c[_search.SUCCESSORS]) / float(c[_search.EXPANDED])
        return Solution(level, tuple(reversed(steps)), int(c[_search.SIZE]), branching)


def solve_reference(game: Game, level: int, max_states: int = DEFAULT_MAX_STATES) -> Solution | None:
    """:func:`solve` as a plain Python breadth-first search over ``State.key()`` bytes: the definition the compiled
    search must match (tests, benchmarks/solver_speed.py), and what :func:`solve` runs on small levels before a
    game's compiled search exists (1.4-14x slower per level on the suite's biggest ones, measured there)."""
    _check(game, level, max_states)
    start = game.parsed[level]
    moves = [(action, to_act(action, start.layout)) for action in candidate_actions(game, level)]
    # parent[key] = (parent key, action index); the start state's parent is None.
    parent: dict[bytes, tuple[bytes, int] | None] = {start.start.key(): None}
    frontier = deque([start.start])
    expanded = successors = 0
    while frontier:
        state = frontier.popleft()
        key = state.key()
        distinct = set()
        expanded += 1
        for index, (_, act) in enumerate(moves):
            child = state.copy()
            outcome = advance(game, child, act)
            child_key = child.key()
            if child_key != key:
                distinct.add(child_key)
            if outcome == Outcome.WON:
                branching = (successors + len(distinct)) / expanded
                return Solution(level, (*_path(parent, key, moves), moves[index][0]), len(parent), branching)
            if outcome == Outcome.LOST or child_key in parent:
                continue
            parent[child_key] = (key, index)
            if len(parent) > max_states:
                raise _limit_error(game, level, max_states)
            frontier.append(child)
        successors += len(distinct)
    return None


def _path(parent: dict, key: bytes, moves: list) -> tuple[Action, ...]:
    steps = []
    while parent[key] is not None:
        key, index = parent[key]
        steps.append(moves[index][0])
    return tuple(reversed(steps))
