"""Agents and what hides them: patrollers, fleeing sheep, a mirror twin, fog, and numbered gems
counted on a tally.

Kinds that must look alike share a colour on purpose: the four patroller headings (a
heading is seen only by watching one move), and every fog kind with every patroller
hidden in fog (occlusion). Everything else gets its own colour; games recolour kinds
with ``colours=`` where two of their kinds would clash (recolour fog kinds all together).

A patroller on a fog cell is stored as its *hidden* kind, drawn in the fog colour,
because the frame shows an object over any terrain: occlusion is a kind swap that
``patrol`` does when a patroller steps in or out of fog and ``reveal_fog`` does when
fog lifts. Chasers and sheep have no hidden kinds and stay visible in fog.
"""

from __future__ import annotations

import numpy as np

from arcgames.draw import Counter
from arcgames.kernels import ACT_DX, ACT_DY, as_flat, helper_kernel
from arcgames.kinds import AVATAR, FLOOR, GOAL, KINDS, LAVA, SOLID, Layer, define_kind
from arcgames.primitives.base import (
    any_on,
    condition,
    every_on,
    k_count,
    k_find,
    k_free,
    k_inside,
    k_move_every,
    k_nearest_avatar,
    k_step_along,
    k_unmark,
    rule,
)
from arcgames.primitives.core import CROSS
from arcgames.state import Var

FOG_COLOUR = "dark_grey"
FLEE_RADIUS = 2  # a sheep runs from an avatar at most this many steps away (Manhattan)

# Headings in an order where ``h ^ 1`` is the opposite heading.
HEADINGS = ((-1, 0), (1, 0), (0, -1), (0, 1))
_HEADING_NAMES = ("up", "down", "left", "right")

# --- kinds -----------------------------------------------------------------------

PEN = define_kind("pen", Layer.TERRAIN, "teal")
TALLY = define_kind("tally", Layer.TERRAIN, "navy", solid=True)  # an empty tally mark
TALLY_FULL = define_kind("tally_full", Layer.TERRAIN, "white", solid=True)
GEM_1 = define_kind("gem_1", Layer.TERRAIN, "yellow")
GEM_2 = define_kind("gem_2", Layer.TERRAIN, "sky")
GEM_3 = define_kind("gem_3", Layer.TERRAIN, "pink")

# Fog over a real terrain kind, as solid as what it hides (patrollers walk the real map).
_FOGGY = [False] * 256  # is this terrain kind fog?
_FOG_REVEALS = list(range(256))  # fog kind -> the kind it hides; every other kind -> itself
for _name in ("floor", "wall", "lava", "goal", "gem_1", "gem_2", "gem_3"):
    _fog = define_kind(f"fog_{_name}", Layer.TERRAIN, FOG_COLOUR, solid=SOLID[KINDS[_name].id], tile=False)
    _FOGGY[_fog], _FOG_REVEALS[_fog] = True, KINDS[_name].id

PATROLS = tuple(define_kind(f"patrol_{h}", Layer.OBJECTS, "blue") for h in _HEADING_NAMES)
HIDDEN_PATROLS = tuple(define_kind(f"hidden_patrol_{h}", Layer.OBJECTS, FOG_COLOUR) for h in _HEADING_NAMES)
SHEEP = define_kind("sheep", Layer.OBJECTS, "white")
TWIN = define_kind("twin", Layer.OBJECTS, "yellow")

# Lookup tables by kind id, as numpy arrays because the kernels index them (numba freezes them at
# compile time; they depend only on the kinds defined above, whose ids never change).
HEADING = np.full(256, -1, dtype=np.int64)  # patroller kind (seen or hidden) -> index into HEADINGS
UNHIDE = np.zeros(256, dtype=np.uint8)  # hidden kind -> the kind seen once its fog lifts
for _h, (_seen, _hidden) in enumerate(zip(PATROLS, HIDDEN_PATROLS, strict=True)):
    HEADING[_seen] = HEADING[_hidden] = _h
    UNHIDE[_hidden] = _seen
