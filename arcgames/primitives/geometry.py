"""Geometry primitives: blocks of cells that turn, pipes that connect, paint and symmetry,
and copying a shape onto a canvas (as it is, mirrored or turned).

All are kernels (see :mod:`arcgames.kernels`); the four ways of matching a target shape
are one template (:func:`t_match_target`) with the poses each allows.
"""

from __future__ import annotations

import numpy as np

from arcgames.kernels import ACT_COL, ACT_ID, ACT_ROW, helper_kernel, kernel
from arcgames.kinds import Layer, define_kind
from arcgames.primitives.base import (
    CLICK,
    FLOODED,
    LevelProblem,
    click_cycle,
    condition,
    k_spread,
    k_unflood,
    needs,
    rule,
    template,
)

# --- kinds -----------------------------------------------------------------------

SHADE = define_kind("shade", Layer.TERRAIN, "dark_grey", tile=False)  # a darker floor, to draw tiles and frames
PIPE = define_kind("pipe", Layer.TERRAIN, "grey", tile=False)
WATER = define_kind("water", Layer.TERRAIN, "sky", tile=False)  # a pipe that a source fills
ROTOR = define_kind("rotor", Layer.TERRAIN, "white", clickable=True)  # the hub a block turns around
SOURCE = define_kind("source", Layer.TERRAIN, "blue")
SINK = define_kind("sink", Layer.TERRAIN, "green")
PAINTS = (
    define_kind("paint_blank", Layer.TERRAIN, "dark_grey", clickable=True),
    define_kind("paint_red", Layer.TERRAIN, "red", clickable=True),
    define_kind("paint_blue", Layer.TERRAIN, "blue", clickable=True),
    define_kind("paint_yellow", Layer.TERRAIN, "yellow", clickable=True),
)
AXIS = define_kind("axis", Layer.TERRAIN, "grey")  # a fixed cell inside a picture (a mirror line)
PIVOT = define_kind("pivot", Layer.TERRAIN, "white")  # a fixed cell inside a picture (a centre of turn)
CANVAS_OFF = define_kind("canvas_off", Layer.TERRAIN, "dark_grey", clickable=True)
CANVAS_ON = define_kind("canvas_on", Layer.TERRAIN, "yellow", clickable=True)
CANVAS_PIN = define_kind("canvas_pin", Layer.TERRAIN, "orange")  # a canvas cell fixed on
TARGET_OFF = define_kind("target_off", Layer.TERRAIN, "navy")
TARGET_ON = define_kind("target_on", Layer.TERRAIN, "green")


CONDUCTS = np.zeros(256, dtype=np.bool_)  # what water flows through
CONDUCTS[[PIPE, WATER, ROTOR, SOURCE, SINK]] = True
IS_PAINT = np.zeros(256, dtype=np.bool_)
IS_PAINT[list(PAINTS)] = True
CANVAS_MARK = np.zeros(256, dtype=np.uint8)  # 2 = a cell of the drawn shape, 1 = a canvas cell left off
CANVAS_MARK[[CANVAS_OFF, CANVAS_ON, CANVAS_PIN]] = 1, 2, 2
TARGET_MARK = np.zeros(256, dtype=np.uint8)
TARGET_MARK[[TARGET_OFF, TARGET_ON]] = 1, 2
# What a click turns a cell into (0: clicks do nothing); each palette is a cycle.
NEXT_PAINT = [0] * 256
for _palette in (PAINTS, (CANVAS_OFF, CANVAS_ON)):
    for _i, _kind in enumerate(_palette):
        NEXT_PAINT[_kind] = _palette[(_i + 1) % len(_palette)]


# --- rules -----------------------------------------------------------------------


@helper_kernel
def k_turn_tile(cells, y, x):
    """Turn the 3x3 tile around hub (y, x) a quarter turn clockwise: corners and edge middles each move
    round one place."""
    corner = cells[y - 1, x - 1]
    cells[y - 1, x - 1] = cells[y + 1, x - 1]
    cells[y + 1, x - 1] = cells[y + 1, x + 1]
    cells[y + 1, x + 1] = cells[y - 1, x + 1]
    cells[y - 1, x + 1] = corner
    edge = cells[y - 1, x]
    cells[y - 1, x] = cells[y, x - 1]
    cells[y, x - 1] = cells[y + 1, x]
    cells[y + 1, x] = cells[y, x + 1]
    cells[y, x + 1] = edge


def rotors_inside(board: np.ndarray) -> LevelProblem | None:
    """rotate_block's level check: no rotor on the board edge, where it has no whole block to turn."""
    h, w = board.shape[1:]
    for y, x in np.argwhere(board[Layer.TERRAIN] == ROTOR):
        if not (0 < y < h - 1 and 0 < x < w - 1):
            return LevelProblem("this rotor is on the board edge, where it has no whole 3x3 block to turn",
                                (int(y), int(x)))  # fmt: skip
    return None


