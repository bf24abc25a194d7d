"""Batched versions of :mod:`arcgames.primitives.agents`: patrollers, fleeing sheep, a mirror twin,
fog, and numbered gems counted on a tally."""

from __future__ import annotations

import torch
from torch import Tensor

from arcgames.batched.rules.base import (
    Batch,
    BatchAct,
    any_cell,
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
    movers,
    near,
    put,
)
from arcgames.batched.rules.core import nearest, step_towards
from arcgames.kinds import AVATAR, FLOOR, GOAL, LAVA
from arcgames.primitives import agents as scalar
from arcgames.state import Var

PATROLLERS = (*scalar.PATROLS, *scalar.HIDDEN_PATROLS)


def _tables(b: Batch) -> tuple[Tensor, ...]:
    """The scalar module's lookup tables, on the batch's device."""
    spec = b.spec
    return (
        spec.table("agents.heading", scalar.HEADING),
        spec.table("agents.foggy", scalar.FOGGY, torch.bool),
        spec.table("agents.fog_reveals", scalar.FOG_REVEALS),
        spec.table("agents.unhide", scalar.UNHIDE),
        spec.table("agents.gem_value", scalar.GEM_VALUE, torch.int32),
    )


def _patrol_step(b: Batch, here: Tensor, heading: Tensor, go: Tensor) -> Tensor:
    """Move the patrollers at ``here`` (where ``go``) one cell along ``heading`` if free, hidden when they
    land in fog, as the scalar ``_step``; returns which moved."""
    spec = b.spec
    steps = spec.table("agents.steps", [dy * spec.width + dx for dy, dx in scalar.HEADINGS])
    there = (here + steps[heading]) % spec.cells
    moved = go & free(b, there)
    move(b.objects, here, there, _patrol_kind(b, heading, there), moved)
    return moved


def _patrol_kind(b: Batch, heading: Tensor, cell: Tensor) -> Tensor:
    """The patroller kind for ``heading`` standing on ``cell``: hidden in fog, seen elsewhere."""
    _, foggy, *_ = _tables(b)
    seen = b.spec.table("agents.patrols", scalar.PATROLS)
    hidden = b.spec.table("agents.hidden_patrols", scalar.HIDDEN_PATROLS)
    return torch.where(foggy[get(b.terrain, cell).long()], hidden[heading], seen[heading])


@batched_rule
def patrol(b: Batch, act: BatchAct) -> None:
    heading_of, *_ = _tables(b)
    cells, pending = find(b, is_any_kind(b, b.objects, PATROLLERS), b.spec.most(*PATROLLERS))
    k = cells.shape[1]

    def heading(i: int) -> Tensor:
        return heading_of[get(b.objects, cells[:, i]).long()].clamp(min=0)

    # Forward steps in reading order, in passes until a pass moves none, so a line of patrollers moves
    # as one. Each pass that moves any takes at least one patroller off the pending list: k passes do.
    for _ in range(k):
        progress = torch.zeros_like(pending[:, 0])
        for i in range(k):
            moved = _patrol_step(b, cells[:, i], heading(i), pending[:, i])
            pending[:, i] &= ~moved
            progress |= moved
        if not progress.any():
            break
    for i in range(k):  # then the blocked ones turn back, in reading order, and wait if boxed in
        back = heading(i) ^ 1
        moved = _patrol_step(b, cells[:, i], back, pending[:, i])
        put(b.objects, cells[:, i], _patrol_kind(b, back, cells[:, i]), pending[:, i] & ~moved)


@batched_rule
def flee(b: Batch, act: BatchAct) -> None:
    spec = b.spec
    if spec.most(scalar.SHEEP) == 0 or spec.most(AVATAR) == 0:
        return
    found, has_avatar = find(b, is_kind(b, b.objects, AVATAR), spec.most(AVATAR))
    sheep, is_sheep = find(b, is_kind(b, b.objects, scalar.SHEEP), spec.most(scalar.SHEEP))
    # Judge every sheep before any moves (the scalar rule's `scared` list) ...
    gaps = [nearest(b, sheep[:, i], found, has_avatar) for i in range(sheep.shape[1])]
    gap_y = -torch.stack([g[0] for g in gaps], 1)  # pointing away from the avatar
    gap_x = -torch.stack([g[1] for g in gaps], 1)
    distance = torch.stack([g[2] for g in gaps], 1)
    scared = is_sheep & has_avatar[:, :1] & (distance <= scalar.FLEE_RADIUS)
    # ... then move them farthest first, row-major among equals (the scalar sort of (-distance, y, x)).
    rank = torch.where(scared, (scalar.FLEE_RADIUS - distance) * spec.cells + sheep, 1 << 40)
    order = rank.argsort(1)
    for j in range(sheep.shape[1]):
        pick = order[:, j : j + 1]
        here = sheep.gather(1, pick).squeeze(1)
        go = scared.gather(1, pick).squeeze(1)
        step_towards(b, here, gap_y.gather(1, pick).squeeze(1), gap_x.gather(1, pick).squeeze(1), go, scalar.SHEEP)


