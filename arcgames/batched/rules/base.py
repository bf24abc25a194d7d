"""The batched primitive registry, the padded batch the rules see, and the helpers they share.

Boards are padded to one size for the batch with :data:`PAD`, a terrain id no kind
uses: solid, never matching any kind a primitive looks for, and never holding an
object, so every primitive treats it exactly like the board edge. Each level sits at
the top-left and the padded board keeps at least one PAD row below and one PAD column
to the right, so a flat cell index plus a move offset, taken modulo the board size,
lands on PAD whenever it leaves the board (left of column 0 is the previous row's PAD
column; above row 0 wraps to the bottom PAD row), and so does ``roll`` over the flat
cells. Rules therefore never bounds-check.

Why the helpers look the way they do: whole-board ops dominate a batched step on CPU,
and torch's CPU kernels differ ~20x in speed on uint8/bool data (measured with torch
2.13 on the 2-core CI machine kind, N=1024 boards of 128 cells): comparing with a
scalar, ``any(dim)``, ``where``, ``masked_fill`` and table lookups take ~50-300 µs,
while comparing two tensors, ``&``, ``|``, ``~``, uint8 arithmetic, ``roll`` and int64
reductions take ~3-10 µs. So :func:`is_kind` compares with a row of the kind,
:func:`any_cell` reduces bools as int64 words, :func:`fill` writes by modular uint8
arithmetic, and flag tables are looked up only at the few cells a rule gathers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor

from arcgames import primitives
from arcgames.actions import ActionId
from arcgames.game import Game
from arcgames.kinds import AVATAR, FALLS, KINDS, OBJECT_BASE, PUSHABLE, SOLID

PAD = OBJECT_BASE - 1  # the padding terrain: the last terrain id, which no kind may use
BIG = 1 << 30  # an int32 rank above any real one, for cells that are not candidates


def padded_size(height: int, width: int) -> tuple[int, int]:
    """The padded board size for boards up to ``height`` x ``width``: at least one PAD row and
    column, and a cell count divisible by 8 (so per-cell bools can be read as int64 words)."""
    sizes = ((h, w) for h in range(height + 1, height + 9) for w in range(width + 1, width + 9) if h * w % 8 == 0)
    return min(sizes, key=lambda hw: (hw[0] * hw[1], hw))


@dataclass(frozen=True)
class BoardSpec:
    """What the batched rules need to know about a batch's padded boards, on its device."""

    height: int  # padded board rows (the tallest board + at least 1 PAD row)
    width: int  # padded board columns (the widest board + at least 1 PAD column)
    kind_counts: np.ndarray  # (boards, 256): objects of each kind on each board the batch may hold
    flat: Tensor  # (cells,) int32: 0 .. cells - 1
    row: Tensor  # (cells,) long: the row of each flat cell index
    col: Tensor  # (cells,) long: the column of each flat cell index
    rows: Tensor  # (height,) long: 0 .. height - 1
    column: Tensor  # (height,) long: flat offsets of the cells of column 0, top to bottom
    cross: Tensor  # (5,) long: flat offsets of a cell and its four neighbours (up, down, left, right)
    action_dy: Tensor  # (8,) long: move direction per ActionId (ACTION1 up ... ACTION4 right)
    action_dx: Tensor
    kind_rows: Tensor  # (256, cells) uint8: row k is all k, for fast comparisons (see is_kind)
    solid: Tensor  # (256,) bool flag tables indexed by kind id; PAD is solid
    pushable: Tensor
    pushable_kinds: tuple[int, ...]  # the kinds with the flag, for whole-board tests
    falling_kinds: tuple[int, ...]
    _tables: dict[str, Tensor] = field(default_factory=dict, repr=False)
    _most: dict[tuple[int, ...], int] = field(default_factory=dict, repr=False)
    _memo: dict[str, tuple[tuple[Tensor, ...], tuple[Tensor, ...]]] = field(default_factory=dict, repr=False)

    @property
    def cells(self) -> int:
        return self.height * self.width

    def most(self, *kinds: int) -> int:
        """The most objects of these kinds, together, that any board of the batch holds.

        No primitive creates or destroys objects (they move, turn or change between kinds
        of one group), so this bounds the loops of rules that go object by object."""
        if kinds not in self._most:
            self._most[kinds] = int(self.kind_counts[:, list(kinds)].sum(1).max())
        return self._most[kinds]

    def table(self, name: str, values: Sequence[int] | Sequence[bool], dtype: torch.dtype = torch.long) -> Tensor:
        """A 256-entry lookup table by kind id on the batch's device, built once per name."""
        if name not in self._tables:
            self._tables[name] = torch.tensor(list(values), dtype=dtype, device=self.flat.device)
        return self._tables[name]

    @classmethod
    def fit(cls, boards: Sequence[np.ndarray], device: torch.device) -> BoardSpec:
        """The spec for a batch that will only ever hold these (2, h, w) boards (e.g. level starts)
        and what the primitives make of them."""
        height, width = padded_size(max(g.shape[1] for g in boards), max(g.shape[2] for g in boards))
        counts = np.stack([np.bincount(g[1].ravel(), minlength=256) for g in boards])
        return cls.build(height, width, counts, device)

    @classmethod
    def build(cls, height: int, width: int, kind_counts: np.ndarray, device: torch.device) -> BoardSpec:
        if height * width % 8:
            raise ValueError(f"a padded board of {height}x{width} cells is not a multiple of 8 cells; use padded_size")
        flat = torch.arange(height * width, device=device)
        solid = torch.tensor(SOLID, dtype=torch.bool, device=device)
        solid[PAD] = True
        rows = torch.arange(height, device=device)
        return cls(
            height=height,
            width=width,
            kind_counts=kind_counts,
            flat=flat.to(torch.int32),
            row=flat // width,
            col=flat % width,
            rows=rows,
            column=rows * width,
            cross=torch.tensor([0, -width, width, -1, 1], device=device),
            action_dy=torch.tensor([0, -1, 1, 0, 0, 0, 0, 0], device=device),
            action_dx=torch.tensor([0, 0, 0, -1, 1, 0, 0, 0], device=device),
            kind_rows=torch.arange(256, dtype=torch.uint8, device=device)[:, None].repeat(1, height * width),
            solid=solid,
            pushable=torch.tensor(PUSHABLE, dtype=torch.bool, device=device),
            pushable_kinds=tuple(k for k in range(256) if PUSHABLE[k]),
            falling_kinds=tuple(k for k in range(256) if FALLS[k]),
        )