@rule(check=rotors_inside)
def rotate_block(grid, vars, act, flags):
    """Clicking a rotor turns the 3x3 block around it a quarter turn clockwise (both layers);
    a rotor on the board edge has no whole block and does nothing."""
    y, x = act[ACT_ROW], act[ACT_COL]
    if act[ACT_ID] != CLICK or y < 0:
        return
    h, w = grid.shape[1], grid.shape[2]
    if grid[0, y, x] != ROTOR or not (0 < y < h - 1 and 0 < x < w - 1):
        return
    for layer in range(2):
        k_turn_tile(grid[layer], y, x)


@helper_kernel
def k_flood_from_sources(terrain):
    """Mark (:data:`FLOODED`) every conductive cell 4-connected to a source, sources included."""
    h, w = terrain.shape
    for y in range(h):
        for x in range(w):
            if terrain[y, x] == SOURCE:
                terrain[y, x] |= FLOODED
    k_spread(terrain, CONDUCTS)


@rule
def fill_pipes(grid, vars, act, flags):
    """Water fills every pipe joined to a source; a pipe cut off from every source runs dry."""
    terrain = grid[0]
    h, w = terrain.shape
    k_flood_from_sources(terrain)
    for y in range(h):
        for x in range(w):
            kind = terrain[y, x]
            if kind == PIPE | FLOODED:
                terrain[y, x] = WATER
            elif kind == WATER:
                terrain[y, x] = PIPE
            else:
                terrain[y, x] = kind & ~FLOODED


paint_cycle = click_cycle(
    "paint_cycle",
    PAINTS,
    (CANVAS_OFF, CANVAS_ON),
    doc="Clicking a paint cell steps it to the next colour of its palette (blank, red, blue, yellow, blank, ...); "
    "a canvas cell flips between off and on.",
)


# --- conditions ------------------------------------------------------------------


@condition(check=needs(SOURCE, SINK))
def connected(grid, vars, flags):
    """Won when every sink is joined to a source by a 4-connected path of pipe cells
    (pipes, water, rotors, other sources and sinks all conduct)."""
    terrain = grid[0]
    h, w = terrain.shape
    k_flood_from_sources(terrain)
    sinks, dry = 0, 0
    for y in range(h):
        for x in range(w):
            if terrain[y, x] & ~FLOODED == SINK:
                sinks += 1
                if terrain[y, x] == SINK:
                    dry += 1
    k_unflood(terrain)
    return sinks > 0 and dry == 0


@helper_kernel
def k_holds(terrain, top, bottom, left, right, kind):
    for y in range(top, bottom):
        for x in range(left, right):
            if terrain[y, x] == kind:
                return True
    return False


@condition
def mirror_symmetric(grid, vars, flags):
    """Won when the picture (the bounding box of the paint cells) reads the same mirrored left-right,
    or does not ask to: only a picture holding an axis cell (its mirror line) is asked."""
    terrain = grid[0]
    top, bottom, left, right = k_box(terrain, IS_PAINT)
    if not k_holds(terrain, top, bottom, left, right, AXIS):
        return True
    for y in range(top, bottom):
        for x in range(left, right):
            if terrain[y, x] != terrain[y, left + right - 1 - x]:
                return False
    return True


@condition
def rotation_symmetric(grid, vars, flags):
    """Won when the picture (the bounding box of the paint cells) reads the same turned half a turn,
    or does not ask to: only a picture holding a pivot cell (its centre of turn) is asked."""
    terrain = grid[0]
    top, bottom, left, right = k_box(terrain, IS_PAINT)
    if not k_holds(terrain, top, bottom, left, right, PIVOT):
        return True
    for y in range(top, bottom):
        for x in range(left, right):
            if terrain[y, x] != terrain[top + bottom - 1 - y, left + right - 1 - x]:
                return False
    return True


# --- matching a target shape ---------------------------------------------------------
#
# The target is the overlay of its pieces: the blocks of target cells that empty rows and columns
# split it into, all of one size (marks: 2 on, 1 off, 0 a hole). The canvas matches when the
# bounding box of its cells shows the target in one of the poses a condition allows. Kernels keep
# no lists, so runs and pieces are found again by scanning when needed: the boards are small.


@helper_kernel
def k_box(terrain, marks):
    """The bounding box (top, bottom, left, right; exclusive ends) of the cells whose mark is not 0, or
    (0, 0, 0, 0) when there are none."""
    h, w = terrain.shape
    top, bottom, left, right = h, 0, w, 0
    for y in range(h):
        for x in range(w):
            if marks[terrain[y, x]]:
                top, bottom = min(top, y), max(bottom, y + 1)
                left, right = min(left, x), max(right, x + 1)
    if bottom == 0:
        return 0, 0, 0, 0
    return top, bottom, left, right


