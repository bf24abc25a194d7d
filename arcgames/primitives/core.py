"""The first primitives: movement, pushing, keys and doors, items, paint, portals,
gravity, chasers, lights, switches, and the conditions that judge them."""

from __future__ import annotations

import numpy as np

from arcgames.actions import ActionId
from arcgames.kernels import ACT_COL, ACT_DX, ACT_DY, ACT_ID, ACT_ROW
from arcgames.kinds import (
    AVATAR,
    CHASER,
    DOOR,
    F_PUSHABLE,
    FALLS,
    FLOOR,
    GATE_CLOSED,
    GATE_OPEN,
    GEM,
    GOAL,
    KEY,
    LAVA,
    LIGHT_OFF,
    LIGHT_ON,
    MOVED,
    PORTAL,
    SWITCH,
    TRAIL,
    UNPAINTED,
    Layer,
)
from arcgames.primitives.base import (
    any_on,
    avatars,
    cells,
    cells_of,
    condition,
    every_under,
    free,
    holds,
    inside,
    k_cell,
    k_free,
    k_front_first,
    k_inside,
    k_sign,
    next_to,
    none_left,
    rule,
)
from arcgames.state import Act, State, Var

KEYS = int(Var.KEYS)
CLICK = int(ActionId.ACTION6)
CROSS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))  # a cell and its four neighbours

# --- rules -----------------------------------------------------------------------


@rule
def move_avatar(grid, vars, act, flags):
    """ACTION1-4 move every avatar one cell; solid terrain and other objects block it."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy == 0 and dx == 0:
        return
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    scan = k_front_first(h, w, dy, dx)
    for i in range(scan[0]):
        for j in range(scan[1]):
            y, x = k_cell(scan, i, j)
            if objects[y, x] == AVATAR and k_free(terrain, objects, flags, y + dy, x + dx):
                objects[y + dy, x + dx] = AVATAR
                objects[y, x] = 0


@rule
def push_blocks(grid, vars, act, flags):
    """An avatar walking into a pushable object shoves it one cell if that cell is free."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy == 0 and dx == 0:
        return
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    scan = k_front_first(h, w, dy, dx)
    for i in range(scan[0]):
        for j in range(scan[1]):
            y, x = k_cell(scan, i, j)
            ny, nx = y + dy, x + dx
            pushable = objects[y, x] == AVATAR and k_inside(h, w, ny, nx) and flags[objects[ny, nx]] & F_PUSHABLE
            if pushable and k_free(terrain, objects, flags, ny + dy, nx + dx):
                objects[ny + dy, nx + dx] = objects[ny, nx]
                objects[ny, nx] = 0


