"""The first primitives: movement, pushing, keys and doors, items, paint, portals,
gravity, chasers, lights, switches, and the conditions that judge them."""

from __future__ import annotations

import numpy as np

from arcgames.actions import ActionId
from arcgames.draw import Counter
from arcgames.kernels import ACT_COL, ACT_DX, ACT_DY, ACT_ID, ACT_ROW, as_flat, kernel
from arcgames.kinds import (
    AVATAR,
    CHASER,
    DOOR,
    F_FALLS,
    F_PUSHABLE,
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
    WALL,
    Layer,
)
from arcgames.primitives.base import (
    LevelProblem,
    any_on,
    every_under,
    k_cell,
    k_find,
    k_first_mover,
    k_free,
    k_front_first,
    k_inside,
    k_move_every,
    k_nearest_avatar,
    k_next_mover,
    k_step_along,
    k_unmark,
    next_to,
    none_left,
    plural,
    rule,
)
from arcgames.state import Var

KEYS = int(Var.KEYS)
KEYS_HELD = (Counter(Var.KEYS, "yellow", 8),)  # one yellow pip per key carried
CLICK = int(ActionId.ACTION6)
INTERACT = int(ActionId.ACTION5)
CROSS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))  # a cell and its four neighbours

# --- rules -----------------------------------------------------------------------


@rule
def move_avatar(grid, vars, act, flags):
    """ACTION1-4 move every avatar one cell; solid terrain and other objects block it."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy != 0 or dx != 0:
        k_move_every(grid, flags, AVATAR, dy, dx)


@rule
def push_blocks(grid, vars, act, flags):
    """An avatar walking into a pushable object shoves it one cell if that cell is free."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy == 0 and dx == 0:
        return
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    i = k_first_mover(grid, AVATAR, dy, dx)
    while i >= 0:
        y, x = i // w, i % w
        ny, nx = y + dy, x + dx
        pushable = k_inside(h, w, ny, nx) and flags[objects[ny, nx]] & F_PUSHABLE
        if pushable and k_free(terrain, objects, flags, ny + dy, nx + dx):
            objects[ny + dy, nx + dx] = objects[ny, nx]
            objects[ny, nx] = 0
        i = k_next_mover(grid, AVATAR, dy, dx, i)


@rule(counters=KEYS_HELD)
def unlock_doors(grid, vars, act, flags):
    """Walking into a door while carrying a key spends the key and opens the door for good."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if (dy == 0 and dx == 0) or vars[KEYS] <= 0:
        return
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    scan = k_front_first(h, w, dy, dx)  # avatars in different lines share the keys: this order decides
    for i in range(scan[0]):
        for j in range(scan[1]):
            y, x = k_cell(scan, i, j)
            ny, nx = y + dy, x + dx
            if objects[y, x] == AVATAR and vars[KEYS] > 0 and k_inside(h, w, ny, nx) and terrain[ny, nx] == DOOR:
                terrain[ny, nx] = FLOOR
                vars[KEYS] -= 1


@rule(counters=KEYS_HELD)
def collect_items(grid, vars, act, flags):
    """An avatar on a key or gem picks it up; keys are counted, gems just vanish."""
    terrain = as_flat(grid[0])
    i = k_find(grid, 1, AVATAR, 0)
    while i >= 0:
        if terrain[i] == KEY:
            terrain[i] = FLOOR
            vars[KEYS] += 1
        elif terrain[i] == GEM:
            terrain[i] = FLOOR
        i = k_find(grid, 1, AVATAR, i + 1)


@rule
def paint_trail(grid, vars, act, flags):
    """An avatar entering an unpainted cell paints it; painted cells are solid (one-stroke paths)."""
    terrain = as_flat(grid[0])
    i = k_find(grid, 1, AVATAR, 0)
    while i >= 0:
        if terrain[i] == UNPAINTED:
            terrain[i] = TRAIL
        i = k_find(grid, 1, AVATAR, i + 1)


def two_portals(board: np.ndarray) -> LevelProblem | None:
    """enter_portals' level check: a board with portals has exactly two (the pair the rule links)."""
    portals = np.argwhere(board[Layer.TERRAIN] == PORTAL)
    if len(portals) in (0, 2):
        return None
    cell = tuple(int(v) for v in portals[0])
    return LevelProblem(f"the board has {plural(len(portals), 'portal')}; a board with portals has exactly two", cell)


@rule(check=two_portals)
def enter_portals(grid, vars, act, flags):
    """Walking into a portal carries the avatar to the other portal (then it steps out if it can).
    Only a board with exactly two portals links them. An avatar carried away is marked ``MOVED`` until
    every avatar has had its turn, so that it is not visited twice."""
    dy, dx = act[ACT_DY], act[ACT_DX]
    if dy == 0 and dx == 0:
        return
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    found, py0, px0, py1, px1 = 0, -1, -1, -1, -1
    for y in range(h):
        for x in range(w):
            if terrain[y, x] == PORTAL:
                if found == 0:
                    py0, px0 = y, x
                else:
                    py1, px1 = y, x
                found += 1
    if found != 2:
        return
    moved = False
    scan = k_front_first(h, w, dy, dx)
    for i in range(scan[0]):
        for j in range(scan[1]):
            y, x = k_cell(scan, i, j)
            if objects[y, x] != AVATAR:
                continue
            ty, tx = y + dy, x + dx
            if ty == py0 and tx == px0:
                ey, ex = py1, px1
            elif ty == py1 and tx == px1:
                ey, ex = py0, px0
            else:
                continue
            if objects[ey, ex] == 0:
                objects[ey, ex] = MOVED
                objects[y, x] = 0
                moved = True
    if moved:
        k_unmark(grid, AVATAR)


