"""Batched versions of :mod:`arcgames.primitives.geometry`: blocks that turn, pipes that connect,
paint and symmetry, and copying a shape onto a canvas (as it is, mirrored or turned)."""

from __future__ import annotations

import torch
from torch import Tensor

from arcgames.batched.rules.base import (
    PAD,
    Batch,
    BatchAct,
    BoardSpec,
    any_along,
    any_cell,
    batched_condition,
    batched_rule,
    fill,
    flood,
    get,
    grid3,
    is_any_kind,
    is_kind,
    memoised,
    put,
)
from arcgames.primitives import geometry as scalar

CONDUCTORS = (scalar.PIPE, scalar.WATER, scalar.ROTOR, scalar.SOURCE, scalar.SINK)
# The 8 cells round a centre, clockwise from the top-left: a quarter turn clockwise of the 3x3
# block moves each two places on along this ring (the centre stays).
RING = ((-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1))


def _reach(b: Batch) -> Tensor:
    """Conductive cells 4-connected to a source (the scalar ``_reach`` from every source cell)."""
    return flood(b, is_kind(b, b.terrain, scalar.SOURCE), is_any_kind(b, b.terrain, CONDUCTORS), memo="pipes")


# --- rules -----------------------------------------------------------------------


@batched_rule
def rotate_block(b: Batch, act: BatchAct) -> None:
    w = b.spec.width
    ring = b.spec.table("geometry.ring", [dy * w + dx for dy, dx in RING])
    cell = act.click_cell
    cells = (cell[:, None] + ring) % b.spec.cells  # the 8 cells round the rotor, clockwise
    # A rotor on the board edge has cells of its ring off the board: on PAD (or wrapped onto it).
    whole = ~(b.terrain.gather(1, cells) == PAD).any(1)
    turn = (act.clicked & (get(b.terrain, cell) == scalar.ROTOR) & whole)[:, None]
    for layer in (b.terrain, b.objects):
        kinds = layer.gather(1, cells)
        # A quarter turn clockwise moves each ring cell two places on round the ring.
        layer.scatter_(1, cells, torch.where(turn, kinds.roll(2, 1), kinds))


@batched_rule
def fill_pipes(b: Batch, act: BatchAct) -> None:
    wet = _reach(b)
    dry = is_kind(b, b.terrain, scalar.WATER) & ~wet
    filled = is_kind(b, b.terrain, scalar.PIPE) & wet
    fill(b, b.terrain, dry, scalar.PIPE)
    fill(b, b.terrain, filled, scalar.WATER)


@batched_rule
def paint_cycle(b: Batch, act: BatchAct) -> None:
    after = b.spec.table("geometry.next_paint", scalar.NEXT_PAINT)[get(b.terrain, act.click_cell).long()]
    put(b.terrain, act.click_cell, after, act.clicked & (after != 0))


# --- conditions ------------------------------------------------------------------


@batched_condition
def connected(b: Batch) -> Tensor:
    sinks = is_kind(b, b.terrain, scalar.SINK)
    return any_cell(sinks) & ~any_cell(sinks & ~_reach(b))


