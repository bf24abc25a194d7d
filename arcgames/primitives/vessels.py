"""Vessel primitives: columns of water in vessels of different capacities, poured from one into another.

A vessel is a column of ``vessel`` cells (empty) and ``water`` cells (full) standing on a clickable
``spout``; water always rests at the bottom, so a vessel's amount is the number of its water cells and
its capacity the height of the column. A ``sea`` spout stands under an endless column of water: it
fills whatever it pours into and swallows whatever is poured into it. A ``mark`` cell inside a vessel
says how high its water must stand (red while dry, light blue under water). Everything the rules need
is on the board: the amounts are the water cells, the chosen vessel is a lit spout.
"""

from __future__ import annotations

import numpy as np

from arcgames.kernels import ACT_COL, ACT_ID, ACT_ROW, helper_kernel
from arcgames.kinds import Layer, define_kind
from arcgames.primitives.base import CLICK, condition, needs, rule

# --- kinds -----------------------------------------------------------------------

VESSEL = define_kind("vessel", Layer.TERRAIN, "black")  # an empty cell inside a vessel
WATER = define_kind("poured", Layer.TERRAIN, "blue")
SPOUT = define_kind("spout", Layer.TERRAIN, "white", solid=True, clickable=True)
SPOUT_ON = define_kind("spout_on", Layer.TERRAIN, "yellow", solid=True, clickable=True)  # the chosen source
SEA = define_kind("sea", Layer.TERRAIN, "teal", solid=True, clickable=True)
SEA_ON = define_kind("sea_on", Layer.TERRAIN, "yellow", solid=True, clickable=True)
MARK = define_kind("water_mark", Layer.TERRAIN, "red")  # a dry vessel cell at the height the water must reach
MARK_WET = define_kind("water_mark_wet", Layer.TERRAIN, "sky")  # the same cell under water

IN_VESSEL = np.zeros(256, dtype=np.bool_)
IN_VESSEL[[VESSEL, WATER, MARK, MARK_WET]] = True
WET = np.zeros(256, dtype=np.bool_)
WET[[WATER, MARK_WET]] = True
LIT = np.zeros(256, dtype=np.uint8)  # spout kind -> its chosen (lit) kind, 0 for other kinds
LIT[SPOUT], LIT[SEA] = SPOUT_ON, SEA_ON
UNLIT = np.zeros(256, dtype=np.uint8)  # lit spout kind -> its plain kind
UNLIT[SPOUT_ON], UNLIT[SEA_ON] = SPOUT, SEA

# --- rules -----------------------------------------------------------------------


@helper_kernel
def k_contents(terrain, spout_row, col):
    """(amount, capacity) of the vessel standing on the spout at (spout_row, col)."""
    amount = capacity = 0
    y = spout_row - 1
    while y >= 0 and IN_VESSEL[terrain[y, col]]:
        capacity += 1
        amount += WET[terrain[y, col]]
        y -= 1
    return amount, capacity


@helper_kernel
def k_fill(terrain, spout_row, col, amount):
    """Make the vessel on (spout_row, col) hold ``amount`` water cells, from the bottom up."""
    y = spout_row - 1
    while y >= 0 and IN_VESSEL[terrain[y, col]]:
        wet = spout_row - 1 - y < amount
        if terrain[y, col] == MARK or terrain[y, col] == MARK_WET:
            terrain[y, col] = MARK_WET if wet else MARK
        else:
            terrain[y, col] = WATER if wet else VESSEL
        y -= 1


@rule
def pour(grid, vars, act, flags):
    """Clicking a spout chooses its vessel (the spout lights up; clicking it again lets go); clicking another
    spout then pours the chosen vessel into that one, as much as fits, and lets go. The sea fills any vessel
    it pours into and swallows whatever is poured into it."""
    row, col = act[ACT_ROW], act[ACT_COL]
    if act[ACT_ID] != CLICK or row < 0:
        return
    terrain = grid[0]
    here = terrain[row, col]
    if UNLIT[here] != 0:  # the chosen spout again: let go
        terrain[row, col] = UNLIT[here]
        return
    if LIT[here] == 0:
        return
    h, w = terrain.shape
    for y in range(h):
        for x in range(w):
            source = terrain[y, x]
            if UNLIT[source] != 0:
                terrain[y, x] = UNLIT[source]
                into, room = k_contents(terrain, row, col)
                if here == SEA:  # poured into the sea: the source runs empty
                    if source == SPOUT_ON:
                        k_fill(terrain, y, x, 0)
                    return
                if source == SEA_ON:
                    k_fill(terrain, row, col, room)
                    return
                held, _ = k_contents(terrain, y, x)
                moved = min(held, room - into)
                k_fill(terrain, y, x, held - moved)
                k_fill(terrain, row, col, into + moved)
                return
    terrain[row, col] = LIT[here]


# --- conditions ------------------------------------------------------------------


@condition(check=needs((MARK, MARK_WET)))
def water_at_marks(grid, vars, flags):
    """Won when there are marks, and the water stands exactly at every one: the mark is under water and
    the cell above it is not."""
    terrain = grid[0]
    h, w = terrain.shape
    found = False
    for y in range(h):
        for x in range(w):
            if terrain[y, x] == MARK:
                return False
            if terrain[y, x] == MARK_WET:
                if y > 0 and WET[terrain[y - 1, x]]:
                    return False
                found = True
    return found