@rule
def unlock_doors(grid, vars, act, flags):
    """Walking into a door while carrying a key spends the key and opens the door for good."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy == 0 and dx == 0:
        return
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    scan = k_front_first(h, w, dy, dx)
    for i in range(scan[0]):
        for j in range(scan[1]):
            y, x = k_cell(scan, i, j)
            ny, nx = y + dy, x + dx
            if objects[y, x] == AVATAR and vars[KEYS] > 0 and k_inside(h, w, ny, nx) and terrain[ny, nx] == DOOR:
                terrain[ny, nx] = FLOOR
                vars[KEYS] -= 1


@rule
def collect_items(grid, vars, act, flags):
    """An avatar on a key or gem picks it up; keys are counted, gems just vanish."""
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    for y in range(h):
        for x in range(w):
            if objects[y, x] == AVATAR:
                if terrain[y, x] == KEY:
                    terrain[y, x] = FLOOR
                    vars[KEYS] += 1
                elif terrain[y, x] == GEM:
                    terrain[y, x] = FLOOR


@rule
def paint_trail(state: State, act: Act) -> None:
    """An avatar entering an unpainted cell paints it; painted cells are solid (one-stroke paths)."""
    terrain, objects = state.grid
    for y, x in avatars(objects, act):
        if terrain[y, x] == UNPAINTED:
            terrain[y, x] = TRAIL


@rule
def enter_portals(state: State, act: Act) -> None:
    """Walking into a portal carries the avatar to the other portal (then it steps out if it can)."""
    if not (act.dy or act.dx):
        return
    terrain, objects = state.grid
    portals = cells_of(terrain, PORTAL)
    if len(portals) != 2:
        return
    for y, x in avatars(objects, act):
        target = (y + act.dy, x + act.dx)
        if target in portals:
            exit_y, exit_x = portals[1] if target == portals[0] else portals[0]
            if objects[exit_y, exit_x] == 0:
                objects[exit_y, exit_x] = AVATAR
                objects[y, x] = 0


@rule
def gravity(state: State, act: Act) -> None:
    """Objects that fall drop straight down until they rest on something solid or the bottom."""
    terrain, objects = state.grid
    for y, x in sorted(cells(objects != 0), reverse=True):  # lowest first, so stacks settle
        kind = objects[y, x]
        if not FALLS[kind]:
            continue
        while free(terrain, objects, y + 1, x):
            objects[y + 1, x] = kind
            objects[y, x] = 0
            y += 1


@rule
def chase(grid, vars, act, flags):
    """Each chaser steps one cell toward the nearest avatar (ties: the first in reading order), along the
    longer gap first. Chasers move in reading order of where they started: one that moved is marked
    ``MOVED`` until all have, so that it is not visited again."""
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    for y in range(h):
        for x in range(w):
            if objects[y, x] != CHASER:
                continue
            best, ay, ax = h + w, -1, -1
            for vy in range(h):
                for vx in range(w):
                    if objects[vy, vx] == AVATAR and abs(vy - y) + abs(vx - x) < best:
                        best, ay, ax = abs(vy - y) + abs(vx - x), vy, vx
            if ay < 0:
                return  # no avatar, nothing to chase (and no chaser has moved yet)
            sy, sx = k_sign(ay - y), k_sign(ax - x)
            vertical_first = abs(ay - y) >= abs(ax - x)
            for attempt in range(2):
                dy, dx = (sy, 0) if vertical_first == (attempt == 0) else (0, sx)
                if (dy != 0 or dx != 0) and k_free(terrain, objects, flags, y + dy, x + dx):
                    objects[y + dy, x + dx] = MOVED
                    objects[y, x] = 0
                    break
    for y in range(h):
        for x in range(w):
            if objects[y, x] == MOVED:
                objects[y, x] = CHASER


@rule
def toggle_lights(grid, vars, act, flags):
    """Clicking a light flips it and each orthogonal neighbour that is a light (lights-out)."""
    row, col = act[ACT_ROW], act[ACT_COL]
    if act[ACT_ID] != CLICK or row < 0:
        return
    terrain = grid[0]
    h, w = terrain.shape
    if terrain[row, col] != LIGHT_OFF and terrain[row, col] != LIGHT_ON:
        return
    for i in range(5):
        y, x = row + CROSS[i][0], col + CROSS[i][1]
        if k_inside(h, w, y, x):
            if terrain[y, x] == LIGHT_OFF:
                terrain[y, x] = LIGHT_ON
            elif terrain[y, x] == LIGHT_ON:
                terrain[y, x] = LIGHT_OFF


def _flip_gates(terrain: np.ndarray) -> None:
    closed, opened = terrain == GATE_CLOSED, terrain == GATE_OPEN
    terrain[closed] = GATE_OPEN
    terrain[opened] = GATE_CLOSED


@rule
def click_switch(state: State, act: Act) -> None:
    """Clicking a switch flips every gate on the board: closed gates open, open gates close."""
    if act.id == ActionId.ACTION6 and act.row >= 0 and state.grid[0][act.row, act.col] == SWITCH:
        _flip_gates(state.grid[0])


@rule
def interact_switch(state: State, act: Act) -> None:
    """ACTION5 next to a switch flips every gate on the board (a lever the avatar must reach)."""
    if act.id != ActionId.ACTION5:
        return
    terrain, objects = state.grid
    for y, x in avatars(objects, act):
        for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            if inside(terrain, y + dy, x + dx) and terrain[y + dy, x + dx] == SWITCH:
                _flip_gates(terrain)
                return


# --- conditions ------------------------------------------------------------------


@condition
def all_painted(state: State) -> bool:
    """Won when no unpainted cell is left."""
    return not holds(state.grid[0], UNPAINTED)


reach_goal = any_on("reach_goal", AVATAR, GOAL, "Won when an avatar stands on a goal cell.")
cover_goals = every_under("cover_goals", GOAL, F_PUSHABLE, "Won when every goal cell holds a pushable object.")
all_lights_on = none_left("all_lights_on", Layer.TERRAIN, LIGHT_OFF, "Won when no light is off.")
all_gems_collected = none_left("all_gems_collected", Layer.TERRAIN, GEM, "Won when no gem is left on the board.")
touch_lava = any_on("touch_lava", AVATAR, LAVA, "Lost when an avatar stands on lava.")
caught = next_to("caught", CHASER, AVATAR, "Lost when a chaser is orthogonally next to an avatar.")
