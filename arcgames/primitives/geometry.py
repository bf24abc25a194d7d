"""Geometry primitives: blocks of cells that turn, pipes that connect, paint and symmetry,
and copying a shape onto a canvas (as it is, mirrored or turned).

Why bytes: these conditions judge a whole region every step, and the solver calls them
for every state it visits. Reading the board once as bytes and comparing row slices
(``bytes.translate`` marks the kinds of interest) costs a few µs, against ~1 µs per
numpy call for the same work done with masks and reductions.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from arcgames.actions import ActionId
from arcgames.kinds import Layer, define_kind
from arcgames.primitives.base import condition, rule
from arcgames.state import Act, State

# --- kinds -----------------------------------------------------------------------

SHADE = define_kind("shade", Layer.TERRAIN, "dark_grey")  # a darker floor, to draw tiles and frames
PIPE = define_kind("pipe", Layer.TERRAIN, "grey")
WATER = define_kind("water", Layer.TERRAIN, "sky")  # a pipe that a source fills
ROTOR = define_kind("rotor", Layer.TERRAIN, "white", clickable=True)  # the hub a block turns around
SOURCE = define_kind("source", Layer.TERRAIN, "blue")
SINK = define_kind("sink", Layer.TERRAIN, "green")
PAINTS = (
    define_kind("paint_blank", Layer.TERRAIN, "dark_grey", clickable=True),
    define_kind("paint_red", Layer.TERRAIN, "red", clickable=True),
    define_kind("paint_blue", Layer.TERRAIN, "blue", clickable=True),
    define_kind("paint_yellow", Layer.TERRAIN, "yellow", clickable=True),
)
AXIS = define_kind("axis", Layer.TERRAIN, "grey")  # a fixed cell inside a picture (a mirror line)
PIVOT = define_kind("pivot", Layer.TERRAIN, "white")  # a fixed cell inside a picture (a centre of turn)
CANVAS_OFF = define_kind("canvas_off", Layer.TERRAIN, "dark_grey", clickable=True)
CANVAS_ON = define_kind("canvas_on", Layer.TERRAIN, "yellow", clickable=True)
CANVAS_PIN = define_kind("canvas_pin", Layer.TERRAIN, "orange")  # a canvas cell fixed on
TARGET_OFF = define_kind("target_off", Layer.TERRAIN, "navy")
TARGET_ON = define_kind("target_on", Layer.TERRAIN, "green")


def _table(marks: dict[int, int]) -> bytes:
    """A bytes.translate table: kind id -> mark (0 for every kind not listed)."""
    table = bytearray(256)
    for kind, mark in marks.items():
        table[kind] = mark
    return bytes(table)


CONDUCTS = _table({PIPE: 1, WATER: 1, ROTOR: 1, SOURCE: 1, SINK: 1})
PAINTED = _table(dict.fromkeys(PAINTS, 1))
CANVAS = _table({CANVAS_OFF: 1, CANVAS_ON: 2, CANVAS_PIN: 2})  # 2 = a cell of the drawn shape
TARGET = _table({TARGET_OFF: 1, TARGET_ON: 2})
# What a click turns a cell into (0: clicks do nothing); each palette is a cycle.
NEXT_PAINT = [0] * 256
for _palette in (PAINTS, (CANVAS_OFF, CANVAS_ON)):
    for _i, _kind in enumerate(_palette):
        NEXT_PAINT[_kind] = _palette[(_i + 1) % len(_palette)]


def _clicked(act: Act) -> bool:
    return act.id == ActionId.ACTION6 and act.row >= 0


# --- rules -----------------------------------------------------------------------


@rule
def rotate_block(state: State, act: Act) -> None:
    """Clicking a rotor turns the 3x3 block around it a quarter turn clockwise (both layers);
    a rotor on the board edge has no whole block and does nothing."""
    if not _clicked(act):
        return
    terrain = state.grid[0]
    y, x = act.row, act.col
    h, w = terrain.shape
    if terrain[y, x] != ROTOR or not (0 < y < h - 1 and 0 < x < w - 1):
        return
    block = state.grid[:, y - 1 : y + 2, x - 1 : x + 2]  # both layers
    block[...] = block[:, ::-1].transpose(0, 2, 1).copy()  # flip rows then transpose: a clockwise turn


def _reach(data: bytes, w: int, starts: list[int]) -> set[int]:
    """Flat indices of the conductive cells 4-connected to any start index (starts included)."""
    conducts, size = data.translate(CONDUCTS), len(data)
    seen, stack = set(starts), list(starts)
    while stack:
        i = stack.pop()
        x = i % w
        for j in (i - w, i + w, i - 1 if x else -1, i + 1 if x + 1 < w else -1):
            if 0 <= j < size and conducts[j] and j not in seen:
                seen.add(j)
                stack.append(j)
    return seen


def _flat(data: bytes, kind: int) -> list[int]:
    """Flat indices of the cells holding ``kind``."""
    found, i = [], data.find(kind)
    while i >= 0:
        found.append(i)
        i = data.find(kind, i + 1)
    return found


@rule
def fill_pipes(state: State, act: Act) -> None:
    """Water fills every pipe joined to a source; a pipe cut off from every source runs dry."""
    terrain = state.grid[0]
    data = terrain.tobytes()
    wet = _reach(data, terrain.shape[1], _flat(data, SOURCE))
    cells = bytearray(data)
    for i in _flat(data, WATER):
        if i not in wet:
            cells[i] = PIPE
    for i in wet:
        if cells[i] == PIPE:
            cells[i] = WATER
    if cells != data:
        terrain[...] = np.frombuffer(cells, dtype=np.uint8).reshape(terrain.shape)


@rule
def paint_cycle(state: State, act: Act) -> None:
    """Clicking a paint cell steps it to the next colour of its palette (blank, red, blue,
    yellow, blank, ...); a canvas cell flips between off and on."""
    if _clicked(act):
        terrain = state.grid[0]
        after = NEXT_PAINT[terrain[act.row, act.col]]
        if after:
            terrain[act.row, act.col] = after


# --- conditions ------------------------------------------------------------------


@condition
def connected(state: State) -> bool:
    """Won when every sink is joined to a source by a 4-connected path of pipe cells
    (pipes, water, rotors, other sources and sinks all conduct)."""
    terrain = state.grid[0]
    data = terrain.tobytes()
    sinks = _flat(data, SINK)
    return bool(sinks) and set(sinks) <= _reach(data, terrain.shape[1], _flat(data, SOURCE))


def _region(data: bytes, marked: bytes, w: int) -> list[bytes]:
    """The rows of the bounding box of the cells ``marked`` non-zero, each as bytes of ``data``."""
    first, end = len(marked) - len(marked.lstrip(b"\x00")), len(marked.rstrip(b"\x00"))
    if not end:
        return []
    starts = range(first - first % w, end, w)  # where each row of the box starts
    lines = [marked[r : r + w] for r in starts]
    left = min(w - len(line.lstrip(b"\x00")) for line in lines)  # an empty line says w: never the least
    right = max(len(line.rstrip(b"\x00")) for line in lines)
    return [data[r + left : r + right] for r in starts]


def _picture(state: State) -> list[bytes]:
    terrain = state.grid[0]
    data = terrain.tobytes()
    return _region(data, data.translate(PAINTED), terrain.shape[1])


@condition
def mirror_symmetric(state: State) -> bool:
    """Won when the picture (the bounding box of the paint cells) reads the same mirrored left-right,
    or does not ask to: only a picture holding an axis cell (its mirror line) is asked."""
    rows = _picture(state)
    return not any(AXIS in row for row in rows) or all(row == row[::-1] for row in rows)


@condition
def rotation_symmetric(state: State) -> bool:
    """Won when the picture (the bounding box of the paint cells) reads the same turned half a turn,
    or does not ask to: only a picture holding a pivot cell (its centre of turn) is asked."""
    rows = _picture(state)
    return PIVOT not in b"".join(rows) or rows == [row[::-1] for row in reversed(rows)]


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(start, stop) of each run of true flags."""
    runs, start = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return runs


