"""Fuel: a gauge of board cells that every move uses up, and pads that fill it again.

The gauge is part of the map (a row of fuel cells in a wall), so what is left is always on
screen and no counter slot is needed: each move empties the last full cell in reading
order, so the gauge drains from its end. A refuel pad fills every gauge cell and is used
up. A level with a gauge is lost when it is empty (a win on the last move still wins:
the engine judges wins first).
"""

from __future__ import annotations

from arcgames.kernels import ACT_DX, ACT_DY
from arcgames.kinds import AVATAR, FLOOR, Layer, define_kind
from arcgames.primitives.base import condition, rule

# --- kinds -----------------------------------------------------------------------

FUEL = define_kind("fuel", Layer.TERRAIN, "teal", solid=True)  # a full gauge cell
FUEL_EMPTY = define_kind("fuel_empty", Layer.TERRAIN, "navy", solid=True)  # a used-up gauge cell
REFUEL = define_kind("refuel", Layer.TERRAIN, "white")  # a pad that fills the gauge once

# --- rules -----------------------------------------------------------------------


@rule
def burn_fuel(grid, vars, act, flags):
    """Every move (ACTION1-4, blocked or not) empties the last full fuel cell in reading order."""
    if act[ACT_DY] == 0 and act[ACT_DX] == 0:
        return
    terrain = grid[0]
    h, w = terrain.shape
    for y in range(h - 1, -1, -1):
        for x in range(w - 1, -1, -1):
            if terrain[y, x] == FUEL:
                terrain[y, x] = FUEL_EMPTY
                return


@rule
def refuel(grid, vars, act, flags):
    """An avatar on a refuel pad fills every gauge cell; the pad is used up (it becomes floor)."""
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    for y in range(h):
        for x in range(w):
            if objects[y, x] == AVATAR and terrain[y, x] == REFUEL:
                terrain[y, x] = FLOOR
                for r in range(h):
                    for c in range(w):
                        if terrain[r, c] == FUEL_EMPTY:
                            terrain[r, c] = FUEL


# --- conditions ------------------------------------------------------------------


@condition
def out_of_fuel(grid, vars, flags):
    """Lost when the board has a fuel gauge and none of its cells is full (a level without one never runs out)."""
    terrain = grid[0]
    h, w = terrain.shape
    gauge = False
    for y in range(h):
        for x in range(w):
            if terrain[y, x] == FUEL:
                return False
            if terrain[y, x] == FUEL_EMPTY:
                gauge = True
    return gauge
