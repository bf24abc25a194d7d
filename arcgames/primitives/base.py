"""The primitive registry, and small board helpers every primitive module shares."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arcgames.kinds import AVATAR, SOLID
from arcgames.state import Act, State

Rule = Callable[[State, Act], None]
Condition = Callable[[State], bool]

RULES: dict[str, Rule] = {}
CONDITIONS: dict[str, Condition] = {}


def rule(fn: Rule) -> Rule:
    """Register a rule primitive under its function name."""
    if fn.__name__ in RULES:
        raise ValueError(f"a rule named {fn.__name__!r} is already registered")
    RULES[fn.__name__] = fn
    return fn


def condition(fn: Condition) -> Condition:
    """Register a win/lose condition primitive under its function name."""
    if fn.__name__ in CONDITIONS:
        raise ValueError(f"a condition named {fn.__name__!r} is already registered")
    CONDITIONS[fn.__name__] = fn
    return fn


def cells(mask: np.ndarray) -> list[tuple[int, int]]:
    """The (row, col) cells where mask is true, as plain ints."""
    ys, xs = np.nonzero(mask)
    return list(zip(ys.tolist(), xs.tolist(), strict=True))


def cells_of(layer: np.ndarray, kind: int) -> list[tuple[int, int]]:
    """The (row, col) cells of a layer holding ``kind``, in row-major order.

    Why bytes.find: scanning the layer's bytes costs ~0.4 µs against ~2.2 µs for
    ``np.nonzero(layer == kind)``, and rules call this several times per step.
    """
    data, width, needle = layer.tobytes(), layer.shape[1], bytes((kind,))
    found, i = [], data.find(needle)
    while i >= 0:
        found.append(divmod(i, width))
        i = data.find(needle, i + 1)
    return found


def holds(layer: np.ndarray, kind: int) -> bool:
    """Does any cell of the layer hold ``kind``? (~0.1 µs, against ~1.7 µs for ``(layer == kind).any()``)."""
    return bytes((kind,)) in layer.tobytes()


def avatars(objects: np.ndarray, act: Act) -> list[tuple[int, int]]:
    """Avatar cells, front-most in the move direction first, so a line of avatars moves as one."""
    found = cells_of(objects, AVATAR)
    if len(found) > 1:
        found.sort(key=lambda c: -(c[0] * act.dy + c[1] * act.dx))
    return found


def free(terrain: np.ndarray, objects: np.ndarray, y: int, x: int) -> bool:
    """Can an object move into cell (y, x)?"""
    h, w = terrain.shape
    return 0 <= y < h and 0 <= x < w and not SOLID[terrain[y, x]] and objects[y, x] == 0


def inside(terrain: np.ndarray, y: int, x: int) -> bool:
    h, w = terrain.shape
    return 0 <= y < h and 0 <= x < w


NEIGHBOURS = ((-1, 0), (1, 0), (0, -1), (0, 1))