class Batch:
    """N padded boards as the rules see them: the engine's live tensors plus flat views of each layer."""

    def __init__(self, grid: Tensor, vars: Tensor, spec: BoardSpec) -> None:
        self.grid = grid  # (N, 2, height, width) uint8, updated in place
        self.vars = vars  # (N, NUM_VARS) int32, updated in place
        self.spec = spec
        n = grid.shape[0]
        # Views, not copies: writing through them writes the engine's state.
        self.terrain = grid[:, 0].view(n, spec.cells)
        self.objects = grid[:, 1].view(n, spec.cells)


@dataclass(frozen=True)
class BatchAct:
    """One action per env, as rules see it (the batched :class:`arcgames.state.Act`)."""

    id: Tensor  # (N,) long ActionId values
    dy: Tensor  # (N,) long move direction, as Act.dy / Act.dx; 0 when not a move
    dx: Tensor
    offset: Tensor  # (N,) long: flat cell offset of the move (dy * width + dx)
    moving: Tensor  # (N,) bool: ACTION1-4
    cell: Tensor  # (N,) long: the clicked flat cell for ACTION6, -1 when not a click or it missed the board

    @classmethod
    def make(cls, action_id: Tensor, cell: Tensor, spec: BoardSpec) -> BatchAct:
        """Build from action types and clicked cells (``cell`` is ignored where the action is not a click)."""
        dy, dx = spec.action_dy.index_select(0, action_id), spec.action_dx.index_select(0, action_id)
        return cls(
            id=action_id,
            dy=dy,
            dx=dx,
            offset=dy * spec.width + dx,
            moving=(dy != 0) | (dx != 0),
            cell=torch.where(action_id == int(ActionId.ACTION6), cell, -1),
        )

    @property
    def clicked(self) -> Tensor:
        """(N,) bool: a click that landed on the board (the scalar ``act.id == ACTION6 and act.row >= 0``)."""
        return self.cell >= 0

    @property
    def click_cell(self) -> Tensor:
        """(N,) long: the clicked cell, 0 where there was none (mask with ``clicked``)."""
        return self.cell.clamp(min=0)


BatchedRule = Callable[[Batch, BatchAct], None]
BatchedCondition = Callable[[Batch], Tensor]

BATCHED_RULES: dict[str, BatchedRule] = {}
BATCHED_CONDITIONS: dict[str, BatchedCondition] = {}


def batched_rule(fn: BatchedRule) -> BatchedRule:
    """Register the batched version of the scalar rule with the same name."""
    if fn.__name__ not in primitives.RULES:
        raise ValueError(f"{fn.__name__!r} is not a rule in arcgames.primitives; batched rules mirror scalar ones")
    BATCHED_RULES[fn.__name__] = fn
    return fn


