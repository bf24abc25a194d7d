"""Drawing a frame: one definition, as compiled kernels, that both engines run (as :mod:`arcgames.kernels`
does for the rules).

The 64x64 frame has two parts (the layout contract every game relies on):

- rows 0-3, the **status strip**: one mark per level (done, current, to come), then the counters the
  game's rules keep (``State.vars`` slots, declared by the primitives that keep them: see
  :class:`Counter`), one pip per unit in the colour of what it counts. Its background says how the
  play stands: black while it goes on, red on GAME_OVER, green on WIN.
- rows 4-63, the **board**: every level of a game drawn with one cell size (:func:`cell_size`),
  centred. At 3 px cells and above, cells of *tile* kinds (:func:`tile_table`) are drawn inset, with a
  1 px line on their right and bottom edges, so that two neighbours of one kind read as two.

Both engines keep what each frame shows (a copy of the board as drawn, and the strip's inputs) and
redraw only what changed, so a step that changes one cell redraws one cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from arcgames.actions import FRAME_SIZE
from arcgames.kernels import as_flat, as_words, helper_kernel, kernel
from arcgames.kinds import FLOOR, KINDS
from arcgames.palette import colour_index

STRIP_HEIGHT = 4  # frame rows 0-3
BOARD_TOP = STRIP_HEIGHT
BOARD_HEIGHT = FRAME_SIZE - STRIP_HEIGHT  # 60 px
BOARD_WIDTH = FRAME_SIZE  # 64 px
MIN_TILE_SCALE = 3  # below 3 px a cell has no room for an edge line and a body

# The play's state as the strip shows it: the engines' game states (0 NOT_FINISHED, 1 WIN, 2 GAME_OVER),
# plus SOLVED for the scalar engine's frame of a level just completed (``Engine.solved_frame``).
NOT_FINISHED, WIN, GAME_OVER, SOLVED = 0, 1, 2, 3
STRIP_BACKGROUND = (colour_index("black"), colour_index("green"), colour_index("red"), colour_index("black"))
MARK_DONE, MARK_CURRENT, MARK_TO_COME = colour_index("white"), colour_index("green"), colour_index("dark_grey")
MARK_WIDTH = 2  # level marks: 2x2 px, 1 px apart (1 px wide, 1 apart, when a game has too many levels)
PIP_STEP, PIP_GROUP = 2, 5  # counter pips: 1x2 px, 1 px apart, one more pixel after every 5th
GROUP_GAP = 3  # px between the level marks and each counter's pips
CONTENT_TOP, CONTENT_BOTTOM = 1, 3  # strip rows the marks and pips fill (1 and 2)
STRIP_KEYS = 3 + 8  # what the strip shows: level, levels completed, state, then one value per counter


@dataclass(frozen=True)
class Counter:
    """How a primitive's counter (a ``State.vars`` slot) is shown in the status strip: ``min(value, most)``
    pips of ``colour`` (a palette colour name, best the colour of what it counts: yellow for keys).
    Declare it where the primitive is defined: ``@rule(counters=(Counter(Var.KEYS, "yellow", 8),))``."""

    slot: int
    colour: str
    most: int = 8

    def __post_init__(self) -> None:
        if not 0 <= int(self.slot) < 8:
            raise ValueError(f"counter slot {self.slot!r} must be a State.vars slot 0..7 (a Var)")
        colour_index(self.colour)  # names the known colours when it is not one
        if not 1 <= self.most <= 30:
            raise ValueError(f"counter most={self.most!r} must be 1..30 (pips that fit in the status strip)")

    @property
    def width(self) -> int:
        """Pixels its pips take at most."""
        return PIP_STEP * self.most - 1 + (self.most - 1) // PIP_GROUP


def cell_size(shapes: Iterable[tuple[int, int]]) -> int:
    """One cell size for a whole game: the largest that fits every level's (rows, cols) in the board area."""
    return min(min(BOARD_HEIGHT // rows, BOARD_WIDTH // cols) for rows, cols in shapes)


def game_counters(primitives: Sequence) -> tuple[Counter, ...]:
    """The counters a game's primitives declare, one per slot in slot order; two primitives that keep one slot
    must show it alike (a ValueError names them otherwise)."""
    found: dict[int, tuple[Counter, str]] = {}
    for prim in primitives:
        for counter in getattr(prim, "counters", ()):
            seen = found.setdefault(int(counter.slot), (counter, prim.__name__))
            if seen[0] != counter:
                raise ValueError(
                    f"{seen[1]!r} and {prim.__name__!r} show counter slot {int(counter.slot)} differently "
                    f"({seen[0]} vs {counter}); declare it alike in both"
                )
    return tuple(found[slot][0] for slot in sorted(found))


def strip_table(num_levels: int, counters: Sequence[Counter], background: int) -> tuple[np.ndarray, np.ndarray]:
    """The strip's geometry as the kernels read it: ``style`` (background, mark step, mark width) and
    ``placed`` (K, 4) counters (slot, colour, most, first pixel's x). ValueError when it does not fit."""
    need = sum(GROUP_GAP + c.width for c in counters)
    fitting = [
        (step, width) for step, width in ((MARK_WIDTH + 1, MARK_WIDTH), (2, 1)) if step * num_levels + need < FRAME_SIZE
    ]
    if not fitting:
        raise ValueError(
            f"{num_levels} level marks and counters {[str(c) for c in counters]} do not fit in the "
            f"{FRAME_SIZE} px status strip; lower the counters' most= or split the game"
        )
    step, width = fitting[0]
    x = step * num_levels  # the marks start at x = 1 and end one gap short of this
    placed = np.zeros((len(counters), 4), dtype=np.int64)
    for k, counter in enumerate(counters):
        x += GROUP_GAP
        placed[k] = (int(counter.slot), colour_index(counter.colour), counter.most, x)
        x += counter.width
    return np.array([background, step, width], dtype=np.int64), placed


def tile_table() -> np.ndarray:
    """(256,) uint8, 1 for kinds drawn as inset tiles at 3 px cells and above: every kind unless it was
    defined with ``tile=False`` (``define_kind``): the floor, walls, and kinds that make areas or lines,
    such as pipes and fog, fill their cells so that they join up. Keys, gems, goals, lava, lamps, tally
    marks, switches, blocks and avatars are tiles, so neighbours of one kind read as separate cells."""
    table = np.zeros(256, dtype=np.uint8)
    for kind in KINDS.values():
        table[kind.id] = kind.tile
    return table


# --- kernels ---------------------------------------------------------------------------


@helper_kernel
def k_fill(frame, y0, y1, x0, x1, colour):
    for y in range(y0, y1):
        for x in range(x0, x1):
            frame[y, x] = colour


@helper_kernel
def k_draw_cell(frame, board, r, c, layout, lut, tiles):
    """Draw board cell (r, c): the colour of the higher of its terrain and object, as a tile where it is one."""
    scale, top, left = layout[2], layout[3], layout[4]
    t, o = board[0, r, c], board[1, r, c]
    visible = max(t, o)
    y0, x0 = top + r * scale, left + c * scale
    k_fill(frame, y0, y0 + scale, x0, x0 + scale, lut[visible])
    if scale >= MIN_TILE_SCALE and tiles[visible]:
        # The edge line: the terrain under an object (a block on a goal shows the goal), else the floor.
        edge = lut[t] if o != 0 else lut[FLOOR]
        k_fill(frame, y0 + scale - 1, y0 + scale, x0, x0 + scale, edge)
        k_fill(frame, y0, y0 + scale - 1, x0 + scale - 1, x0 + scale, edge)


@helper_kernel
def k_redraw_changed(frame, shown, cells, i, board, layout, lut, tiles):
    """Redraw the cell of byte ``i`` of the flat board ``cells`` if it differs from ``shown``, and note both of
    the cell's layers as drawn (so that its other layer's byte then reads as unchanged)."""
    if cells[i] != shown[i]:
        w, area = layout[1], layout[0] * layout[1]
        cell = i - area if i >= area else i
        shown[cell], shown[cell + area] = cells[cell], cells[cell + area]
        k_draw_cell(frame, board, cell // w, cell % w, layout, lut, tiles)


@helper_kernel
def k_draw_board(frame, shown, board, layout, lut, tiles, whole):
    """Redraw the board cells that changed since ``shown`` (the flat board as last drawn, at least as long) was
    written, or every cell when ``whole``. Most steps change a cell or two, so the boards are compared eight
    bytes at a time and only a changed word's bytes are looked at (byte by byte, or row by row, the
    comparison took ~90 ns of a batched env-step; a word at a time, ~10)."""
    h, w = layout[0], layout[1]
    cells = as_flat(board)
    size = cells.shape[0]
    if whole:
        for i in range(size):
            shown[i] = cells[i]
        for r in range(h):
            for c in range(w):
                k_draw_cell(frame, board, r, c, layout, lut, tiles)
        return
    now, then = as_words(cells), as_words(shown)
    for j in range(size // 8):
        if now[j] != then[j]:
            for i in range(8 * j, 8 * j + 8):
                k_redraw_changed(frame, shown, cells, i, board, layout, lut, tiles)
    for i in range(size // 8 * 8, size):
        k_redraw_changed(frame, shown, cells, i, board, layout, lut, tiles)


@helper_kernel
def k_draw_strip(frame, seen, vars, level, completed, state, num_levels, style, placed):
    """Redraw the status strip when what it shows (``seen``: level, levels completed, state, counters) changed."""
    changed = seen[0] != level or seen[1] != completed or seen[2] != state
    for k in range(placed.shape[0]):
        changed = changed or seen[3 + k] != vars[placed[k, 0]]
    if not changed:
        return
    seen[0], seen[1], seen[2] = level, completed, state
    for k in range(placed.shape[0]):
        seen[3 + k] = vars[placed[k, 0]]
    k_fill(frame, 0, STRIP_HEIGHT, 0, FRAME_SIZE, STRIP_BACKGROUND[state])
    # Levels completed in this play end with the current one once it is solved (or the game won).
    end = level + (state == WIN) + (state == SOLVED)
    step, width = style[1], style[2]
    for i in range(num_levels):
        colour = MARK_TO_COME
        if end - completed <= i < end:
            colour = MARK_DONE
        elif i == level:
            colour = MARK_CURRENT
        k_fill(frame, CONTENT_TOP, CONTENT_BOTTOM, 1 + i * step, 1 + i * step + width, colour)
    for k in range(placed.shape[0]):
        value = min(max(vars[placed[k, 0]], 0), placed[k, 2])
        for p in range(value):
            x = placed[k, 3] + PIP_STEP * p + p // PIP_GROUP
            k_fill(frame, CONTENT_TOP, CONTENT_BOTTOM, x, x + 1, placed[k, 1])


@helper_kernel
def k_draw_frame(frame, shown, seen, drawn, board, vars, level, completed, state, layouts, look):
    """Bring one frame up to date with a play: a level it did not show yet first clears the board area to the
    background. ``drawn`` (1,) is the level the frame shows; ``look`` is :func:`Look.arrays`'s tuple."""
    lut, tiles, style, placed = look
    whole = drawn[0] != level
    if whole:
        k_fill(frame, BOARD_TOP, FRAME_SIZE, 0, FRAME_SIZE, style[0])
        seen[0] = -1
        drawn[0] = level
    k_draw_board(frame, shown, board, layouts[level], lut, tiles, whole)
    k_draw_strip(frame, seen, vars, level, completed, state, layouts.shape[0], style, placed)


@kernel
def draw_play(frame, shown, seen, drawn, board, vars, level, completed, state, layouts, look):
    """:func:`k_draw_frame` for the scalar engine (one play)."""
    k_draw_frame(frame, shown, seen, drawn, board, vars, level, completed, state, layouts, look)


@dataclass(frozen=True)
class Look:
    """A game's drawing tables: the layouts of its levels (L, 5) int64 (height, width, scale, top, left) and
    what :func:`k_draw_frame` reads (colours, tile kinds, strip geometry)."""

    layouts: np.ndarray
    lut: np.ndarray
    tiles: np.ndarray
    style: np.ndarray
    placed: np.ndarray

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.lut, self.tiles, self.style, self.placed
