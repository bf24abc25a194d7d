"""Batched versions of :mod:`arcgames.primitives.numbers`: lamps that show a count, dots to count
(only those a loop encloses), and bars to put in order by height."""

from __future__ import annotations

import torch
from torch import Tensor

from arcgames.batched.rules.base import (
    PAD,
    Batch,
    BatchAct,
    any_along,
    batched_condition,
    batched_rule,
    count_cells,
    flood,
    get,
    grid3,
    is_any_kind,
    is_kind,
    put,
)
from arcgames.primitives import numbers as scalar

BARS = (scalar.BAR, scalar.BAR_ALT)


def _bar_spans(b: Batch) -> tuple[Tensor, Tensor, Tensor]:
    """Per column (N, width): the lowest run of bar cells, as the scalar ``_bar_span``:
    (top row, bottom row + 1, the column holds a bar)."""
    spec = b.spec
    bars = grid3(b, is_any_kind(b, b.terrain, BARS))
    rows = spec.rows[:, None]
    bottom = torch.where(bars, rows, -1).amax(1)  # the lowest bar cell
    # The run reaches up to just below the last non-bar cell above that one.
    top = torch.where(~bars & (rows < bottom[:, None]), rows, -1).amax(1) + 1
    return top, bottom + 1, bottom >= 0


def _before(values: Tensor, present: Tensor) -> tuple[Tensor, Tensor]:
    """For each position along dim 1, the value at the previous position where ``present`` holds:
    (that value, there is one)."""
    span = torch.arange(values.shape[1], device=values.device)
    last = torch.where(present, span, -1).cummax(1).values  # the last present position at or before
    previous = torch.cat([torch.full_like(last[:, :1], -1), last[:, :-1]], 1)
    return values.gather(1, previous.clamp(min=0)), previous >= 0


# --- rules -----------------------------------------------------------------------


@batched_rule
def switch_lamp(b: Batch, act: BatchAct) -> None:
    kind = get(b.terrain, act.click_cell)
    off, on = kind == scalar.LAMP_OFF, kind == scalar.LAMP_ON
    put(b.terrain, act.click_cell, torch.where(off, scalar.LAMP_ON, scalar.LAMP_OFF), act.clicked & (off | on))


@batched_rule
def swap_adjacent(b: Batch, act: BatchAct) -> None:
    spec = b.spec
    col = spec.col[act.click_cell]
    clicked = get(b.terrain, act.click_cell)
    go = act.clicked & ((clicked == scalar.BAR) | (clicked == scalar.BAR_ALT))
    top, bottom, has = _bar_spans(b)
    # The next column to the right holding a bar (none: the rightmost bar stays).
    span = torch.arange(spec.width, device=col.device)
    other = torch.where(has & (span > col[:, None]), span, spec.width).amin(1)
    go &= other < spec.width
    other = other.clamp(max=spec.width - 1)
    pair = torch.stack([col, other], 1)
    first = top.gather(1, pair).amin(1)  # swap over the rows either bar spans, so each bar moves whole
    last = bottom.gather(1, pair).amax(1)
    rows = spec.rows
    swap = go[:, None] & (rows >= first[:, None]) & (rows < last[:, None])
    here, there = col[:, None] + spec.column, other[:, None] + spec.column
    mine, theirs = b.terrain.gather(1, here), b.terrain.gather(1, there)
    b.terrain.scatter_(1, here, torch.where(swap, theirs, mine))
    b.terrain.scatter_(1, there, torch.where(swap, mine, theirs))


# --- conditions ------------------------------------------------------------------


@batched_condition
def count_lamps(b: Batch) -> Tensor:
    # Dots inside: those no path of non-loop cells joins to the board edge, that is to PAD.
    outside = flood(b, is_kind(b, b.terrain, PAD), ~is_kind(b, b.terrain, scalar.LOOP), memo="outside loops")
    inside = count_cells(is_kind(b, b.terrain, scalar.DOT) & ~outside)
    return count_cells(is_kind(b, b.terrain, scalar.LAMP_ON)) == inside


@batched_condition
def lamp_rows_ascend(b: Batch) -> Tensor:
    on = grid3(b, is_kind(b, b.terrain, scalar.LAMP_ON))
    lamps = any_along(grid3(b, is_any_kind(b, b.terrain, (scalar.LAMP_ON, scalar.LAMP_OFF))), 2)
    lit = on.to(torch.uint8).sum(2, dtype=torch.int32)
    before, has_before = _before(lit, lamps)
    return ~any_along(lamps & has_before & (before >= lit), 1)


@batched_condition
def sorted_bars(b: Batch) -> Tensor:
    top, bottom, has = _bar_spans(b)
    # Only bars whose bottom cell has the main colour count.
    base = (bottom - 1).clamp(min=0) * b.spec.width + torch.arange(b.spec.width, device=top.device)
    counted = has & (b.terrain.gather(1, base) == scalar.BAR)
    height = bottom - top
    before, has_before = _before(height, counted)
    return ~any_along(counted & has_before & (before > height), 1)
