"""Batched versions of :mod:`arcgames.primitives.core`: movement, pushing, keys and doors, items,
paint, portals, gravity, chasers, lights and switches."""

from __future__ import annotations

import torch
from torch import Tensor

from arcgames.actions import ActionId
from arcgames.batched.rules.base import (
    BIG,
    Batch,
    BatchAct,
    any_cell,
    avatars,
    batched_condition,
    batched_rule,
    count_cells,
    fill,
    find,
    free,
    get,
    is_any_kind,
    is_kind,
    move,
    near,
    neighbour,
    put,
)
from arcgames.kinds import (
    AVATAR,
    CHASER,
    DOOR,
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
    SWITCH,
    TRAIL,
    UNPAINTED,
)
from arcgames.state import Var


def _flip_gates(b: Batch, flip: Tensor) -> None:
    """In the envs where flip holds, closed gates open and open gates close."""
    closed = flip[:, None] & is_kind(b, b.terrain, GATE_CLOSED)
    opened = flip[:, None] & is_kind(b, b.terrain, GATE_OPEN)
    fill(b, b.terrain, closed, GATE_OPEN)
    fill(b, b.terrain, opened, GATE_CLOSED)


def _is_light(kinds: Tensor) -> Tensor:
    return (kinds == LIGHT_OFF) | (kinds == LIGHT_ON)


# --- rules -----------------------------------------------------------------------


@batched_rule
def move_avatar(b: Batch, act: BatchAct) -> None:
    cells, valid = avatars(b, act)
    for i in range(cells.shape[1]):  # front-most first: the front avatar frees the cell the next one enters
        here = cells[:, i]
        there = neighbour(b, here, act.offset)
        move(b.objects, here, there, AVATAR, valid[:, i] & act.moving & free(b, there))


@batched_rule
def push_blocks(b: Batch, act: BatchAct) -> None:
    cells, valid = avatars(b, act)
    for i in range(cells.shape[1]):
        front = neighbour(b, cells[:, i], act.offset)
        kind = get(b.objects, front)
        beyond = neighbour(b, front, act.offset)
        move(b.objects, front, beyond, kind, valid[:, i] & act.moving & b.spec.pushable[kind.long()] & free(b, beyond))


@batched_rule
def unlock_doors(b: Batch, act: BatchAct) -> None:
    cells, valid = avatars(b, act)
    keys = b.vars[:, Var.KEYS]  # a view: it sees each avatar's spending, which is why avatars go in order
    for i in range(cells.shape[1]):
        front = neighbour(b, cells[:, i], act.offset)
        go = valid[:, i] & act.moving & (keys > 0) & (get(b.terrain, front) == DOOR)
        put(b.terrain, front, FLOOR, go)
        keys -= go.to(keys.dtype)


@batched_rule
def collect_items(b: Batch, act: BatchAct) -> None:
    # Each avatar touches only its own cell, so the scalar loop's order does not matter here.
    cells, valid = find(b, is_kind(b, b.objects, AVATAR), b.spec.most(AVATAR))
    for i in range(cells.shape[1]):
        under = get(b.terrain, cells[:, i])
        key = valid[:, i] & (under == KEY)
        put(b.terrain, cells[:, i], FLOOR, key | (valid[:, i] & (under == GEM)))
        b.vars[:, Var.KEYS] += key.to(b.vars.dtype)


@batched_rule
def paint_trail(b: Batch, act: BatchAct) -> None:
    cells, valid = find(b, is_kind(b, b.objects, AVATAR), b.spec.most(AVATAR))
    for i in range(cells.shape[1]):
        put(b.terrain, cells[:, i], TRAIL, valid[:, i] & (get(b.terrain, cells[:, i]) == UNPAINTED))


@batched_rule
def enter_portals(b: Batch, act: BatchAct) -> None:
    portal = is_kind(b, b.terrain, PORTAL)
    pair = count_cells(portal) == 2
    # With exactly two portals, the first and last in row-major order are the pair.
    marks = portal.to(torch.int32)
    first = (b.spec.flat + (1 - marks) * BIG).amin(1).long()
    last = (marks * (b.spec.flat + 1)).amax(1).long() - 1
    cells, valid = avatars(b, act)
    for i in range(cells.shape[1]):
        here = cells[:, i]
        target = neighbour(b, here, act.offset)
        into_first = target == first
        exit_cell = torch.where(into_first, last, first).clamp(0, b.spec.cells - 1)
        go = valid[:, i] & act.moving & pair & (into_first | (target == last))
        move(b.objects, here, exit_cell, AVATAR, go & (get(b.objects, exit_cell) == 0))


@batched_rule
def gravity(b: Batch, act: BatchAct) -> None:
    spec = b.spec
    k = spec.most(*spec.falling_kinds)
    if k == 0:
        return
    falling = is_any_kind(b, b.objects, spec.falling_kinds)
    # Lowest first, and right to left within a row, as the scalar rule's reverse-sorted cells.
    cells, valid = find(b, falling, k, rank=spec.cells - 1 - spec.flat)
    for i in range(k):  # one by one: an object lands on the ones below it that settled first
        here = cells[:, i]
        row, col = spec.row[here], spec.col[here]
        column = col[:, None] + spec.column  # (N, height): the cells of this object's column
        open_ = ~spec.solid[b.terrain.gather(1, column).long()] & (b.objects.gather(1, column) == 0)
        # It drops to just above the first cell below it that is not free (the PAD row always is one).
        blocked_below = ~open_ & (spec.rows > row[:, None])
        land = torch.where(blocked_below, spec.rows, spec.height).amin(1) - 1
        move(b.objects, here, land * spec.width + col, get(b.objects, here), valid[:, i] & (land > row))


