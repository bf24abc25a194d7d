"""Turnstile primitives: 3x3 sections of the board that turn when the avatar pushes their hub.

A turnstile is a hub cell with the eight cells around it (its ring): floor, walls, pads, whatever
the map puts there. An avatar (of any colour) standing in the ring that walks into the hub turns the
whole 3x3 section a quarter turn clockwise, itself included, so it rides round to the next side and
the walls in the ring swing round with it. A turned section stays as it was left: its turns are its
cells, so all state is on the board.
"""

from __future__ import annotations

from arcgames.kernels import ACT_DX, ACT_DY
from arcgames.kinds import Layer, define_kind
from arcgames.primitives.base import rule
from arcgames.primitives.geometry import k_turn_tile
from arcgames.primitives.paint import k_paint_step, k_painter

# --- kinds -----------------------------------------------------------------------

TURNSTILE = define_kind("turnstile_hub", Layer.TERRAIN, "pink", solid=True)

# --- rules -----------------------------------------------------------------------


@rule
def turnstile_walk(grid, vars, act, flags):
    """ACTION1-4 move the avatar as paint_walk does, except that walking into a turnstile hub turns the
    hub's 3x3 section a quarter turn clockwise, both layers, so the avatar rides round with it (a hub on
    the board edge has no whole section and does nothing)."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy == 0 and dx == 0:
        return
    y, x = k_painter(grid[1])
    if y < 0:
        return
    h, w = grid.shape[1], grid.shape[2]
    hy, hx = y + dy, x + dx
    if 0 <= hy < h and 0 <= hx < w and grid[0, hy, hx] == TURNSTILE:
        if 0 < hy < h - 1 and 0 < hx < w - 1:
            k_turn_tile(grid[0], hy, hx)
            k_turn_tile(grid[1], hy, hx)
        return
    k_paint_step(grid, flags, dy, dx)
