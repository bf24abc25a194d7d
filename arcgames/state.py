"""A level's state: plain arrays, so copying (undo, search), hashing and batching stay cheap."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

import numpy as np

from arcgames.actions import ActionId

NUM_VARS = 8


class Var(IntEnum):
    """Slots of ``State.vars``: the few counters rules keep besides the board."""

    KEYS = 0  # keys the avatar carries
    TALLIED = 1  # total value of the numbered gems picked up (agents.fill_tally)
    LAST_GEM = 2  # value of the last numbered gem picked up
    OUT_OF_ORDER = 3  # 1 once a gem smaller than the one before it was picked up


@dataclass(slots=True)
class State:
    grid: np.ndarray  # (2, H, W) uint8: Layer.TERRAIN and Layer.OBJECTS kind ids
    vars: np.ndarray  # (NUM_VARS,) int32, indexed by Var

    def copy(self) -> State:
        return State(self.grid.copy(), self.vars.copy())

    def key(self) -> bytes:
        """Exact identity of the state, for search and equality."""
        return self.grid.tobytes() + self.vars.tobytes()

    def digest(self) -> str:
        """A short stable hash of the state."""
        return hashlib.blake2b(self.key(), digest_size=16).hexdigest()


class Act(NamedTuple):
    """An action as rules see it: its type, a move direction, and the clicked board cell."""

    id: ActionId
    dy: int = 0  # move direction, for ACTION1-4
    dx: int = 0
    row: int = -1  # clicked board cell, for ACTION6; -1 when the click missed the board
    col: int = -1


MOVES = {
    ActionId.ACTION1: Act(ActionId.ACTION1, -1, 0),
    ActionId.ACTION2: Act(ActionId.ACTION2, 1, 0),
    ActionId.ACTION3: Act(ActionId.ACTION3, 0, -1),
    ActionId.ACTION4: Act(ActionId.ACTION4, 0, 1),
}
