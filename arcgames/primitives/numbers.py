"""Number primitives: lamps that show a count, dots to count (only those a loop encloses),
and bars to put in order by height."""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from arcgames.actions import ActionId
from arcgames.kinds import Layer, define_kind
from arcgames.primitives.base import condition, rule
from arcgames.state import Act, State

# --- kinds -----------------------------------------------------------------------

LAMP_OFF = define_kind("lamp_off", Layer.TERRAIN, "dark_grey", clickable=True)
LAMP_ON = define_kind("lamp_on", Layer.TERRAIN, "yellow", clickable=True)
DOT = define_kind("dot", Layer.TERRAIN, "white")
LOOP = define_kind("loop", Layer.TERRAIN, "blue")  # a ring of loop cells encloses the dots that count
BAR = define_kind("bar", Layer.TERRAIN, "orange", clickable=True)
BAR_ALT = define_kind("bar_alt", Layer.TERRAIN, "teal", clickable=True)  # a bar that need not be in order

_TALLY = bytearray(256)
_TALLY[LOOP], _TALLY[DOT] = 1, 2
TALLY = bytes(_TALLY)  # bytes.translate table: 1 = loop, 2 = dot, 0 = anything else
IS_BAR = [False] * 256
IS_BAR[BAR] = IS_BAR[BAR_ALT] = True


def _clicked(act: Act) -> bool:
    return act.id == ActionId.ACTION6 and act.row >= 0


# --- rules -----------------------------------------------------------------------


@rule
def switch_lamp(state: State, act: Act) -> None:
    """Clicking a lamp switches it on, or off if it was on."""
    if _clicked(act):
        terrain = state.grid[0]
        kind = terrain[act.row, act.col]
        if kind == LAMP_OFF:
            terrain[act.row, act.col] = LAMP_ON
        elif kind == LAMP_ON:
            terrain[act.row, act.col] = LAMP_OFF


def _bar_span(column: list[int] | bytes) -> tuple[int, int] | None:
    """(top, bottom + 1) rows of the lowest run of bar cells in a column, or None."""
    bottom = next((r for r in range(len(column) - 1, -1, -1) if IS_BAR[column[r]]), None)
    if bottom is None:
        return None
    top = bottom
    while top > 0 and IS_BAR[column[top - 1]]:
        top -= 1
    return top, bottom + 1


@rule
def swap_adjacent(state: State, act: Act) -> None:
    """Clicking a bar swaps it with the next bar to its right (the nearest column holding a bar);
    the rightmost bar has no neighbour and stays. Both bars keep standing on their base row."""
    if not _clicked(act):
        return
    terrain = state.grid[0]
    if not IS_BAR[terrain[act.row, act.col]]:
        return
    w = terrain.shape[1]
    here = _bar_span(terrain[:, act.col].tolist())
    for x in range(act.col + 1, w):
        there = _bar_span(terrain[:, x].tolist())
        if there is not None:
            break
    else:
        return
    # Swap the two columns over the rows either bar spans, so each bar moves whole.
    top, bottom = min(here[0], there[0]), max(here[1], there[1])
    left = terrain[top:bottom, act.col].copy()
    terrain[top:bottom, act.col] = terrain[top:bottom, x]
    terrain[top:bottom, x] = left


# --- conditions ------------------------------------------------------------------


@lru_cache(maxsize=64)
def _dots_inside(tally: bytes, w: int) -> int:
    """How many dots no path of non-loop cells joins to the board edge (4-connected).

    Cached by the board's loops and dots, which no rule changes: a flood fill per step would
    cost ~50 µs, a cache hit ~1 µs."""
    h = len(tally) // w
    outside = {i for i in range(len(tally)) if (i < w or i >= len(tally) - w or i % w in (0, w - 1))}
    outside = {i for i in outside if tally[i] != 1}
    stack = list(outside)
    while stack:
        i = stack.pop()
        y, x = divmod(i, w)
        for j, ok in ((i - w, y > 0), (i + w, y < h - 1), (i - 1, x > 0), (i + 1, x < w - 1)):
            if ok and tally[j] != 1 and j not in outside:
                outside.add(j)
                stack.append(j)
    return sum(1 for i, mark in enumerate(tally) if mark == 2 and i not in outside)


@condition
def count_lamps(state: State) -> bool:
    """Won when as many lamps are lit as there are dots inside loops (dots a loop does not enclose
    do not count, and several loops add up)."""
    terrain = state.grid[0]
    data = terrain.tobytes()
    return data.count(LAMP_ON) == _dots_inside(data.translate(TALLY), terrain.shape[1])


@condition
def lamp_rows_ascend(state: State) -> bool:
    """Won when each row of lamps has more lamps lit than the row above it."""
    lit = [row.count(LAMP_ON) for row in state.grid[0].tolist() if LAMP_ON in row or LAMP_OFF in row]
    return all(a < b for a, b in pairwise(lit))


@condition
def sorted_bars(state: State) -> bool:
    """Won when the (main-colour) bars' heights never fall from left to right; other bars are ignored."""
    terrain = state.grid[0]
    h = terrain.shape[0]
    columns = terrain.T.tobytes()  # column after column, top to bottom
    heights = []
    for top in range(0, len(columns), h):
        column = columns[top : top + h]
        span = _bar_span(column) if BAR in column else None
        if span is not None and column[span[1] - 1] == BAR:
            heights.append(span[1] - span[0])
    return all(a <= b for a, b in pairwise(heights))
