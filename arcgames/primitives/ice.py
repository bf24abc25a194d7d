"""Ice: an avatar that moves onto ice slides on in the same direction until something stops it
(a solid cell, another object) or it leaves the ice."""

from __future__ import annotations

from arcgames.kernels import ACT_DX, ACT_DY
from arcgames.kinds import AVATAR, Layer, define_kind
from arcgames.primitives.base import k_first_mover, k_free, k_next_mover, rule

ICE = define_kind("ice", Layer.TERRAIN, "sky")


@rule
def slide_on_ice(grid, vars, act, flags):
    """After a move (list it after move_avatar), every avatar on ice keeps going in the move's direction
    while it stands on ice and the cell ahead is free. Front-most first, so that a slid avatar lands on a
    cell already visited and one behind it stops against it."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy == 0 and dx == 0:
        return
    terrain, objects = grid[0], grid[1]
    w = terrain.shape[1]
    i = k_first_mover(grid, AVATAR, dy, dx)
    while i >= 0:
        y, x = i // w, i % w
        while terrain[y, x] == ICE and k_free(terrain, objects, flags, y + dy, x + dx):
            objects[y + dy, x + dx] = AVATAR
            objects[y, x] = 0
            y, x = y + dy, x + dx
        i = k_next_mover(grid, AVATAR, dy, dx, i)
