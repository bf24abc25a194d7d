"""Shapes: a panel of board cells shows a shape that pads change, and doors that open while it
matches a goal shape shown on the board.

The panel is the square of panel cells (off, or on in one of two colours) and the goal shape
the rectangle of goal-shape cells, both drawn in the map, so the shape is always on screen.
Entering a pad changes the panel: a quarter turn clockwise, a mirror (left and right
swapped) or a recolour (the two colours swapped). The pad acts when the avatar steps onto
it, not while it stands there, so list ``shape_pads`` *before* move_avatar: it looks at the
cell the move is about to enter.
"""

from __future__ import annotations

import numpy as np

from arcgames.kernels import ACT_DX, ACT_DY, helper_kernel
from arcgames.kinds import AVATAR, Layer, define_kind
from arcgames.primitives.base import LevelProblem, k_find, k_free, k_hold_doors, rule
from arcgames.primitives.geometry import k_box

# --- kinds -----------------------------------------------------------------------

PANEL_OFF = define_kind("panel_off", Layer.TERRAIN, "dark_grey", solid=True)
PANEL_A = define_kind("panel_a", Layer.TERRAIN, "red", solid=True)
PANEL_B = define_kind("panel_b", Layer.TERRAIN, "blue", solid=True)
SHAPE_OFF = define_kind("shape_off", Layer.TERRAIN, "navy", solid=True)  # the goal shape
SHAPE_A = define_kind("shape_a", Layer.TERRAIN, "red", solid=True)  # drawn like the panel: a match looks alike
SHAPE_B = define_kind("shape_b", Layer.TERRAIN, "blue", solid=True)
PAD_TURN = define_kind("pad_turn", Layer.TERRAIN, "white")
PAD_MIRROR = define_kind("pad_mirror", Layer.TERRAIN, "teal")
PAD_RECOLOUR = define_kind("pad_recolour", Layer.TERRAIN, "magenta")
SHAPE_DOOR = define_kind("shape_door", Layer.TERRAIN, "brown", solid=True)
SHAPE_DOOR_OPEN = define_kind("shape_door_open", Layer.TERRAIN, "maroon")

# Lookup tables by kind id: which cells belong to the panel or to the goal shape, and what each shows
# (0 off, 1 colour A, 2 colour B), so that a panel cell and a goal-shape cell compare by value.
PANEL_VALUE = np.full(256, -1, dtype=np.int64)
PANEL_VALUE[[PANEL_OFF, PANEL_A, PANEL_B]] = 0, 1, 2
SHAPE_VALUE = np.full(256, -1, dtype=np.int64)
SHAPE_VALUE[[SHAPE_OFF, SHAPE_A, SHAPE_B]] = 0, 1, 2
IS_PANEL, IS_SHAPE = (PANEL_VALUE >= 0).astype(np.uint8), (SHAPE_VALUE >= 0).astype(np.uint8)
RECOLOURED = np.arange(256, dtype=np.uint8)
RECOLOURED[PANEL_A], RECOLOURED[PANEL_B] = PANEL_B, PANEL_A


@helper_kernel
def k_turn(terrain, top, left, n):
    """Turn the n x n square at (top, left) a quarter turn clockwise, ring by ring, four cells at a time."""
    for ring in range(n // 2):
        last = n - 1 - ring
        for i in range(ring, last):
            off = i - ring
            a = terrain[top + ring, left + i]
            terrain[top + ring, left + i] = terrain[top + last - off, left + ring]
            terrain[top + last - off, left + ring] = terrain[top + last, left + last - off]
            terrain[top + last, left + last - off] = terrain[top + i, left + last]
            terrain[top + i, left + last] = a


@rule
def shape_pads(grid, vars, act, flags):
    """An avatar about to step onto a pad (list this before move_avatar) changes the panel: a turn pad turns
    it a quarter clockwise, a mirror pad swaps its left and right, a recolour pad swaps its two colours.
    A panel that is not square is not turned."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy == 0 and dx == 0:
        return
    terrain, objects = grid[0], grid[1]
    w = terrain.shape[1]
    i = k_find(grid, 1, AVATAR, 0)
    while i >= 0:
        y, x = i // w, i % w
        i = k_find(grid, 1, AVATAR, i + 1)
        if not k_free(terrain, objects, flags, y + dy, x + dx):
            continue
        pad = terrain[y + dy, x + dx]
        if pad != PAD_TURN and pad != PAD_MIRROR and pad != PAD_RECOLOUR:
            continue
        top, bottom, left, right = k_box(terrain, IS_PANEL)
        ph, pw = bottom - top, right - left
        if pad == PAD_TURN and ph == pw:
            k_turn(terrain, top, left, ph)
        elif pad == PAD_MIRROR:
            for r in range(top, top + ph):
                for c in range(pw // 2):
                    a = terrain[r, left + c]
                    terrain[r, left + c] = terrain[r, left + pw - 1 - c]
                    terrain[r, left + pw - 1 - c] = a
        elif pad == PAD_RECOLOUR:
            for r in range(top, top + ph):
                for c in range(left, left + pw):
                    terrain[r, c] = RECOLOURED[terrain[r, c]]


@helper_kernel
def k_matches(terrain):
    """Does the panel show the goal shape (same size, every cell the same value)? No panel: no match."""
    top, bottom, left, right = k_box(terrain, IS_PANEL)
    gtop, gbottom, gleft, gright = k_box(terrain, IS_SHAPE)
    ph, pw, gh, gw = bottom - top, right - left, gbottom - gtop, gright - gleft
    if ph == 0 or ph != gh or pw != gw:
        return False
    for r in range(ph):
        for c in range(pw):
            if PANEL_VALUE[terrain[top + r, left + c]] != SHAPE_VALUE[terrain[gtop + r, gleft + c]]:
                return False
    return True


def panel_fits_shape(board: np.ndarray) -> LevelProblem | None:
    """shape_doors' level check: a panel and a goal shape of one size (no pad changes the panel's size)."""
    panel, shape = (np.argwhere(table[board[Layer.TERRAIN]]) for table in (IS_PANEL, IS_SHAPE))
    if not len(panel) or not len(shape):
        return LevelProblem("the board needs a panel and a goal shape for its shape doors to open")
    (ph, pw), (gh, gw) = (cells.max(axis=0) - cells.min(axis=0) + 1 for cells in (panel, shape))
    if (ph, pw) != (gh, gw):
        return LevelProblem(f"the panel is {ph}x{pw} cells but the goal shape {gh}x{gw}: the doors open only when "
                            "they match", tuple(int(v) for v in panel.min(axis=0)))  # fmt: skip
    return None


@rule(check=panel_fits_shape)
def shape_doors(grid, vars, act, flags):
    """Shape doors are open while the panel matches the goal shape and closed otherwise; a door with an
    object in it stays open until the object leaves."""
    k_hold_doors(grid, k_matches(grid[0]), SHAPE_DOOR, SHAPE_DOOR_OPEN)