@helper_kernel
def k_line_marked(terrain, along_rows, i, lo, hi):
    """Does row ``i`` (columns lo..hi-1), or column ``i`` (rows lo..hi-1), hold a target mark?"""
    for j in range(lo, hi):  # noqa: SIM110 (a loop compiles to a tight kernel; any() over a generator does not)
        if TARGET_MARK[terrain[i, j] if along_rows else terrain[j, i]]:
            return True
    return False


@helper_kernel
def k_run(terrain, along_rows, n, start, stop, lo, hi):
    """(first, end) of the n-th run of marked rows (or columns) between start and stop, or (-1, -1)."""
    seen, first = 0, -1
    for i in range(start, stop + 1):
        marked = i < stop and k_line_marked(terrain, along_rows, i, lo, hi)
        if marked and first < 0:
            first = i
        elif not marked and first >= 0:
            if seen == n:
                return first, i
            seen += 1
            first = -1
    return -1, -1


@helper_kernel
def k_piece(terrain, box, n, m):
    """The (n, m)-th block of the target (n-th row run, m-th column run): (top, left, height, width, holds
    a mark), or height -1 past the last run."""
    top, bottom, left, right = box
    r0, r1 = k_run(terrain, True, n, top, bottom, left, right)
    c0, c1 = k_run(terrain, False, m, left, right, top, bottom)
    if r0 < 0 or c0 < 0:
        return 0, 0, -1, -1, False
    marked = False
    for y in range(r0, r1):
        for x in range(c0, c1):
            if TARGET_MARK[terrain[y, x]]:
                marked = True
    return r0, c0, r1 - r0, c1 - c0, marked


@helper_kernel
def k_target_size(terrain, box):
    """(height, width) of the target's pieces, or (-1, -1) when there is no target or its pieces differ."""
    ph, pw = -1, -1
    n = 0
    while k_run(terrain, True, n, box[0], box[1], box[2], box[3])[0] >= 0:
        m = 0
        while k_run(terrain, False, m, box[2], box[3], box[0], box[1])[0] >= 0:
            _, _, height, width, marked = k_piece(terrain, box, n, m)
            if marked:
                if ph >= 0 and (height != ph or width != pw):
                    return -1, -1
                ph, pw = height, width
            m += 1
        n += 1
    return ph, pw


@helper_kernel
def k_target_at(terrain, box, y, x):
    """The overlaid target's mark at (y, x) of a piece: the largest mark any piece has there."""
    best = 0
    n = 0
    while k_run(terrain, True, n, box[0], box[1], box[2], box[3])[0] >= 0:
        m = 0
        while k_run(terrain, False, m, box[2], box[3], box[0], box[1])[0] >= 0:
            r0, c0, _, _, marked = k_piece(terrain, box, n, m)
            if marked:
                best = max(best, TARGET_MARK[terrain[r0 + y, c0 + x]])
            m += 1
        n += 1
    return best


@kernel
def t_match_target(grid, vars, flags, poses):
    """The canvas shows the target in one of the ``poses``: bit ``turns + 4 * mirrored`` set for a pose
    turned ``turns`` quarter turns clockwise, then mirrored left-right if ``mirrored``."""
    terrain = grid[0]
    target = k_box(terrain, TARGET_MARK)
    if target[1] == 0:
        return False
    ph, pw = k_target_size(terrain, target)
    if ph < 0:
        return False
    top, bottom, left, right = k_box(terrain, CANVAS_MARK)
    for pose in range(8):
        if not (poses >> pose) & 1:
            continue
        turns, mirrored = pose % 4, pose >= 4
        height, width = (ph, pw) if turns % 2 == 0 else (pw, ph)
        if bottom - top != height or right - left != width:
            continue
        same = True
        for y in range(height):
            for x in range(width):
                # Undo the mirror, then the turns, to find the target cell this canvas cell shows.
                ty, tx, th, tw = y, (width - 1 - x if mirrored else x), height, width
                for _ in range(turns):
                    ty, tx, th, tw = tw - 1 - tx, ty, tw, th
                if CANVAS_MARK[terrain[top + y, left + x]] != k_target_at(terrain, target, ty, tx):
                    same = False
                    break
            if not same:
                break
        if same:
            return True
    return False


match_target = template(
    t_match_target, "condition", "match_target", (0b00000001,),
    "Won when the canvas shows the target shape (every target piece overlaid), cell for cell.",
)  # fmt: skip
match_target_mirrored = template(
    t_match_target, "condition", "match_target_mirrored", (0b00010000,),
    "Won when the canvas shows the target shape mirrored left-right.",
)  # fmt: skip
match_target_rotated = template(
    t_match_target, "condition", "match_target_rotated", (0b00000010,),
    "Won when the canvas shows the target shape turned a quarter turn clockwise.",
)  # fmt: skip
match_target_any = template(
    t_match_target, "condition", "match_target_any", (0b11111111,),
    "Won when the canvas shows the target shape lying any way: as it is, turned, mirrored, or both "
    "(fixed pins on the canvas can then decide which way it must lie).",
)  # fmt: skip