@lru_cache(maxsize=64)
def _target(marked: bytes, w: int) -> tuple[bytes, ...] | None:
    """The target shape: its pieces (blocks of target cells split by empty rows and columns),
    all the same size, overlaid; one bytes row each, 2 = on, 1 = off, 0 = a hole. None if the
    pieces differ. Cached by the target's cells, which no rule changes."""
    rows = _region(marked, marked, w)
    if not rows:
        return None
    pieces = [
        [row[c0:c1] for row in rows[r0:r1]]
        for r0, r1 in _runs([any(row) for row in rows])
        for c0, c1 in _runs([any(row[c] for row in rows) for c in range(len(rows[0]))])
        if any(any(row[c0:c1]) for row in rows[r0:r1])
    ]
    if len({(len(p), len(p[0])) for p in pieces}) != 1:
        return None
    overlaid = zip(*pieces, strict=True)  # for each row, that row of every piece
    return tuple(bytes(max(cells) for cells in zip(*piece_rows, strict=True)) for piece_rows in overlaid)


def _turned(rows: list[bytes]) -> list[bytes]:
    """Rows of a block turned a quarter turn clockwise."""
    return [bytes(column) for column in zip(*reversed(rows), strict=True)]


def _mirrored(rows: list[bytes]) -> list[bytes]:
    return [row[::-1] for row in rows]


def _poses(rows: list[bytes]) -> list[list[bytes]]:
    """The eight ways a block can lie: turned 0-3 quarter turns, each also mirrored."""
    turns = [rows]
    for _ in range(3):
        turns.append(_turned(turns[-1]))
    return turns + [_mirrored(t) for t in turns]


def _as_it_is(rows: list[bytes]) -> list[list[bytes]]:
    return [rows]


def _mirror_only(rows: list[bytes]) -> list[list[bytes]]:
    return [_mirrored(rows)]


def _turn_only(rows: list[bytes]) -> list[list[bytes]]:
    return [_turned(rows)]


@lru_cache(maxsize=64)
def _wanted(marked: bytes, w: int, poses: Callable[[list[bytes]], list[list[bytes]]]) -> list[list[bytes]]:
    """The canvases that match the target (cached like the target itself)."""
    target = _target(marked, w)
    return [] if target is None else poses(list(target))


def _matches(state: State, poses: Callable[[list[bytes]], list[list[bytes]]]) -> bool:
    terrain = state.grid[0]
    data, w = terrain.tobytes(), terrain.shape[1]
    wanted = _wanted(data.translate(TARGET), w, poses)
    canvas = data.translate(CANVAS)
    return bool(wanted) and _region(canvas, canvas, w) in wanted


@condition
def match_target(state: State) -> bool:
    """Won when the canvas shows the target shape (every target piece overlaid), cell for cell."""
    return _matches(state, _as_it_is)


@condition
def match_target_mirrored(state: State) -> bool:
    """Won when the canvas shows the target shape mirrored left-right."""
    return _matches(state, _mirror_only)


@condition
def match_target_rotated(state: State) -> bool:
    """Won when the canvas shows the target shape turned a quarter turn clockwise."""
    return _matches(state, _turn_only)


@condition
def match_target_any(state: State) -> bool:
    """Won when the canvas shows the target shape lying any way: as it is, turned, mirrored, or both
    (fixed pins on the canvas can then decide which way it must lie)."""
    return _matches(state, _poses)