def _box(b: Batch, marked: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """The bounding box of the marked cells, per env: (top, bottom, left, right) (N,) long (bottom and
    right exclusive), and (N, cells) bool: the cell is inside it."""
    spec = b.spec
    cells3 = grid3(b, marked)
    rows, cols = any_along(cells3, 2), any_along(cells3, 1)
    top = torch.where(rows, spec.rows, spec.height).amin(1)
    bottom = torch.where(rows, spec.rows + 1, 0).amax(1)
    span = torch.arange(spec.width, device=marked.device)
    left = torch.where(cols, span, spec.width).amin(1)
    right = torch.where(cols, span + 1, 0).amax(1)
    row, col = spec.row, spec.col
    inside = (row >= top[:, None]) & (row < bottom[:, None]) & (col >= left[:, None]) & (col < right[:, None])
    return top, bottom, left, right, inside


def _picture_check(b: Batch, marker: int, half_turn: bool) -> Tensor:
    """Only a picture (the bounding box of the paint cells) holding a ``marker`` cell asks to read the
    same mirrored left-right (or turned half a turn); no picture asks nothing."""
    spec = b.spec
    top, bottom, left, right, inside = _box(b, is_any_kind(b, b.terrain, scalar.PAINTS))
    asks = any_cell(inside & is_kind(b, b.terrain, marker))
    col = (left + right - 1)[:, None] - spec.col
    row = (top + bottom - 1)[:, None] - spec.row if half_turn else spec.row.expand_as(col)
    partner = (row * spec.width + col).clamp(0, spec.cells - 1)
    same = b.terrain.gather(1, partner) == b.terrain
    return ~asks | ~any_cell(inside & ~same)


@batched_condition
def mirror_symmetric(b: Batch) -> Tensor:
    return _picture_check(b, scalar.AXIS, half_turn=False)


@batched_condition
def rotation_symmetric(b: Batch) -> Tensor:
    return _picture_check(b, scalar.PIVOT, half_turn=True)


def _runs(present: Tensor) -> tuple[Tensor, Tensor]:
    """For flags (N, L): each position's offset into its run of true flags, and that run's length
    (meaningful where the flag holds)."""
    span = torch.arange(present.shape[1], device=present.device)
    after_gap = torch.cat([torch.zeros_like(present[:, :1]), present[:, :-1]], 1)
    start = torch.where(present & ~after_gap, span, -1).cummax(1).values
    stop = torch.where(present, present.shape[1], span).flip(1).cummin(1).values.flip(1)
    return span - start, stop - start


def _target(spec: BoardSpec, marks: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """The target shape, as the scalar ``_target``: its pieces (blocks of target cells split by empty
    rows and columns) overlaid. ``marks`` (N, cells) long: 2 target on, 1 target off. Returns the
    overlay (N, cells) at piece-local cells, its height and width (N,), and ok (N,): there are target
    cells and all pieces have one size."""
    hits = marks != 0
    n = hits.shape[0]
    hits3 = hits.view(n, spec.height, spec.width)
    row_offset, row_length = _runs(any_along(hits3, 2))  # (N, height)
    col_offset, col_length = _runs(any_along(hits3, 1))  # (N, width)
    rows, cols = spec.row.expand(n, -1), spec.col.expand(n, -1)
    heights, widths = row_length.gather(1, rows), col_length.gather(1, cols)  # per cell: its block's size
    height, width = torch.where(hits, heights, 0).amax(1), torch.where(hits, widths, 0).amax(1)
    one_size = (torch.where(hits, heights, spec.cells).amin(1) == height) & (
        torch.where(hits, widths, spec.cells).amin(1) == width
    )
    local = row_offset.gather(1, rows) * spec.width + col_offset.gather(1, cols)
    overlay = torch.zeros_like(marks).scatter_reduce_(1, torch.where(hits, local, 0), marks, "amax")
    return overlay, height, width, one_size & (height > 0)


def _target_poses(spec: BoardSpec, marks: Tensor, poses: tuple[tuple[int, bool], ...]) -> tuple[Tensor, ...]:
    """The target shape in each of ``poses`` ((quarter turns clockwise, mirrored), the scalar ``_turned``
    and ``_mirrored``): (grids (N, P, S, S) with 0 outside the pose, heights (N, P), widths (N, P), ok (N,)),
    S the longer side of the padded board."""
    overlay, h, w, ok = _target(spec, marks)
    n, size = marks.shape[0], max(spec.height, spec.width)
    i = torch.arange(size, device=marks.device)[:, None]
    j = torch.arange(size, device=marks.device)[None, :]
    h, w = h[:, None, None], w[:, None, None]
    grids, heights, widths = [], [], []
    for turns, mirrored in poses:
        pose_h, pose_w = (h, w) if turns % 2 == 0 else (w, h)
        jj = pose_w - 1 - j if mirrored else j
        # The target cell that each cell of the pose shows.
        src_i, src_j = {0: (i, jj), 1: (h - 1 - jj, i), 2: (h - 1 - i, w - 1 - jj), 3: (jj, w - 1 - i)}[turns]
        shape = (n, size, size)
        cell = (src_i.expand(shape) * spec.width + src_j.expand(shape)).clamp(0, spec.cells - 1)
        inside = (i < pose_h) & (j < pose_w)
        grids.append(torch.where(inside, overlay.gather(1, cell.reshape(n, -1)).view(shape), 0))
        heights.append(pose_h.flatten())
        widths.append(pose_w.flatten())
    return torch.stack(grids, 1), torch.stack(heights, 1), torch.stack(widths, 1), ok


def _canvas(b: Batch, size: int) -> tuple[Tensor, Tensor, Tensor]:
    """The canvas region, as the scalar ``_region(canvas, canvas)``: marks (N, size, size) at
    region-local cells (2 on or pinned, 1 off, 0 elsewhere), and its height and width (N,)."""
    spec = b.spec
    on = is_kind(b, b.terrain, scalar.CANVAS_ON) | is_kind(b, b.terrain, scalar.CANVAS_PIN)
    marks = is_kind(b, b.terrain, scalar.CANVAS_OFF).long() + 2 * on.long()
    top, bottom, left, right, _ = _box(b, marks != 0)
    span = torch.arange(size, device=marks.device)
    row, col = top[:, None, None] + span[:, None], left[:, None, None] + span[None, :]
    inside = (row < bottom[:, None, None]) & (col < right[:, None, None])
    cell = (row * spec.width + col).clamp(0, spec.cells - 1).view(marks.shape[0], -1)
    local = torch.where(inside, marks.gather(1, cell).view_as(inside), 0)
    return local, (bottom - top).clamp(min=0), (right - left).clamp(min=0)


def _matches(b: Batch, poses: tuple[tuple[int, bool], ...]) -> Tensor:
    """Does the canvas show the target shape in one of ``poses``: (quarter turns clockwise, mirrored)?

    The target's poses are memoised: target cells never change in play, the canvas does."""
    spec = b.spec
    marks = is_kind(b, b.terrain, scalar.TARGET_OFF).long() + 2 * is_kind(b, b.terrain, scalar.TARGET_ON).long()
    grids, heights, widths, ok = memoised(
        b, f"target {poses}", (marks,), lambda marks: _target_poses(spec, marks, poses)
    )
    canvas, canvas_h, canvas_w = _canvas(b, max(spec.height, spec.width))
    fits = (heights == canvas_h[:, None]) & (widths == canvas_w[:, None])
    same = (grids == canvas[:, None]).flatten(2).all(2)
    return ok & (fits & same).any(1)


@batched_condition
def match_target(b: Batch) -> Tensor:
    return _matches(b, ((0, False),))


@batched_condition
def match_target_mirrored(b: Batch) -> Tensor:
    return _matches(b, ((0, True),))


@batched_condition
def match_target_rotated(b: Batch) -> Tensor:
    return _matches(b, ((1, False),))


@batched_condition
def match_target_any(b: Batch) -> Tensor:
    return _matches(b, tuple((turns, mirrored) for mirrored in (False, True) for turns in range(4)))