def step_towards(b: Batch, here: Tensor, gap_y: Tensor, gap_x: Tensor, go: Tensor, kind: int) -> None:
    """Move the object at ``here`` one cell along the sign of (gap_y, gap_x), the longer gap first
    (vertical on a tie), the other axis when that cell is not free; the chase and flee step."""
    step_y, step_x = gap_y.sign() * b.spec.width, gap_x.sign()
    vertical_first = gap_y.abs() >= gap_x.abs()
    first = torch.where(vertical_first, step_y, step_x)
    second = torch.where(vertical_first, step_x, step_y)
    to_first, to_second = neighbour(b, here, first), neighbour(b, here, second)
    go_first = go & (first != 0) & free(b, to_first)
    go_second = go & ~go_first & (second != 0) & free(b, to_second)
    move(b.objects, here, torch.where(go_first, to_first, to_second), kind, go_first | go_second)


def nearest(b: Batch, here: Tensor, targets: Tensor, valid: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """For each env, the target cell nearest to ``here`` by (distance, row, column), as the scalar
    ``min(found, key=lambda a: (abs(a[0] - y) + abs(a[1] - x), a))``: (gap_y, gap_x, distance),
    gaps pointing from ``here`` to it."""
    spec = b.spec
    ty, tx = spec.row[targets], spec.col[targets]
    y, x = spec.row[here], spec.col[here]
    dist = (ty - y[:, None]).abs() + (tx - x[:, None]).abs()
    pick = torch.where(valid, dist * spec.cells + targets, BIG).argmin(1, keepdim=True)
    gap_y, gap_x = ty.gather(1, pick).squeeze(1) - y, tx.gather(1, pick).squeeze(1) - x
    return gap_y, gap_x, gap_y.abs() + gap_x.abs()


@batched_rule
def chase(b: Batch, act: BatchAct) -> None:
    spec = b.spec
    if spec.most(CHASER) == 0 or spec.most(AVATAR) == 0:
        return
    found, has_avatar = find(b, is_kind(b, b.objects, AVATAR), spec.most(AVATAR))
    chasers, is_chaser = find(b, is_kind(b, b.objects, CHASER), spec.most(CHASER))
    for i in range(chasers.shape[1]):  # row-major order: each chaser sees where the earlier ones went
        here = chasers[:, i]
        gap_y, gap_x, _ = nearest(b, here, found, has_avatar)
        step_towards(b, here, gap_y, gap_x, is_chaser[:, i] & has_avatar[:, 0], CHASER)


@batched_rule
def toggle_lights(b: Batch, act: BatchAct) -> None:
    cell = act.click_cell
    hit = act.clicked & _is_light(get(b.terrain, cell))
    cells = (cell[:, None] + b.spec.cross) % b.spec.cells  # five distinct cells (off-board ones are PAD)
    kinds = b.terrain.gather(1, cells)
    flipped = torch.where(kinds == LIGHT_OFF, LIGHT_ON, LIGHT_OFF).to(kinds.dtype)
    b.terrain.scatter_(1, cells, torch.where(hit[:, None] & _is_light(kinds), flipped, kinds))


@batched_rule
def click_switch(b: Batch, act: BatchAct) -> None:
    _flip_gates(b, act.clicked & (get(b.terrain, act.click_cell) == SWITCH))


@batched_rule
def interact_switch(b: Batch, act: BatchAct) -> None:
    # The scalar rule returns after the first flip, so any avatar next to a switch flips once.
    cells, valid = find(b, is_kind(b, b.objects, AVATAR), b.spec.most(AVATAR))
    beside = torch.zeros_like(act.moving)
    for i in range(cells.shape[1]):
        around = (cells[:, i, None] + b.spec.cross[1:]) % b.spec.cells
        beside |= valid[:, i] & (b.terrain.gather(1, around) == SWITCH).any(1)
    _flip_gates(b, (act.id == int(ActionId.ACTION5)) & beside)


# --- conditions ------------------------------------------------------------------


@batched_condition
def reach_goal(b: Batch) -> Tensor:
    return any_cell(is_kind(b, b.objects, AVATAR) & is_kind(b, b.terrain, GOAL))


@batched_condition
def cover_goals(b: Batch) -> Tensor:
    goals = is_kind(b, b.terrain, GOAL)
    covered = is_any_kind(b, b.objects, b.spec.pushable_kinds)
    return any_cell(goals) & ~any_cell(goals & ~covered)


@batched_condition
def all_lights_on(b: Batch) -> Tensor:
    return ~any_cell(is_kind(b, b.terrain, LIGHT_OFF))


@batched_condition
def all_painted(b: Batch) -> Tensor:
    return ~any_cell(is_kind(b, b.terrain, UNPAINTED))


@batched_condition
def all_gems_collected(b: Batch) -> Tensor:
    return ~any_cell(is_kind(b, b.terrain, GEM))


@batched_condition
def touch_lava(b: Batch) -> Tensor:
    return any_cell(is_kind(b, b.objects, AVATAR) & is_kind(b, b.terrain, LAVA))


@batched_condition
def caught(b: Batch) -> Tensor:
    return any_cell(is_kind(b, b.objects, CHASER) & near(b, is_kind(b, b.objects, AVATAR)))