def batched_condition(fn: BatchedCondition) -> BatchedCondition:
    """Register the batched version of the scalar condition with the same name."""
    if fn.__name__ not in primitives.CONDITIONS:
        raise ValueError(f"{fn.__name__!r} is not a condition in arcgames.primitives")
    BATCHED_CONDITIONS[fn.__name__] = fn
    return fn


def unsupported_reason(game: Game) -> str | None:
    """Why ``game`` cannot run on the batched engine, or None when it can.

    A game runs batched iff every rule and condition it uses is a registered primitive
    of :mod:`arcgames.primitives` (the very function, not a namesake) with a batched
    version. Custom rules written in a game's own file have none.
    """
    for fn in (*game.rules, *game.win, *game.lose):
        name = fn.__name__
        is_rule = any(fn is r for r in game.rules)
        what = "rule" if is_rule else "condition"
        if (primitives.RULES if is_rule else primitives.CONDITIONS).get(name) is not fn:
            return (
                f"{what} {name!r} (from {fn.__module__}) is not a registered primitive of arcgames.primitives, "
                "so it has no batched version; make it a primitive and add a batched version in arcgames/batched/rules/"
            )
        if name not in (BATCHED_RULES if is_rule else BATCHED_CONDITIONS):
            return f"primitive {what} {name!r} has no batched version yet; add one in arcgames/batched/rules/"
    taken = [kind.name for kind in KINDS.values() if kind.id == PAD]
    if taken:
        return f"kind {taken[0]!r} uses id {PAD}, which the batched engine reserves for board padding"
    return None


def supports_batched(game: Game) -> bool:
    """True when every rule and condition of ``game`` has a batched version (see :func:`unsupported_reason`)."""
    return unsupported_reason(game) is None


# --- helpers ---------------------------------------------------------------------


def is_kind(b: Batch, layer: Tensor, kind: int) -> Tensor:
    """layer == kind per cell, (N, cells) bool."""
    return layer == b.spec.kind_rows[kind]


def is_any_kind(b: Batch, layer: Tensor, kinds: Sequence[int]) -> Tensor:
    """layer in kinds per cell; a range test when the ids are consecutive (kinds defined together)."""
    kinds = sorted(kinds)
    if kinds == list(range(kinds[0], kinds[-1] + 1)) and len(kinds) > 2:
        return (layer >= b.spec.kind_rows[kinds[0]]) & (layer <= b.spec.kind_rows[kinds[-1]])
    found = is_kind(b, layer, kinds[0])
    for kind in kinds[1:]:
        found |= is_kind(b, layer, kind)
    return found


def any_cell(mask: Tensor) -> Tensor:
    """mask.any(1) for a (N, cells) bool mask, as the max of its int64 words (cells % 8 == 0)."""
    return mask.contiguous().view(torch.int64).amax(1) != 0


def any_along(mask: Tensor, dim: int) -> Tensor:
    """mask.any(dim), as a uint8 sum: torch's bool any(dim) is the slowest of the kernels above."""
    return mask.to(torch.uint8).sum(dim, dtype=torch.int32) > 0


def count_cells(mask: Tensor) -> Tensor:
    """mask.sum(1) for a (N, cells) bool mask, as int32."""
    return mask.to(torch.uint8).sum(1, dtype=torch.int32)


def fill(b: Batch, layer: Tensor, mask: Tensor, kind: int) -> None:
    """layer[mask] = kind, in place: layer + mask * (kind - layer) is exact in uint8 arithmetic mod 256."""
    layer.add_(mask.to(torch.uint8) * (b.spec.kind_rows[kind] - layer))


def get(layer: Tensor, idx: Tensor) -> Tensor:
    """layer[n, idx[n]] for every env n."""
    return layer.gather(1, idx[:, None]).squeeze(1)


def put(layer: Tensor, idx: Tensor, value: Tensor | int, mask: Tensor) -> None:
    """layer[n, idx[n]] = value[n] for the envs where mask[n] holds (others keep their cell)."""
    index = idx[:, None]
    if isinstance(value, Tensor):
        value = value[:, None].to(layer.dtype)
    layer.scatter_(1, index, torch.where(mask[:, None], value, layer.gather(1, index)))


def move(layer: Tensor, here: Tensor, there: Tensor, kind: Tensor | int, go: Tensor) -> None:
    """Move the object at ``here`` to ``there`` as ``kind`` where ``go`` holds: both cells in one scatter."""
    cells = torch.stack([here, there], 1)
    current = layer.gather(1, cells)
    kind = kind.to(layer.dtype) if isinstance(kind, Tensor) else torch.full_like(here, kind, dtype=layer.dtype)
    moved = torch.stack([torch.zeros_like(kind), kind], 1)
    layer.scatter_(1, cells, torch.where(go[:, None], moved, current))