@batched_rule
def mirror_move(b: Batch, act: BatchAct) -> None:
    dy, dx = act.dy, -act.dx  # left and right swapped
    offset = dy * b.spec.width + dx
    cells, valid = movers(b, is_kind(b, b.objects, scalar.TWIN), b.spec.most(scalar.TWIN), dy, dx)
    for i in range(cells.shape[1]):  # front-most first, so a line of twins moves as one
        here = cells[:, i]
        there = (here + offset) % b.spec.cells
        move(b.objects, here, there, scalar.TWIN, valid[:, i] & act.moving & free(b, there))


@batched_rule
def reveal_fog(b: Batch, act: BatchAct) -> None:
    _, foggy, reveals, unhide, _ = _tables(b)
    cells, valid = find(b, is_kind(b, b.objects, AVATAR), b.spec.most(AVATAR))
    for i in range(cells.shape[1]):  # lifting fog is idempotent, so the avatars' order does not matter
        around = (cells[:, i, None] + b.spec.cross) % b.spec.cells  # the cell and its neighbours (PAD off-board)
        terrain, objects = b.terrain.gather(1, around), b.objects.gather(1, around)
        lift = valid[:, i, None] & foggy[terrain.long()]
        shown = unhide[objects.long()]
        b.terrain.scatter_(1, around, torch.where(lift, reveals[terrain.long()].to(terrain.dtype), terrain))
        b.objects.scatter_(1, around, torch.where(lift & (shown != 0), shown.to(objects.dtype), objects))


@batched_rule
def fill_tally(b: Batch, act: BatchAct) -> None:
    *_, gem_value = _tables(b)
    cells, valid = find(b, is_kind(b, b.objects, AVATAR), b.spec.most(AVATAR))
    vars_ = b.vars
    for i in range(cells.shape[1]):  # row-major, as the scalar rule: the order of pick-ups matters
        here = cells[:, i]
        value = torch.where(valid[:, i], gem_value[get(b.terrain, here).long()], 0)
        picked = value > 0
        put(b.terrain, here, FLOOR, picked)
        vars_[:, Var.OUT_OF_ORDER] |= (picked & (value < vars_[:, Var.LAST_GEM])).to(vars_.dtype)
        vars_[:, Var.LAST_GEM] = torch.where(picked, value, vars_[:, Var.LAST_GEM])
        vars_[:, Var.TALLIED] += value
        # The first `value` empty tally marks in reading order fill up.
        empty = is_kind(b, b.terrain, scalar.TALLY)
        fill(b, b.terrain, empty & (empty.to(torch.int32).cumsum(1) <= value[:, None]), scalar.TALLY_FULL)


# --- conditions ------------------------------------------------------------------


@batched_condition
def caught_by_patrol(b: Batch) -> Tensor:
    return any_cell(is_kind(b, b.objects, AVATAR) & near(b, is_any_kind(b, b.objects, PATROLLERS)))


@batched_condition
def herded(b: Batch) -> Tensor:
    sheep = is_kind(b, b.objects, scalar.SHEEP)
    return any_cell(sheep) & ~any_cell(sheep & ~is_kind(b, b.terrain, scalar.PEN))


@batched_condition
def all_on_goals(b: Batch) -> Tensor:
    pieces = is_kind(b, b.objects, AVATAR) | is_kind(b, b.objects, scalar.TWIN)
    return any_cell(pieces) & ~any_cell(pieces & ~is_kind(b, b.terrain, GOAL))


@batched_condition
def twin_touches_lava(b: Batch) -> Tensor:
    return any_cell(is_kind(b, b.objects, scalar.TWIN) & is_kind(b, b.terrain, LAVA))


@batched_condition
def tally_exact(b: Batch) -> Tensor:
    marks = count_cells(is_kind(b, b.terrain, scalar.TALLY_FULL))
    return ~any_cell(is_kind(b, b.terrain, scalar.TALLY)) & (marks > 0) & (b.vars[:, Var.TALLIED] == marks)


@batched_condition
def tally_overflow(b: Batch) -> Tensor:
    marks = count_cells(is_kind(b, b.terrain, scalar.TALLY)) + count_cells(is_kind(b, b.terrain, scalar.TALLY_FULL))
    return b.vars[:, Var.TALLIED] > marks


@batched_condition
def gems_out_of_order(b: Batch) -> Tensor:
    return b.vars[:, Var.OUT_OF_ORDER] != 0


@batched_condition
def gems_in_order(b: Batch) -> Tensor:
    return b.vars[:, Var.OUT_OF_ORDER] == 0