FOGGY = np.array(_FOGGY, dtype=np.bool_)
FOG_REVEALS = np.array(_FOG_REVEALS, dtype=np.uint8)
GEM_VALUE = np.zeros(256, dtype=np.int64)
GEM_VALUE[GEM_1], GEM_VALUE[GEM_2], GEM_VALUE[GEM_3] = 1, 2, 3
SEEN_KINDS = np.array(PATROLS, dtype=np.uint8)
HIDDEN_KINDS = np.array(HIDDEN_PATROLS, dtype=np.uint8)
HEADING_DY = np.array([dy for dy, _ in HEADINGS], dtype=np.int64)
HEADING_DX = np.array([dx for _, dx in HEADINGS], dtype=np.int64)
LANDED = 0x80  # a terrain bit no kind uses (terrain ids are below 128): patrol marks where a patroller landed
TALLIED, LAST_GEM, OUT_OF_ORDER = int(Var.TALLIED), int(Var.LAST_GEM), int(Var.OUT_OF_ORDER)
# The status strip: one white pip per unit tallied (as a full tally mark), one per unit of the last gem's value,
# and a red pip once a gem came out of order.
TALLY_SHOWN = Counter(Var.TALLIED, "white", 12)
LAST_GEM_SHOWN = Counter(Var.LAST_GEM, "sky", 3)
ORDER_SHOWN = Counter(Var.OUT_OF_ORDER, "red", 1)


# --- rules -----------------------------------------------------------------------


@helper_kernel
def k_patrol_step(terrain, objects, flags, y, x, heading):
    """Move the patroller at (y, x) one cell along ``heading`` if it can, hidden if it lands in fog, and mark
    where it landed (:data:`LANDED`) so that it is not moved again this step."""
    ny, nx = y + HEADING_DY[heading], x + HEADING_DX[heading]
    if not k_free(terrain, objects, flags, ny, nx):
        return False
    objects[y, x] = 0
    objects[ny, nx] = HIDDEN_KINDS[heading] if FOGGY[terrain[ny, nx]] else SEEN_KINDS[heading]
    terrain[ny, nx] |= LANDED
    return True


@rule
def patrol(grid, vars, act, flags):
    """Each patroller steps along its heading; blocked, it turns back and steps the other way (or waits, boxed
    in). Forward steps repeat over the patrollers still blocked, in reading order, until none moves, so that a
    line of patrollers moves as one; then the blocked ones turn back, in reading order."""
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    progress = True
    while progress:
        progress = False
        for y in range(h):
            for x in range(w):
                heading = HEADING[objects[y, x]]
                if heading < 0 or terrain[y, x] & LANDED:
                    continue
                if k_patrol_step(terrain, objects, flags, y, x, heading):
                    progress = True
    for y in range(h):
        for x in range(w):
            heading = HEADING[objects[y, x]]
            if heading < 0 or terrain[y, x] & LANDED:
                continue
            heading ^= 1
            if not k_patrol_step(terrain, objects, flags, y, x, heading):
                objects[y, x] = HIDDEN_KINDS[heading] if FOGGY[terrain[y, x]] else SEEN_KINDS[heading]
    for y in range(h):
        for x in range(w):
            terrain[y, x] &= ~LANDED


@rule
def flee(grid, vars, act, flags):
    """Each sheep within 2 steps of its nearest avatar steps directly away, along the wider gap first.
    Farthest sheep first (ties in reading order), so that a line of sheep moves as one; a sheep that moved is
    marked ``MOVED`` until all have had their turn."""
    terrain, objects = grid[0], grid[1]
    w = terrain.shape[1]
    moved = False
    for distance in range(FLEE_RADIUS, -1, -1):
        i = k_find(grid, 1, SHEEP, 0)
        while i >= 0:
            y, x = i // w, i % w
            ay, ax = k_nearest_avatar(grid, y, x)
            if ay < 0:
                return  # no avatar: nothing to flee from (and no sheep has moved)
            if abs(ay - y) + abs(ax - x) == distance and k_step_along(terrain, objects, flags, y, x, y - ay, x - ax):
                moved = True
            i = k_find(grid, 1, SHEEP, i + 1)
    if moved:
        k_unmark(grid, SHEEP)


