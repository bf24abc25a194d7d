"""Paint primitives: pads recolour the avatar, gates let through only an avatar of their colour.

The avatar's colour is its kind, so it is drawn on the board: plain (the default avatar), one of the
three primaries, a mix of two (red and yellow make orange, yellow and blue green, red and blue purple)
or all three (brown mud, which no gate lets through). Stepping on a pad mixes its primary into the
avatar's colour; a wash pad makes it plain again. A gate is a coloured cell set in a wall: only an
avatar of exactly its colour walks onto it.
"""

from __future__ import annotations

import numpy as np

from arcgames.kernels import ACT_DX, ACT_DY, helper_kernel
from arcgames.kinds import AVATAR, F_SOLID, GOAL, Layer, define_kind
from arcgames.primitives.base import condition, needs, rule

# Colours are sets of primaries, as bits: red 1, yellow 2, blue 4.
COLOURS = ("plain", "red", "yellow", "orange", "blue", "purple", "green", "brown")
_PALETTE = ("white", "red", "yellow", "orange", "blue", "magenta", "green", "brown")

# --- kinds -----------------------------------------------------------------------

PAINTER = np.zeros(8, dtype=np.uint8)  # colour bits -> avatar kind
PAINTER[0] = AVATAR
COLOUR_OF = np.zeros(256, dtype=np.int8) - 1  # avatar kind -> colour bits, -1 for other kinds
COLOUR_OF[AVATAR] = 0
GATE_COLOUR = np.zeros(256, dtype=np.int8) - 1  # gate kind -> the colour it lets through
for _bits in range(1, 8):
    PAINTER[_bits] = define_kind(f"painter_{COLOURS[_bits]}", Layer.OBJECTS, _PALETTE[_bits])
    COLOUR_OF[PAINTER[_bits]] = _bits
    if _bits < 7:  # nothing lets mud through
        GATE_COLOUR[define_kind(f"paint_gate_{COLOURS[_bits]}", Layer.TERRAIN, _PALETTE[_bits], solid=True)] = _bits
PAD_COLOUR = np.zeros(256, dtype=np.int8) - 1  # pad kind -> the primary it adds (0: a wash pad)
PAD_COLOUR[define_kind("pad_red", Layer.TERRAIN, "red")] = 1
PAD_COLOUR[define_kind("pad_yellow", Layer.TERRAIN, "yellow")] = 2
PAD_COLOUR[define_kind("pad_blue", Layer.TERRAIN, "blue")] = 4
WASH = define_kind("pad_wash", Layer.TERRAIN, "sky")
PAD_COLOUR[WASH] = 0

# The map symbols of the paint kinds, for games to use as their legend (or to extend).
LEGEND = {"r": ("pad_red", ""), "y": ("pad_yellow", ""), "b": ("pad_blue", ""), "w": ("pad_wash", ""),
          "R": ("paint_gate_red", ""), "Y": ("paint_gate_yellow", ""), "U": ("paint_gate_blue", ""),
          "O": ("paint_gate_orange", ""), "N": ("paint_gate_green", ""), "V": ("paint_gate_purple", "")}  # fmt: skip

# --- rules -----------------------------------------------------------------------


@helper_kernel
def k_painter(objects):
    """(row, col) of the first avatar of any colour, or (-1, -1)."""
    h, w = objects.shape
    for y in range(h):
        for x in range(w):
            if COLOUR_OF[objects[y, x]] >= 0:
                return y, x
    return -1, -1


@helper_kernel
def k_paint_step(grid, flags, dy, dx):
    """Move the avatar (of any colour) one cell by (dy, dx), unless solid terrain other than a gate of its
    colour, or an object, is in the way; then mix in the colour of the pad it lands on."""
    terrain, objects = grid[0], grid[1]
    y, x = k_painter(objects)
    if y < 0:
        return
    h, w = terrain.shape
    ty, tx = y + dy, x + dx
    if not (0 <= ty < h and 0 <= tx < w) or objects[ty, tx] != 0:
        return
    colour = COLOUR_OF[objects[y, x]]
    ground = terrain[ty, tx]
    if flags[ground] & F_SOLID and GATE_COLOUR[ground] != colour:
        return
    if PAD_COLOUR[ground] == 0:
        colour = 0
    elif PAD_COLOUR[ground] > 0:
        colour |= PAD_COLOUR[ground]
    objects[y, x] = 0
    objects[ty, tx] = PAINTER[colour]


@rule
def paint_walk(grid, vars, act, flags):
    """ACTION1-4 move the avatar (of any colour) one cell: solid terrain and objects block it, but a gate
    of exactly its colour lets it in. On a pad its colour mixes with the pad's (a wash pad makes it plain)."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy != 0 or dx != 0:
        k_paint_step(grid, flags, dy, dx)


# --- conditions ------------------------------------------------------------------


@condition(check=needs(GOAL))
def painter_home(grid, vars, flags):
    """Won when the avatar, of any colour, stands on a goal cell."""
    y, x = k_painter(grid[1])
    return y >= 0 and grid[0, y, x] == GOAL
