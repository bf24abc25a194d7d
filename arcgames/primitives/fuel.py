"""Fuel: a gauge of board cells that every move uses up, and pads that fill it again.

The gauge is part of the map (a row of fuel cells in a wall), so what is left is always on
screen and no counter slot is needed: each move empties the last full cell in reading
order, so the gauge drains from its end. A refuel pad fills every gauge cell and is used
up. A level with a gauge is lost when it is empty (a win on the last move still wins:
the engine judges wins first).
"""

from __future__ import annotations

from arcgames.kernels import ACT_DX, ACT_DY, as_flat
from arcgames.kinds import AVATAR, FLOOR, Layer, define_kind
from arcgames.primitives.base import condition, k_find, k_find_last, rule

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
    i = k_find_last(grid, 0, FUEL, grid.shape[1] * grid.shape[2])
    if i >= 0:
        as_flat(grid[0])[i] = FUEL_EMPTY


@rule
def refuel(grid, vars, act, flags):
    """An avatar on a refuel pad fills every gauge cell; the pad is used up (it becomes floor)."""
    terrain = as_flat(grid[0])
    i = k_find(grid, 1, AVATAR, 0)
    while i >= 0:
        if terrain[i] == REFUEL:
            terrain[i] = FLOOR
            empty = k_find(grid, 0, FUEL_EMPTY, 0)
            while empty >= 0:
                terrain[empty] = FUEL
                empty = k_find(grid, 0, FUEL_EMPTY, empty + 1)
        i = k_find(grid, 1, AVATAR, i + 1)


# --- conditions ------------------------------------------------------------------


@condition
def out_of_fuel(grid, vars, flags):
    """Lost when the board has a fuel gauge and none of its cells is full (a level without one never runs out)."""
    return k_find(grid, 0, FUEL, 0) < 0 and k_find(grid, 0, FUEL_EMPTY, 0) >= 0
