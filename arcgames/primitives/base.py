"""The primitive registry, the templates of recurring shapes, and the board helpers primitives share.

A primitive is written once, as a compiled kernel over one env's arrays (see
:mod:`arcgames.kernels` for the signature and why): ``@rule`` and ``@condition``
compile it and register it by name. Shapes that recur (no K left, A on B, every A on B,
A next to B) are templates: one kernel, and one registered instance per set of kinds.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from arcgames.draw import Counter
from arcgames.kernels import ACT_COL, ACT_ID, ACT_ROW, Primitive, Role, as_flat, as_words, helper_kernel, kernel
from arcgames.kinds import AVATAR, F_SOLID, FLAGS, MOVED, OBJECT_BASE, Layer, flag_word, kind_name

CLICK = 6  # ActionId.ACTION6
# What games list in rules= and win=/lose=: registered primitives (calling one from Python with a
# State, and an Act for a rule, runs its kernel on that state).
Rule = Primitive
Condition = Primitive

RULES: dict[str, Primitive] = {}
CONDITIONS: dict[str, Primitive] = {}


class LevelProblem(NamedTuple):
    """What a level check found wrong with a level: a sentence, and the cell it is about (row, column from 0)."""

    text: str
    cell: tuple[int, int] | None = None


# A level check: a level's start board (2, h, w) uint8 -> the problem, or None. Plain Python, run once when a
# game loads: a rule's check for every level of a game that lists the rule, a condition's for every level
# where it is a win condition (what the level needs to be winnable). It sits next to its primitive, so a
# game that breaks a primitive's assumption is refused at load, with the cell, instead of misbehaving in play.
LevelCheck = Callable[[np.ndarray], LevelProblem | None]


def _register(table: dict, what: str, name: str, prim) -> None:
    if name in table:
        raise ValueError(f"a {what} named {name!r} is already registered")
    table[name] = prim


_SIGNATURES = {"rule": ("grid", "vars", "act", "flags"), "condition": ("grid", "vars", "flags")}


def _primitive(fn: Callable, role: Role, register: bool, counters: tuple[Counter, ...] = (),
               check: LevelCheck | None = None) -> Primitive:  # fmt: skip
    """Check ``fn``'s signature, compile it and (unless ``register`` is False) register it by name."""
    params = tuple(inspect.signature(fn).parameters)
    if params[: len(_SIGNATURES[role])] != _SIGNATURES[role]:
        raise TypeError(
            f"{role} {fn.__name__!r} takes ({', '.join(params)}); a {role} kernel takes "
            f"({', '.join(_SIGNATURES[role])}) and works on the board arrays (see docs/authoring.md)"
        )
    prim = Primitive(fn.__name__, role, kernel(fn), (), fn.__doc__, fn.__module__, _checked(fn.__name__, counters),
                     _callable_check(fn.__name__, check))  # fmt: skip
    if register:
        _register(RULES if role == "rule" else CONDITIONS, role, fn.__name__, prim)
    return prim


def _callable_check(name: str, check) -> LevelCheck | None:
    if check is not None and not callable(check):
        raise TypeError(f"{name}: check= takes a function of a level's start board (see docs/authoring.md), "
                        f"got {check!r}")  # fmt: skip
    return check


def _checked(name: str, counters) -> tuple[Counter, ...]:
    counters = tuple(counters)
    for counter in counters:
        if not isinstance(counter, Counter):
            raise TypeError(f"{name}: counters= takes arcgames.draw.Counter(slot, colour, most) items, got {counter!r}")
    return counters


def rule(fn: Callable | None = None, *, register: bool = True, counters: tuple[Counter, ...] = (),
         check: LevelCheck | None = None):  # fmt: skip
    """Compile ``fn(grid, vars, act, flags) -> None`` as a rule kernel and register it under its name.

    ``@rule(register=False)`` compiles without registering: for a rule one test needs. ``counters`` says how the
    ``vars`` slots it keeps are shown in the status strip (:class:`arcgames.draw.Counter`). ``check`` is its
    :data:`LevelCheck`: what every level of a game with this rule must be like."""
    if fn is None:
        return lambda f: _primitive(f, "rule", register, counters, check)
    return _primitive(fn, "rule", register, counters, check)