@rule
def mirror_move(grid, vars, act, flags):
    """ACTION1-4 move every twin one cell like the avatar but with left and right swapped; blocked on its own."""
    dy, dx = act[ACT_DY], -act[ACT_DX]
    if dy != 0 or dx != 0:
        k_move_every(grid, flags, TWIN, dy, dx)


@rule
def reveal_fog(grid, vars, act, flags):
    """Fog on or orthogonally next to an avatar lifts for good, showing the terrain and any patroller in it."""
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    i = k_find(grid, 1, AVATAR, 0)
    while i >= 0:
        y, x = i // w, i % w
        for k in range(5):
            ny, nx = y + CROSS[k][0], x + CROSS[k][1]
            if k_inside(h, w, ny, nx) and FOGGY[terrain[ny, nx]]:
                terrain[ny, nx] = FOG_REVEALS[terrain[ny, nx]]
                if UNHIDE[objects[ny, nx]]:
                    objects[ny, nx] = UNHIDE[objects[ny, nx]]
        i = k_find(grid, 1, AVATAR, i + 1)


@rule(counters=(TALLY_SHOWN, LAST_GEM_SHOWN, ORDER_SHOWN))
def fill_tally(grid, vars, act, flags):
    """An avatar on a numbered gem picks it up and fills as many empty tally marks as its value, in reading order."""
    terrain = as_flat(grid[0])
    i = k_find(grid, 1, AVATAR, 0)
    while i >= 0:
        value = GEM_VALUE[terrain[i]]
        if value > 0:
            terrain[i] = FLOOR
            if value < vars[LAST_GEM]:
                vars[OUT_OF_ORDER] = 1
            vars[LAST_GEM] = value
            vars[TALLIED] += value
            mark = k_find(grid, 0, TALLY, 0)
            for _ in range(value):
                if mark < 0:
                    break
                terrain[mark] = TALLY_FULL
                mark = k_find(grid, 0, TALLY, mark + 1)
        i = k_find(grid, 1, AVATAR, i + 1)


# --- conditions ------------------------------------------------------------------


@condition
def caught_by_patrol(grid, vars, flags):
    """Lost when a patroller, seen or hidden, is orthogonally next to an avatar."""
    objects = grid[1]
    h, w = objects.shape
    i = k_find(grid, 1, AVATAR, 0)
    while i >= 0:
        y, x = i // w, i % w
        for k in range(1, 5):
            ny, nx = y + CROSS[k][0], x + CROSS[k][1]
            if k_inside(h, w, ny, nx) and HEADING[objects[ny, nx]] >= 0:
                return True
        i = k_find(grid, 1, AVATAR, i + 1)
    return False


herded = every_on("herded", (SHEEP,), PEN, "Won when every sheep stands on a pen cell.")
all_on_goals = every_on("all_on_goals", (AVATAR, TWIN), GOAL, "Won when every avatar and every twin stands on a goal.")
twin_touches_lava = any_on("twin_touches_lava", TWIN, LAVA, "Lost when a twin stands on lava.")


@condition(counters=(TALLY_SHOWN,))
def tally_exact(grid, vars, flags):
    """Won when the picked-up gems' values add up to exactly the number of tally marks."""
    marks = k_count(grid, 0, TALLY_FULL)
    return marks > 0 and k_count(grid, 0, TALLY) == 0 and vars[TALLIED] == marks


@condition(counters=(TALLY_SHOWN,))
def tally_overflow(grid, vars, flags):
    """Lost when the picked-up gems' values add up to more than the number of tally marks."""
    return vars[TALLIED] > k_count(grid, 0, TALLY) + k_count(grid, 0, TALLY_FULL)


@condition(counters=(ORDER_SHOWN,))
def gems_in_order(grid, vars, flags):
    """Holds while every gem picked up was at least the one before it (a win needs it: wins outrank losses)."""
    return vars[OUT_OF_ORDER] == 0


@condition(counters=(ORDER_SHOWN,))
def gems_out_of_order(grid, vars, flags):
    """Lost once a gem smaller than the one picked up before it is picked up."""
    return vars[OUT_OF_ORDER] != 0
