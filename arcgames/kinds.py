"""Kinds: what can occupy a board cell, with a default colour and physical flags.

A board has two layers of kind ids: terrain (floor, wall, goal, ...) and objects
(avatar, block, chaser, ...; 0 = empty). Terrain ids are below 128 and object ids
128 and above, so the visible kind of a cell is simply ``max(terrain, object)``.
Flags live in 256-entry lookup tables so rules stay table lookups, in Python for
the scalar engine and as tensor gathers for a batched one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from arcgames.palette import colour_index

OBJECT_BASE = 128
# An object id no kind may take: rule kernels mark an object that moved this step with it until all
# objects of its kind have moved (arcgames.primitives.core.chase), so it is not visited twice.
MOVED = 255


class Layer(IntEnum):
    TERRAIN = 0
    OBJECTS = 1


@dataclass(frozen=True)
class Kind:
    id: int
    name: str
    layer: Layer
    colour: int
    solid: bool = False  # nothing may move into the cell (objects are always solid to each other)
    pushable: bool = False  # an avatar walking into it shoves it one cell
    falls: bool = False  # gravity pulls it down until it rests on something
    clickable: bool = False  # reacts to ACTION6; the solver only clicks these
    # Drawn as an inset tile at 3 px cells and above (arcgames/draw.py), so that neighbours of this kind stay
    # countable; False for kinds that make areas or lines (floor, walls, pipes, fog), which join up.
    tile: bool = True


KINDS: dict[str, Kind] = {}
_BY_ID: dict[int, Kind] = {}

# Flag tables indexed by kind id, kept up to date by define_kind. Plain lists because
# indexing them from Python is ~3x faster than indexing a numpy array.
SOLID: list[bool] = [False] * 256
PUSHABLE: list[bool] = [False] * 256
FALLS: list[bool] = [False] * 256
CLICKABLE: list[bool] = [False] * 256
_TABLES = {"solid": SOLID, "pushable": PUSHABLE, "falls": FALLS, "clickable": CLICKABLE}
# The same flags as bits of one (256,) uint8 table, which compiled rule kernels get as an argument
# (arcgames.kernels): bit 1 solid, 2 pushable, 4 falls, 8 clickable.
F_SOLID, F_PUSHABLE, F_FALLS, F_CLICKABLE = 1, 2, 4, 8
_BITS = {"solid": F_SOLID, "pushable": F_PUSHABLE, "falls": F_FALLS, "clickable": F_CLICKABLE}
FLAGS = np.zeros(256, dtype=np.uint8)


def define_kind(name: str, layer: Layer, colour: str, **flags: bool) -> int:
    """Register a new kind (for primitives that need one) and return its id."""
    if name in KINDS:
        raise ValueError(f"kind {name!r} is already defined")
    ids = [k.id for k in KINDS.values() if k.layer == layer]
    if layer == Layer.TERRAIN:
        new_id = max(ids, default=-1) + 1
        limit = OBJECT_BASE
    else:
        new_id = max(ids, default=OBJECT_BASE - 1) + 1
        limit = MOVED
    if new_id >= limit:
        raise ValueError(f"no free {layer.name.lower()} kind ids left for {name!r}")
    kind = Kind(new_id, name, layer, colour_index(colour), **flags)
    KINDS[name] = kind
    _BY_ID[new_id] = kind
    for flag, table in _TABLES.items():
        table[new_id] = getattr(kind, flag)
        if table[new_id]:
            FLAGS[new_id] |= _BITS[flag]
    return new_id


def kind_id(name: str) -> int:
    """The id of a kind by name; ``None``/"" means the empty object."""
    if not name:
        return 0
    try:
        return KINDS[name].id
    except KeyError:
        raise ValueError(f"unknown kind {name!r}; known kinds: {', '.join(KINDS)}") from None


def kind_name(kid: int, layer: Layer) -> str:
    """The name of the kind with this id on this layer ("empty" for no object)."""
    if layer == Layer.OBJECTS and kid == 0:
        return "empty"
    return _BY_ID[int(kid)].name


def flag_word(bit: int) -> str:
    """The name of a kind flag bit (:data:`F_PUSHABLE` -> "pushable"), for messages."""
    return next(name for name, value in _BITS.items() if value == bit)


def flag_array(flag: str) -> np.ndarray:
    """A flag table as a numpy bool array, for vectorised rules."""
    return np.array(_TABLES[flag], dtype=bool)


# Terrain. Ids are assigned in definition order; never reorder (ids are in recordings' hashes).
FLOOR = define_kind("floor", Layer.TERRAIN, "black", tile=False)
WALL = define_kind("wall", Layer.TERRAIN, "grey", solid=True, tile=False)
GOAL = define_kind("goal", Layer.TERRAIN, "green")
LAVA = define_kind("lava", Layer.TERRAIN, "red")
KEY = define_kind("key", Layer.TERRAIN, "yellow")
DOOR = define_kind("door", Layer.TERRAIN, "brown", solid=True)
GEM = define_kind("gem", Layer.TERRAIN, "sky")
LIGHT_OFF = define_kind("light_off", Layer.TERRAIN, "dark_grey", solid=True, clickable=True)
LIGHT_ON = define_kind("light_on", Layer.TERRAIN, "yellow", solid=True, clickable=True)
UNPAINTED = define_kind("unpainted", Layer.TERRAIN, "navy")
TRAIL = define_kind("trail", Layer.TERRAIN, "teal", solid=True)
PORTAL = define_kind("portal", Layer.TERRAIN, "magenta")
SWITCH = define_kind("switch", Layer.TERRAIN, "pink", solid=True, clickable=True)
GATE_CLOSED = define_kind("gate_closed", Layer.TERRAIN, "maroon", solid=True)
GATE_OPEN = define_kind("gate_open", Layer.TERRAIN, "dark_grey")

# Objects.
AVATAR = define_kind("avatar", Layer.OBJECTS, "orange")
BLOCK = define_kind("block", Layer.OBJECTS, "brown", pushable=True)
CHASER = define_kind("chaser", Layer.OBJECTS, "magenta")
BOULDER = define_kind("boulder", Layer.OBJECTS, "white", pushable=True, falls=True)
