"""Tile primitives: 3x3 tiles whose edges carry colours that must match their neighbours' edges.

A tile is a hub with four edge cells (the middles of its sides) and four corners. Walking into the
middle of a side of a tile with a white hub turns the tile a quarter turn clockwise; a tile with a
dark hub is fixed. Where two edges touch (tiles side by side, or a tile against a socket set in a
wall) they must be of one colour; a blank edge (drawn like a corner) must touch a blank one. The
tiles' turns are their cells, so all state is on the board.
"""

from __future__ import annotations

import numpy as np

from arcgames.kernels import ACT_DX, ACT_DY
from arcgames.kinds import AVATAR, Layer, define_kind
from arcgames.primitives.base import condition, rule
from arcgames.primitives.geometry import k_turn_tile

# --- kinds -----------------------------------------------------------------------

HUB = define_kind("tile_hub", Layer.TERRAIN, "white", solid=True)  # a tile the avatar can turn
PIN = define_kind("tile_pin", Layer.TERRAIN, "dark_grey", solid=True)  # the hub of a fixed tile
CORNER = define_kind("tile_corner", Layer.TERRAIN, "navy", solid=True)
EDGES = (
    define_kind("edge_blank", Layer.TERRAIN, "navy", solid=True),
    define_kind("edge_red", Layer.TERRAIN, "red", solid=True),
    define_kind("edge_yellow", Layer.TERRAIN, "yellow", solid=True),
    define_kind("edge_blue", Layer.TERRAIN, "blue", solid=True),
    define_kind("edge_green", Layer.TERRAIN, "green", solid=True),
)
IS_EDGE = np.zeros(256, dtype=np.bool_)
IS_EDGE[list(EDGES)] = True

# --- rules -----------------------------------------------------------------------


@rule
def bump_turn(grid, vars, act, flags):
    """An avatar that walks into the middle of a side of a turnable tile (its hub just beyond) turns that
    tile a quarter turn clockwise and stays where it is (tiles are solid)."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy == 0 and dx == 0:
        return
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    for y in range(h):
        for x in range(w):
            hy, hx = y + 2 * dy, x + 2 * dx
            if objects[y, x] != AVATAR or not (0 < hy < h - 1 and 0 < hx < w - 1):
                continue
            if terrain[hy, hx] == HUB and IS_EDGE[terrain[y + dy, x + dx]]:
                k_turn_tile(terrain, hy, hx)


# --- conditions ------------------------------------------------------------------


@condition
def edges_match(grid, vars, flags):
    """Won when edges touch somewhere and every two edges that touch are of one colour."""
    terrain = grid[0]
    h, w = terrain.shape
    touching = False
    for y in range(h):
        for x in range(w):
            here = terrain[y, x]
            if not IS_EDGE[here]:
                continue
            if x + 1 < w and IS_EDGE[terrain[y, x + 1]]:
                if terrain[y, x + 1] != here:
                    return False
                touching = True
            if y + 1 < h and IS_EDGE[terrain[y + 1, x]]:
                if terrain[y + 1, x] != here:
                    return False
                touching = True
    return touching
