"""The first primitives: movement, pushing, keys and doors, items, paint, portals,
gravity, chasers, lights, switches, and the conditions that judge them."""

from __future__ import annotations

import numpy as np

from arcgames.actions import ActionId
from arcgames.kinds import (
    AVATAR,
    CHASER,
    DOOR,
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
    PORTAL,
    PUSHABLE,
    SWITCH,
    TRAIL,
    UNPAINTED,
)
from arcgames.primitives.base import avatars, cells, cells_of, condition, free, holds, inside, rule
from arcgames.state import Act, State, Var

# --- rules -----------------------------------------------------------------------


@rule
def move_avatar(state: State, act: Act) -> None:
    """ACTION1-4 move every avatar one cell; solid terrain and other objects block it."""
    if not (act.dy or act.dx):
        return
    terrain, objects = state.grid
    for y, x in avatars(objects, act):
        ny, nx = y + act.dy, x + act.dx
        if free(terrain, objects, ny, nx):
            objects[ny, nx] = AVATAR
            objects[y, x] = 0


@rule
def push_blocks(state: State, act: Act) -> None:
    """An avatar walking into a pushable object shoves it one cell if that cell is free."""
    if not (act.dy or act.dx):
        return
    terrain, objects = state.grid
    for y, x in avatars(objects, act):
        ny, nx = y + act.dy, x + act.dx
        if inside(terrain, ny, nx) and PUSHABLE[objects[ny, nx]]:
            by, bx = ny + act.dy, nx + act.dx
            if free(terrain, objects, by, bx):
                objects[by, bx] = objects[ny, nx]
                objects[ny, nx] = 0


@rule
def unlock_doors(state: State, act: Act) -> None:
    """Walking into a door while carrying a key spends the key and opens the door for good."""
    if not (act.dy or act.dx):
        return
    terrain, objects = state.grid
    for y, x in avatars(objects, act):
        ny, nx = y + act.dy, x + act.dx
        if state.vars[Var.KEYS] > 0 and inside(terrain, ny, nx) and terrain[ny, nx] == DOOR:
            terrain[ny, nx] = FLOOR
            state.vars[Var.KEYS] -= 1


@rule
def collect_items(state: State, act: Act) -> None:
    """An avatar on a key or gem picks it up; keys are counted, gems just vanish."""
    terrain, objects = state.grid
    for y, x in avatars(objects, act):
        if terrain[y, x] == KEY:
            terrain[y, x] = FLOOR
            state.vars[Var.KEYS] += 1
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
def chase(state: State, act: Act) -> None:
    """Each chaser steps one cell toward the nearest avatar, along the longer gap first."""
    terrain, objects = state.grid
    avatars = cells_of(objects, AVATAR)
    if not avatars:
        return
    for y, x in cells_of(objects, CHASER):
        ay, ax = min(avatars, key=lambda a: (abs(a[0] - y) + abs(a[1] - x), a))
        sy, sx = (ay > y) - (ay < y), (ax > x) - (ax < x)
        tries = [(sy, 0), (0, sx)] if abs(ay - y) >= abs(ax - x) else [(0, sx), (sy, 0)]
        for dy, dx in tries:
            if (dy or dx) and free(terrain, objects, y + dy, x + dx):
                objects[y + dy, x + dx] = CHASER
                objects[y, x] = 0
                break


@rule
def toggle_lights(state: State, act: Act) -> None:
    """Clicking a light flips it and each orthogonal neighbour that is a light (lights-out)."""
    if act.id != ActionId.ACTION6 or act.row < 0:
        return
    terrain = state.grid[0]
    if terrain[act.row, act.col] not in (LIGHT_OFF, LIGHT_ON):
        return
    for dy, dx in ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)):
        y, x = act.row + dy, act.col + dx
        if inside(terrain, y, x) and terrain[y, x] in (LIGHT_OFF, LIGHT_ON):
            terrain[y, x] = LIGHT_ON if terrain[y, x] == LIGHT_OFF else LIGHT_OFF


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
def reach_goal(state: State) -> bool:
    """Won when an avatar stands on a goal cell."""
    terrain, objects = state.grid
    return any(terrain[y, x] == GOAL for y, x in cells_of(objects, AVATAR))


@condition
def cover_goals(state: State) -> bool:
    """Won when every goal cell holds a pushable object."""
    terrain, objects = state.grid
    goals = cells_of(terrain, GOAL)
    return bool(goals) and all(PUSHABLE[objects[y, x]] for y, x in goals)


@condition
def all_lights_on(state: State) -> bool:
    """Won when no light is off."""
    return not holds(state.grid[0], LIGHT_OFF)


@condition
def all_painted(state: State) -> bool:
    """Won when no unpainted cell is left."""
    return not holds(state.grid[0], UNPAINTED)


@condition
def all_gems_collected(state: State) -> bool:
    """Won when no gem is left on the board."""
    return not holds(state.grid[0], GEM)


@condition
def touch_lava(state: State) -> bool:
    """Lost when an avatar stands on lava."""
    terrain, objects = state.grid
    return any(terrain[y, x] == LAVA for y, x in cells_of(objects, AVATAR))


@condition
def caught(state: State) -> bool:
    """Lost when a chaser is orthogonally next to an avatar."""
    objects = state.grid[1]
    for y, x in cells_of(objects, CHASER):
        for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            if inside(objects, y + dy, x + dx) and objects[y + dy, x + dx] == AVATAR:
                return True
    return False