def neighbour(b: Batch, idx: Tensor, offset: Tensor | int) -> Tensor:
    """The flat cell ``offset`` away from ``idx``; off the board this lands on PAD (see the module docstring)."""
    return (idx + offset) % b.spec.cells


def free(b: Batch, idx: Tensor) -> Tensor:
    """Can an object move into cell idx[n]? (PAD is solid, so off-board cells are never free.)"""
    return ~b.spec.solid[get(b.terrain, idx).long()] & (get(b.objects, idx) == 0)


def find(b: Batch, mask: Tensor, k: int, rank: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """The (at most k) cells where mask holds, lowest ``rank`` first (default: row-major order).

    Returns cells (N, k) long and valid (N, k) bool; ``k`` must bound the count per env.
    """
    if k == 1:  # at most one cell: the sum of the flat indices where mask holds is that cell (0 if none)
        cell = (mask.to(torch.int32) * b.spec.flat).sum(1, dtype=torch.int32, keepdim=True).long()
        return cell, mask.gather(1, cell)
    key = b.spec.flat if rank is None else rank
    ranks, cells = (key + (1 - mask.to(torch.int32)) * BIG).topk(k, dim=1, largest=False, sorted=True)
    return cells, ranks < BIG


def movers(b: Batch, mask: Tensor, k: int, dy: Tensor, dx: Tensor) -> tuple[Tensor, Tensor]:
    """Cells (N, k) where mask holds, front-most in direction (dy, dx) first, like the scalar ``avatars``.

    The scalar helper stably sorts row-major cells by ``-(y * dy + x * dx)``; ranking
    each cell by that key first and its row-major index second gives the same order.
    """
    if k <= 1:
        return find(b, mask, k)
    spec = b.spec
    key = -(spec.row * dy[:, None] + spec.col * dx[:, None]) + spec.height + spec.width  # >= 0
    return find(b, mask, k, rank=(key * spec.cells + spec.flat).to(torch.int32))


def avatars(b: Batch, act: BatchAct) -> tuple[Tensor, Tensor]:
    """Avatar cells (N, most avatars), front-most in the move direction first."""
    return movers(b, is_kind(b, b.objects, AVATAR), b.spec.most(AVATAR), act.dy, act.dx)


def near(b: Batch, mask: Tensor) -> Tensor:
    """Cells orthogonally next to a cell where mask holds (rolls wrap onto PAD, like the board edge)."""
    w = b.spec.width
    return mask.roll(1, 1) | mask.roll(-1, 1) | mask.roll(w, 1) | mask.roll(-w, 1)


def flood(b: Batch, start: Tensor, passable: Tensor, memo: str | None = None) -> Tensor:
    """Cells 4-connected to ``start`` through ``passable`` cells (start cells included), (N, cells) bool.

    Grows one step per iteration until nothing changes (the check syncs with the device
    every 4 steps). With ``memo``, only envs whose start or passable cells changed since
    the last call are recomputed: boards change a few cells per step, floods rarely.
    """

    def grow(start: Tensor, passable: Tensor) -> tuple[Tensor]:
        reached = start
        while True:
            before = reached
            for _ in range(4):
                reached = reached | (passable & near(b, reached))
            if torch.equal(reached, before):
                return (reached,)

    if memo is None:
        return grow(start, passable)[0]
    return memoised(b, memo, (start, passable), grow)[0]


def memoised(
    b: Batch, name: str, inputs: tuple[Tensor, ...], compute: Callable[..., tuple[Tensor, ...]]
) -> tuple[Tensor, ...]:
    """``compute(*inputs)`` for a pure, per-env function of (N, ...) tensors, recomputed only for the envs
    whose inputs changed since the last call under ``name`` (e.g. the pipes' flood fill, which only
    changes when a block turns). ``inputs`` must be fresh tensors, not views of the live state."""
    last = b.spec._memo.get(name)
    if last is None or last[0][0].shape != inputs[0].shape:
        outputs = compute(*inputs)
    else:
        changed = torch.zeros_like(inputs[0][:, 0], dtype=torch.bool)
        for new, old in zip(inputs, last[0], strict=True):
            changed |= any_cell(new != old)
        envs = changed.nonzero().squeeze(1)
        if not envs.numel():
            return last[1]
        fresh = compute(*(t.index_select(0, envs) for t in inputs))
        outputs = tuple(old.index_copy(0, envs, new) for old, new in zip(last[1], fresh, strict=True))
    b.spec._memo[name] = (inputs, outputs)
    return outputs


def grid3(b: Batch, flat: Tensor) -> Tensor:
    """A (N, cells) per-cell tensor viewed as (N, height, width)."""
    return flat.view(flat.shape[0], b.spec.height, b.spec.width)
