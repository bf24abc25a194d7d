"""Number primitives: lamps that show a count, dots to count (only those a loop encloses),
and bars to put in order by height (swapped by clicks, where pads allow, and cycled by a rotor)."""

from __future__ import annotations

import numpy as np

from arcgames.kernels import ACT_COL, ACT_ID, ACT_ROW, helper_kernel
from arcgames.kinds import Layer, define_kind
from arcgames.primitives.base import CLICK, FLOODED, click_cycle, condition, k_spread, k_unflood, rule

# --- kinds -----------------------------------------------------------------------

LAMP_OFF = define_kind("lamp_off", Layer.TERRAIN, "dark_grey", clickable=True)
LAMP_ON = define_kind("lamp_on", Layer.TERRAIN, "yellow", clickable=True)
DOT = define_kind("dot", Layer.TERRAIN, "white")
LOOP = define_kind("loop", Layer.TERRAIN, "blue")  # a ring of loop cells encloses the dots that count
BAR = define_kind("bar", Layer.TERRAIN, "orange", clickable=True)
BAR_ALT = define_kind("bar_alt", Layer.TERRAIN, "teal", clickable=True)  # a bar that need not be in order
BAR_PAD = define_kind("bar_pad", Layer.TERRAIN, "pink")  # a base cell: only the bar standing on it swaps
BAR_ROTOR = define_kind("bar_rotor", Layer.TERRAIN, "white", clickable=True)  # clicking it cycles every bar

IS_BAR = np.zeros(256, dtype=np.bool_)
IS_BAR[[BAR, BAR_ALT]] = True
NOT_LOOP = np.ones(256, dtype=np.bool_)  # where the edge's flood may go (count_lamps)
NOT_LOOP[LOOP] = False

# --- rules -----------------------------------------------------------------------

switch_lamp = click_cycle(
    "switch_lamp", (LAMP_OFF, LAMP_ON), doc="Clicking a lamp switches it on, or off if it was on."
)


@helper_kernel
def k_bar_span(terrain, col):
    """(top, bottom + 1) rows of the lowest run of bar cells in a column, or (-1, -1)."""
    bottom = -1
    for r in range(terrain.shape[0] - 1, -1, -1):
        if IS_BAR[terrain[r, col]]:
            bottom = r
            break
    if bottom < 0:
        return -1, -1
    top = bottom
    while top > 0 and IS_BAR[terrain[top - 1, col]]:
        top -= 1
    return top, bottom + 1


@helper_kernel
def k_swap_bars(terrain, a, b):
    """Swap the bars of columns ``a`` and ``b`` over the rows either spans, so each bar moves whole and both
    keep standing on their base row."""
    a_top, a_bottom = k_bar_span(terrain, a)
    b_top, b_bottom = k_bar_span(terrain, b)
    for r in range(min(a_top, b_top), max(a_bottom, b_bottom)):
        terrain[r, a], terrain[r, b] = terrain[r, b], terrain[r, a]


@helper_kernel
def k_swap_with_next(terrain, col):
    """Swap the bar of column ``col`` with the next bar to its right (the nearest column holding a bar);
    the rightmost bar has no neighbour and stays."""
    for x in range(col + 1, terrain.shape[1]):
        if k_bar_span(terrain, x)[0] >= 0:
            k_swap_bars(terrain, col, x)
            return


@rule
def swap_adjacent(grid, vars, act, flags):
    """Clicking a bar swaps it with the next bar to its right (the nearest column holding a bar);
    the rightmost bar has no neighbour and stays. Both bars keep standing on their base row."""
    row, col = act[ACT_ROW], act[ACT_COL]
    if act[ACT_ID] == CLICK and row >= 0 and IS_BAR[grid[0, row, col]]:
        k_swap_with_next(grid[0], col)


@rule
def swap_on_pad(grid, vars, act, flags):
    """Like :func:`swap_adjacent`, but only a bar standing on a pad (the cell under its foot) swaps with the
    next bar to its right; pads stay where they are, so they mark the places where bars can change order."""
    row, col = act[ACT_ROW], act[ACT_COL]
    if act[ACT_ID] != CLICK or row < 0:
        return
    terrain = grid[0]
    if not IS_BAR[terrain[row, col]]:
        return
    bottom = k_bar_span(terrain, col)[1]
    if bottom < terrain.shape[0] and terrain[bottom, col] == BAR_PAD:
        k_swap_with_next(terrain, col)


@rule
def cycle_bars(grid, vars, act, flags):
    """Clicking a bar rotor moves every bar one place to the left, and the leftmost bar to the right end
    (the places stay: each bar takes the column of the bar before it)."""
    row, col = act[ACT_ROW], act[ACT_COL]
    if act[ACT_ID] != CLICK or row < 0 or grid[0, row, col] != BAR_ROTOR:
        return
    terrain = grid[0]
    carried = -1  # the column now holding the leftmost bar, carried rightwards one swap at a time
    for x in range(terrain.shape[1]):
        if k_bar_span(terrain, x)[0] >= 0:
            if carried >= 0:
                k_swap_bars(terrain, carried, x)
            carried = x


# --- conditions ------------------------------------------------------------------


@condition
def count_lamps(grid, vars, flags):
    """Won when as many lamps are lit as there are dots inside loops (dots a loop does not enclose
    do not count, and several loops add up): a dot counts when no path of non-loop cells joins it
    to the board edge."""
    terrain = grid[0]
    h, w = terrain.shape
    # Mark every non-loop cell joined to the edge, then count the unmarked dots.
    for y in range(h):
        for x in range(w):
            if (y == 0 or y == h - 1 or x == 0 or x == w - 1) and terrain[y, x] != LOOP:
                terrain[y, x] |= FLOODED
    k_spread(terrain, NOT_LOOP)
    inside = lit = 0
    for y in range(h):
        for x in range(w):
            if terrain[y, x] == DOT:  # an unmarked dot: no path joins it to the edge
                inside += 1
            elif terrain[y, x] & ~FLOODED == LAMP_ON:
                lit += 1
    k_unflood(terrain)
    return lit == inside


@condition
def lamp_rows_ascend(grid, vars, flags):
    """Won when each row of lamps has more lamps lit than the row above it."""
    terrain = grid[0]
    h, w = terrain.shape
    before = -1
    for y in range(h):
        lit, lamps = 0, False
        for x in range(w):
            if terrain[y, x] == LAMP_ON:
                lit += 1
                lamps = True
            elif terrain[y, x] == LAMP_OFF:
                lamps = True
        if lamps:
            if lit <= before:
                return False
            before = lit
    return True


@condition
def sorted_bars(grid, vars, flags):
    """Won when the (main-colour) bars' heights never fall from left to right; other bars are ignored."""
    terrain = grid[0]
    h, w = terrain.shape
    before = 0
    for x in range(w):
        has_bar = False
        for y in range(h):
            if terrain[y, x] == BAR:
                has_bar = True
        if not has_bar:
            continue
        top, bottom = k_bar_span(terrain, x)
        if terrain[bottom - 1, x] == BAR:
            if bottom - top < before:
                return False
            before = bottom - top
    return True
