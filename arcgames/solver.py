"""Breadth-first solver: proves levels solvable and finds their minimal action counts.

It searches engine states directly (no frames), without RESET or undo, which never
shorten a solution. For clicks it tries only cells holding a clickable kind at the
level's start — game internals that agents never see, which is why its counts are
labelled *solver* counts and never passed off as human data.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from arcgames.actions import Action, ActionId
from arcgames.engine import Outcome, advance, to_act
from arcgames.game import Game
from arcgames.kinds import CLICKABLE

DEFAULT_MAX_STATES = 500_000


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
    """A shortest solution of ``level`` (0-based), or None when no sequence wins it."""
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
                raise SolverLimitError(
                    f"game {game.id} level {level + 1}: no solution within {max_states:,} states; "
                    "raise max_states or simplify the level"
                )
            frontier.append(child)
        successors += len(distinct)
    return None


def _path(parent: dict, key: bytes, moves: list) -> tuple[Action, ...]:
    steps = []
    while parent[key] is not None:
        key, index = parent[key]
        steps.append(moves[index][0])
    return tuple(reversed(steps))