def condition(fn: Callable | None = None, *, register: bool = True, counters: tuple[Counter, ...] = (),
              check: LevelCheck | None = None):  # fmt: skip
    """Compile ``fn(grid, vars, flags) -> bool`` as a condition kernel and register it under its name
    (``@condition(register=False)``: compile only; ``counters``: as for :func:`rule`; ``check``: the
    :data:`LevelCheck` of a level where it is a win condition)."""
    if fn is None:
        return lambda f: _primitive(f, "condition", register, counters, check)
    return _primitive(fn, "condition", register, counters, check)


def template(compiled_kernel, role: Role, name: str, params: tuple[int, ...], doc: str,
             counters: tuple[Counter, ...] = (), check: LevelCheck | None = None) -> Primitive:  # fmt: skip
    """Register ``name`` as an instance of a template kernel with its kinds fixed to ``params``."""
    module = compiled_kernel.py_func.__module__
    prim = Primitive(name, role, compiled_kernel, tuple(int(p) for p in params), doc, module,
                     _checked(name, counters), _callable_check(name, check))  # fmt: skip
    _register(RULES if role == "rule" else CONDITIONS, role, name, prim)
    return prim


# --- level checks ----------------------------------------------------------------


def count_kind(board: np.ndarray, kind: int) -> int:
    """How many cells of a start board (2, h, w) hold ``kind`` (on its own layer)."""
    return int(np.count_nonzero(board[_layer(kind)] == kind))


def _layer(kind: int) -> Layer:
    return Layer.OBJECTS if kind >= OBJECT_BASE else Layer.TERRAIN