@rule
def gravity(grid, vars, act, flags):
    """Objects that fall drop straight down until they rest on something solid or the bottom. Lowest
    first (right to left within a row), so stacks settle; a fallen object lands on a row already visited."""
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    for y in range(h - 1, -1, -1):
        for x in range(w - 1, -1, -1):
            kind = objects[y, x]
            if kind == 0 or (flags[kind] & F_FALLS) == 0:
                continue
            at = y
            while k_free(terrain, objects, flags, at + 1, x):
                objects[at + 1, x] = kind
                objects[at, x] = 0
                at += 1


@rule
def chase(grid, vars, act, flags):
    """Each chaser steps one cell toward the nearest avatar (ties: the first in reading order), along the
    longer gap first. Chasers move in reading order of where they started: one that moved is marked
    ``MOVED`` until all have, so that it is not visited again."""
    terrain, objects = grid[0], grid[1]
    w = terrain.shape[1]
    i = k_find(grid, 1, CHASER, 0)
    while i >= 0:
        y, x = i // w, i % w
        ay, ax = k_nearest_avatar(grid, y, x)
        if ay < 0:
            return  # no avatar, nothing to chase (and no chaser has moved yet)
        k_step_along(terrain, objects, flags, y, x, ay - y, ax - x)
        i = k_find(grid, 1, CHASER, i + 1)
    k_unmark(grid, CHASER)


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


@kernel
def k_flip_gates(terrain):
    """Every gate on the board flips: closed gates open, open gates close."""
    h, w = terrain.shape
    for y in range(h):
        for x in range(w):
            if terrain[y, x] == GATE_CLOSED:
                terrain[y, x] = GATE_OPEN
            elif terrain[y, x] == GATE_OPEN:
                terrain[y, x] = GATE_CLOSED


@rule
def click_switch(grid, vars, act, flags):
    """Clicking a switch flips every gate on the board: closed gates open, open gates close."""
    if act[ACT_ID] == CLICK and act[ACT_ROW] >= 0 and grid[0, act[ACT_ROW], act[ACT_COL]] == SWITCH:
        k_flip_gates(grid[0])


@rule
def interact_switch(grid, vars, act, flags):
    """ACTION5 next to a switch flips every gate on the board (a lever the avatar must reach)."""
    if act[ACT_ID] != INTERACT:
        return
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    for y in range(h):
        for x in range(w):
            if objects[y, x] != AVATAR:
                continue
            for i in range(1, 5):
                ny, nx = y + CROSS[i][0], x + CROSS[i][1]
                if k_inside(h, w, ny, nx) and terrain[ny, nx] == SWITCH:
                    k_flip_gates(terrain)
                    return


# --- conditions ------------------------------------------------------------------


all_painted = none_left("all_painted", Layer.TERRAIN, UNPAINTED, "Won when no unpainted cell is left.")


def goals_reachable(board: np.ndarray) -> LevelProblem | None:
    """reach_goal's level check: no goal is walled off from every avatar, even if every cell but a wall were
    passable and the portals joined (a cheap check that catches a typo in a map). A level may have no goal
    in sight: fog can hide it."""
    terrain, objects = board
    h, w = terrain.shape
    portals = [(int(y), int(x)) for y, x in np.argwhere(terrain == PORTAL)]
    seen = {(int(y), int(x)) for y, x in np.argwhere(objects == AVATAR)}
    stack = list(seen)
    while stack:
        y, x = stack.pop()
        neighbours = [(y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)]
        if (y, x) in portals:
            neighbours += portals
        for ny, nx in neighbours:
            if 0 <= ny < h and 0 <= nx < w and (ny, nx) not in seen and terrain[ny, nx] != WALL:
                seen.add((ny, nx))
                stack.append((ny, nx))
    for y, x in np.argwhere(terrain == GOAL):
        if (int(y), int(x)) not in seen:
            return LevelProblem("this goal is walled off from every avatar", (int(y), int(x)))
    return None


reach_goal = any_on("reach_goal", AVATAR, GOAL, "Won when an avatar stands on a goal cell.", check=goals_reachable)
cover_goals = every_under("cover_goals", GOAL, F_PUSHABLE, "Won when every goal cell holds a pushable object.")
all_lights_on = none_left("all_lights_on", Layer.TERRAIN, LIGHT_OFF, "Won when no light is off.")
all_gems_collected = none_left("all_gems_collected", Layer.TERRAIN, GEM, "Won when no gem is left on the board.")
touch_lava = any_on("touch_lava", AVATAR, LAVA, "Lost when an avatar stands on lava.")
caught = next_to("caught", CHASER, AVATAR, "Lost when a chaser is orthogonally next to an avatar.")