def plural(count: int, noun: str) -> str:
    """``3 portals``, ``1 portal``: a count and its noun, for messages."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _names(kinds: tuple[int, ...]) -> str:
    return " or ".join(kind_name(k, _layer(k)) for k in kinds)


def _unwinnable(what: str) -> LevelProblem:
    return LevelProblem(f"the board has {what}, so the game cannot be won")


def needs(*kinds: int | tuple[int, ...]) -> LevelCheck:
    """A level check: the board holds a cell of each of ``kinds`` (a sink and a source); a tuple of kinds is
    one requirement that any of them meets (a dry or a wet mark)."""
    groups = [kind if isinstance(kind, tuple) else (kind,) for kind in kinds]

    def check(board: np.ndarray) -> LevelProblem | None:
        for group in groups:
            if not any(count_kind(board, k) for k in group):
                return _unwinnable(f"no {_names(group)} cell")
        return None

    return check


def room_for(objs: tuple[int, ...], ter: int) -> LevelCheck:
    """A level check: there are objects of the kinds ``objs``, and at least as many ``ter`` cells for them."""
    objs = tuple(dict.fromkeys(objs))

    def check(board: np.ndarray) -> LevelProblem | None:
        count = sum(count_kind(board, k) for k in objs)
        return _some_and_enough(count, f"{_names(objs)} object", count_kind(board, ter),
                                f"{_names((ter,))} cell", "for them")  # fmt: skip

    return check


def enough_for(ter: int, flag: int) -> LevelCheck:
    """A level check: there are ``ter`` cells, and at least as many objects with kind flag ``flag`` to fill them."""

    def check(board: np.ndarray) -> LevelProblem | None:
        objects = int(np.count_nonzero(FLAGS[board[Layer.OBJECTS]] & flag))
        return _some_and_enough(count_kind(board, ter), f"{_names((ter,))} cell", objects,
                                f"{flag_word(flag)} object", "to fill them")  # fmt: skip

    return check


def _some_and_enough(need: int, need_noun: str, have: int, have_noun: str, purpose: str) -> LevelProblem | None:
    """None when the board has some of what a win needs, and at least as many of what that needs in turn."""
    if need == 0:
        return _unwinnable(f"no {need_noun}")
    if have < need:
        return _unwinnable(f"{plural(need, need_noun)} but only {plural(have, have_noun)} {purpose}")
    return None


# --- kernel helpers ----------------------------------------------------------------


@helper_kernel
def k_inside(h, w, y, x):
    return 0 <= y < h and 0 <= x < w


@helper_kernel
def k_free(terrain, objects, flags, y, x):
    """Can an object move into cell (y, x)? (On the board, not solid terrain, no object.)"""
    h, w = terrain.shape
    return 0 <= y < h and 0 <= x < w and (flags[terrain[y, x]] & F_SOLID) == 0 and objects[y, x] == 0


@helper_kernel
def k_front_first(h, w, dy, dx):
    """How to visit a board so that cells front-most in direction (dy, dx) come first, ties in reading order:
    (outer count, inner count, by columns, outer loop reversed), for :func:`k_cell`. Visiting in this order
    lets a line of movers move as one, and a mover that moved lands on a cell already visited, so rules move
    things in place without a list of cells (the Python rules sorted a list; this is the same order)."""
    if dx != 0:
        return w, h, True, dx > 0
    return h, w, False, dy > 0


@helper_kernel
def k_cell(scan, i, j):
    """The cell (row, col) at step (i, j) of the visit :func:`k_front_first` planned."""
    outer = scan[0] - 1 - i if scan[3] else i
    return (j, outer) if scan[2] else (outer, j)


# Finding a kind: the board's bytes eight at a time (a word holds the kind when word ^ kind x 0x0101.. has a
# zero byte), then the bytes of a word that does. Plain loops over cells cost ~0.5 ns a cell, ~80 ns a scan of
# a typical board and most rules scan once or more a step; a word at a time is 3-4x faster. The words are
# counted from the board's first byte, which the batched engine keeps 8-byte aligned (a GPU needs that).
_ONES = np.uint64(0x0101010101010101)
_HIGHS = np.uint64(0x8080808080808080)


@helper_kernel
def k_word_has(word, pattern):
    """Does a byte of ``word`` equal the byte that ``pattern`` repeats?"""
    v = word ^ pattern
    return ((v - _ONES) & ~v & _HIGHS) != 0


@helper_kernel
def k_find(grid, layer, kind, start):
    """The index (y * w + x) of the first cell of ``grid[layer]`` from index ``start`` on, in reading order, that
    holds ``kind``; -1 when none does."""
    area = grid.shape[1] * grid.shape[2]
    cells = as_flat(grid)
    words = as_words(cells)
    base = layer * area
    lo, hi = base + start, base + area
    pattern = np.uint64(kind) * _ONES
    for j in range(lo >> 3, hi >> 3):
        if k_word_has(words[j], pattern):
            for i in range(max(j << 3, lo), (j << 3) + 8):
                if cells[i] == kind:
                    return i - base
    for i in range(max(hi >> 3 << 3, lo), hi):
        if cells[i] == kind:
            return i - base
    return -1


@helper_kernel
def k_find_last(grid, layer, kind, stop):
    """The index of the last cell of ``grid[layer]`` before index ``stop``, in reading order, that holds
    ``kind``; -1 when none does."""
    area = grid.shape[1] * grid.shape[2]
    cells = as_flat(grid)
    words = as_words(cells)
    base = layer * area
    lo, hi = base, base + stop
    for i in range(hi - 1, max(hi >> 3 << 3, lo) - 1, -1):
        if cells[i] == kind:
            return i - base
    pattern = np.uint64(kind) * _ONES
    for j in range((hi >> 3) - 1, (lo >> 3) - 1, -1):
        if k_word_has(words[j], pattern):
            for i in range((j << 3) + 7, max(j << 3, lo) - 1, -1):
                if cells[i] == kind:
                    return i - base
    return -1


@helper_kernel
def k_first_mover(grid, kind, dy, dx):
    """Where a front-most-first visit of the objects of ``kind`` moving by (dy, dx) starts (-1: there are none).
    The visit is reading order, backwards when moving down or right: front-most first along each line of the
    move (each row of a horizontal move, each column of a vertical one), which is the order a rule needs when
    its movers only touch cells of their own line. (Where movers in different lines share something, such as
    a key count or an exit, use :func:`k_front_first`'s order.)"""
    if dy > 0 or dx > 0:
        return k_find_last(grid, 1, kind, grid.shape[1] * grid.shape[2])
    return k_find(grid, 1, kind, 0)


@helper_kernel
def k_next_mover(grid, kind, dy, dx, i):
    """The object of ``kind`` visited after the one at index ``i`` (see :func:`k_first_mover`), or -1."""
    if dy > 0 or dx > 0:
        return k_find_last(grid, 1, kind, i)
    return k_find(grid, 1, kind, i + 1)


@helper_kernel
def k_move_every(grid, flags, kind, dy, dx):
    """Move every object of ``kind`` one cell by (dy, dx), front-most first; a blocked one stays (a mover that
    moved lands on a cell already visited)."""
    terrain, objects = grid[0], grid[1]
    w = objects.shape[1]
    i = k_first_mover(grid, kind, dy, dx)
    while i >= 0:
        y, x = i // w, i % w
        if k_free(terrain, objects, flags, y + dy, x + dx):
            objects[y + dy, x + dx] = kind
            objects[y, x] = 0
        i = k_next_mover(grid, kind, dy, dx, i)


@kernel
def k_unmark(grid, kind):
    """Turn every object marked ``MOVED`` (it moved this step) back into ``kind``."""
    objects = as_flat(grid[1])
    i = k_find(grid, 1, MOVED, 0)
    while i >= 0:
        objects[i] = kind
        i = k_find(grid, 1, MOVED, i + 1)


@helper_kernel
def k_nearest_avatar(grid, y, x):
    """The avatar nearest (y, x) by steps, ties to the first in reading order; (-1, -1) when there is none."""
    h, w = grid.shape[1], grid.shape[2]
    best, ay, ax = h + w, -1, -1
    i = k_find(grid, 1, AVATAR, 0)
    while i >= 0:
        vy, vx = i // w, i % w
        if abs(vy - y) + abs(vx - x) < best:
            best, ay, ax = abs(vy - y) + abs(vx - x), vy, vx
        i = k_find(grid, 1, AVATAR, i + 1)
    return ay, ax


@helper_kernel
def k_hold_doors(grid, held, closed, opened):
    """Doors (terrain ``closed``) open (become ``opened``) while ``held``, and close again otherwise, except a
    door with an object in it, which stays open until the object leaves."""
    terrain, objects = as_flat(grid[0]), as_flat(grid[1])
    door = k_find(grid, 0, closed if held else opened, 0)
    while door >= 0:
        if held:
            terrain[door] = opened
        elif objects[door] == 0:
            terrain[door] = closed
        door = k_find(grid, 0, closed if held else opened, door + 1)


@helper_kernel
def k_step_along(terrain, objects, flags, y, x, gy, gx):
    """Step the object at (y, x) one cell along the gap (gy, gx): on the wider axis first (vertical on a tie),
    on the other where that cell is not free. It is marked ``MOVED``. Returns whether it moved."""
    sy, sx = k_sign(gy), k_sign(gx)
    vertical_first = abs(gy) >= abs(gx)
    for attempt in range(2):
        dy, dx = (sy, 0) if vertical_first == (attempt == 0) else (0, sx)
        if (dy != 0 or dx != 0) and k_free(terrain, objects, flags, y + dy, x + dx):
            objects[y + dy, x + dx] = MOVED
            objects[y, x] = 0
            return True
    return False


@kernel
def k_count(grid, layer, kind):
    """How many cells of ``grid[layer]`` hold ``kind``."""
    found = 0
    i = k_find(grid, layer, kind, 0)
    while i >= 0:
        found += 1
        i = k_find(grid, layer, kind, i + 1)
    return found


@helper_kernel
def k_sign(v):
    return (v > 0) - (v < 0)


# --- templates ---------------------------------------------------------------------


@kernel
def t_none_left(grid, vars, flags, layer, kind):
    """No cell of ``layer`` holds ``kind``."""
    return k_find(grid, layer, kind, 0) < 0


@kernel
def t_any_on(grid, vars, flags, obj, ter):
    """Some object of kind ``obj`` stands on terrain ``ter``."""
    terrain = as_flat(grid[0])
    i = k_find(grid, 1, obj, 0)
    while i >= 0:
        if terrain[i] == ter:
            return True
        i = k_find(grid, 1, obj, i + 1)
    return False


@kernel
def t_every_on(grid, vars, flags, obj_a, obj_b, ter):
    """There are objects of kind ``obj_a`` or ``obj_b``, and every one stands on terrain ``ter``."""
    terrain = as_flat(grid[0])
    found = False
    for obj in (obj_a, obj_b):
        i = k_find(grid, 1, obj, 0)
        while i >= 0:
            if terrain[i] != ter:
                return False
            found = True
            i = k_find(grid, 1, obj, i + 1)
        if obj_b == obj_a:
            break
    return found


@kernel
def t_every_under(grid, vars, flags, ter, flag):
    """There are cells of terrain ``ter``, and every one holds an object with kind flag ``flag``."""
    objects = as_flat(grid[1])
    i = k_find(grid, 0, ter, 0)
    if i < 0:
        return False
    while i >= 0:
        if (flags[objects[i]] & flag) == 0:
            return False
        i = k_find(grid, 0, ter, i + 1)
    return True


@kernel
def t_next_to(grid, vars, flags, obj_a, obj_b):
    """Some object of kind ``obj_a`` is orthogonally next to one of kind ``obj_b``."""
    objects = grid[1]
    h, w = objects.shape
    i = k_find(grid, 1, obj_a, 0)
    while i >= 0:
        y, x = i // w, i % w
        if (
            (y > 0 and objects[y - 1, x] == obj_b)
            or (y + 1 < h and objects[y + 1, x] == obj_b)
            or (x > 0 and objects[y, x - 1] == obj_b)
            or (x + 1 < w and objects[y, x + 1] == obj_b)
        ):
            return True
        i = k_find(grid, 1, obj_a, i + 1)
    return False


def none_left(name: str, layer: int, kind: int, doc: str) -> Primitive:
    """A condition: no cell of ``layer`` holds ``kind`` (all lights on = no light off left)."""
    return template(t_none_left, "condition", name, (layer, kind), doc)


def any_on(name: str, obj: int, ter: int, doc: str, check: LevelCheck | None = None) -> Primitive:
    """A condition: some ``obj`` stands on ``ter`` (an avatar on a goal); ``check``: its :data:`LevelCheck`."""
    return template(t_any_on, "condition", name, (obj, ter), doc, check=check)


def every_on(name: str, objs: tuple[int, ...], ter: int, doc: str) -> Primitive:
    """A condition: there are objects of the kinds ``objs`` (one or two), and every one stands on ``ter``.

    Its level check: there are such objects, and at least as many ``ter`` cells (a cell holds one object)."""
    return template(t_every_on, "condition", name, (objs[0], objs[-1], ter), doc, check=room_for(objs, ter))


def every_under(name: str, ter: int, flag: int, doc: str) -> Primitive:
    """A condition: there are ``ter`` cells, and every one holds an object with kind flag ``flag``.

    Its level check: there are such cells, and at least as many objects with the flag."""
    return template(t_every_under, "condition", name, (ter, flag), doc, check=enough_for(ter, flag))


def next_to(name: str, obj_a: int, obj_b: int, doc: str) -> Primitive:
    """A condition: some ``obj_a`` is orthogonally next to some ``obj_b`` (a chaser next to an avatar)."""
    return template(t_next_to, "condition", name, (obj_a, obj_b), doc)


@kernel
def t_click_cycle(grid, vars, act, flags, a0, a1, a2, a3, b0, b1, b2, b3):
    """A click on a cell of kind ``a0`` turns it into ``a1``, ``a1`` into ``a2`` ... and the last back into
    ``a0``; likewise for the second cycle ``b0..b3`` (-1: no kind; cycles of 1 to 4 kinds)."""
    row, col = act[ACT_ROW], act[ACT_COL]
    if act[ACT_ID] != CLICK or row < 0:
        return
    terrain = grid[0]
    kind = terrain[row, col]
    after = k_next_in_cycle(kind, (a0, a1, a2, a3))
    if after < 0:
        after = k_next_in_cycle(kind, (b0, b1, b2, b3))
    if after >= 0:
        terrain[row, col] = after


@helper_kernel
def k_next_in_cycle(kind, cycle):
    size = 0
    for i in range(4):
        if cycle[i] >= 0:
            size = i + 1
    for i in range(size):
        if kind == cycle[i]:
            return cycle[(i + 1) % size]
    return -1


def click_cycle(name: str, *cycles: tuple[int, ...], doc: str) -> Primitive:
    """A rule: a click steps a cell to the next kind of its cycle (one or two cycles of up to 4 kinds)."""
    if not 1 <= len(cycles) <= 2 or any(not 1 <= len(c) <= 4 for c in cycles):
        raise ValueError(f"{name}: click_cycle takes one or two cycles of 1 to 4 kinds, got {cycles!r}")
    params = [*cycles[0], *[-1] * (4 - len(cycles[0]))]
    second = cycles[1] if len(cycles) == 2 else ()
    params += [*second, *[-1] * (4 - len(second))]
    return template(t_click_cycle, "rule", name, tuple(params), doc)


# --- flood fill ----------------------------------------------------------------------

FLOODED = 0x80  # a terrain bit no kind uses (terrain ids are below 128): marks the cells a flood reached


@kernel
def k_spread(terrain, passable):
    """Spread the :data:`FLOODED` mark from marked cells to 4-connected unmarked cells whose kind is
    ``passable`` (a (256,) bool table), until it reaches no more: sweeps down and up the board in turn,
    which needs no list of cells (kernels never allocate). It stops after the first sweep that marks
    nothing: every cell in it was tested against all four neighbours while no mark changed, so no
    unmarked passable cell touches a marked one (one sweep sooner than waiting for a down-and-up pair
    that marks nothing: 0ce9's count_lamps 975 -> 570 ns, 5v2s's fill_pipes 624 -> 403)."""
    h, w = terrain.shape
    down, added = True, True
    while added:
        added = False
        for i in range(h):
            y = i if down else h - 1 - i
            for j in range(w):
                x = j if down else w - 1 - j
                if terrain[y, x] & FLOODED or not passable[terrain[y, x]]:
                    continue
                if (
                    (y > 0 and terrain[y - 1, x] & FLOODED)
                    or (y + 1 < h and terrain[y + 1, x] & FLOODED)
                    or (x > 0 and terrain[y, x - 1] & FLOODED)
                    or (x + 1 < w and terrain[y, x + 1] & FLOODED)
                ):
                    terrain[y, x] |= FLOODED
                    added = True
        down = not down


@kernel
def k_unflood(terrain):
    """Clear every :data:`FLOODED` mark (a kernel must leave the board as it found it, less its changes)."""
    h, w = terrain.shape
    for y in range(h):
        for x in range(w):
            terrain[y, x] &= ~FLOODED
