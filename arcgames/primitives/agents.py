"""Agents and what hides them: patrollers, fleeing sheep, a mirror twin, fog, and numbered gems
counted on a tally.

Kinds that must look alike share a colour on purpose: the four patroller headings (a
heading is seen only by watching one move), and every fog kind with every patroller
hidden in fog (occlusion). Everything else gets its own colour; games recolour kinds
with ``colours=`` where two of their kinds would clash (recolour fog kinds all together).

A patroller on a fog cell is stored as its *hidden* kind, drawn in the fog colour,
because the frame shows an object over any terrain: occlusion is a kind swap that
``patrol`` does when a patroller steps in or out of fog and ``reveal_fog`` does when
fog lifts. Chasers and sheep have no hidden kinds and stay visible in fog.
"""

from __future__ import annotations

from arcgames.kinds import AVATAR, FLOOR, GOAL, KINDS, LAVA, SOLID, Layer, define_kind
from arcgames.primitives.base import cells_of, condition, free, rule
from arcgames.state import Act, State, Var

FOG_COLOUR = "dark_grey"
FLEE_RADIUS = 2  # a sheep runs from an avatar at most this many steps away (Manhattan)

# Headings in an order where ``h ^ 1`` is the opposite heading.
HEADINGS = ((-1, 0), (1, 0), (0, -1), (0, 1))
_HEADING_NAMES = ("up", "down", "left", "right")

# --- kinds -----------------------------------------------------------------------

PEN = define_kind("pen", Layer.TERRAIN, "teal")
TALLY = define_kind("tally", Layer.TERRAIN, "navy", solid=True)  # an empty tally mark
TALLY_FULL = define_kind("tally_full", Layer.TERRAIN, "white", solid=True)
GEM_1 = define_kind("gem_1", Layer.TERRAIN, "yellow")
GEM_2 = define_kind("gem_2", Layer.TERRAIN, "sky")
GEM_3 = define_kind("gem_3", Layer.TERRAIN, "pink")

# Fog over a real terrain kind, as solid as what it hides (patrollers walk the real map).
FOGGY: list[bool] = [False] * 256  # is this terrain kind fog?
FOG_REVEALS: list[int] = list(range(256))  # fog kind -> the kind it hides; every other kind -> itself
for _name in ("floor", "wall", "lava", "goal", "gem_1", "gem_2", "gem_3"):
    _fog = define_kind(f"fog_{_name}", Layer.TERRAIN, FOG_COLOUR, solid=SOLID[KINDS[_name].id])
    FOGGY[_fog], FOG_REVEALS[_fog] = True, KINDS[_name].id

PATROLS = tuple(define_kind(f"patrol_{h}", Layer.OBJECTS, "blue") for h in _HEADING_NAMES)
HIDDEN_PATROLS = tuple(define_kind(f"hidden_patrol_{h}", Layer.OBJECTS, FOG_COLOUR) for h in _HEADING_NAMES)
SHEEP = define_kind("sheep", Layer.OBJECTS, "white")
TWIN = define_kind("twin", Layer.OBJECTS, "yellow")

HEADING: list[int] = [-1] * 256  # patroller kind (seen or hidden) -> index into HEADINGS
UNHIDE: list[int] = [0] * 256  # hidden kind -> the kind seen once its fog lifts
for _h, (_seen, _hidden) in enumerate(zip(PATROLS, HIDDEN_PATROLS, strict=True)):
    HEADING[_seen] = HEADING[_hidden] = _h
    UNHIDE[_hidden] = _seen
# Why bytes.translate: one C pass finds every patroller of all eight kinds, where eight
# cells_of scans would cost ~3 µs a step.
_PATROLLER_BYTES = bytes(int(HEADING[k] >= 0) for k in range(256))
GEM_VALUE: list[int] = [0] * 256
GEM_VALUE[GEM_1], GEM_VALUE[GEM_2], GEM_VALUE[GEM_3] = 1, 2, 3


def _patrollers(objects) -> list[tuple[int, int]]:
    """Cells holding a patroller, seen or hidden, in row-major order."""
    data, width = objects.tobytes().translate(_PATROLLER_BYTES), objects.shape[1]
    found, i = [], data.find(1)
    while i >= 0:
        found.append(divmod(i, width))
        i = data.find(1, i + 1)
    return found


# --- rules -----------------------------------------------------------------------


def _step(terrain, objects, y: int, x: int, heading: int) -> bool:
    """Move the patroller at (y, x) one cell along ``heading`` if it can, hidden if it lands in fog."""
    ny, nx = y + HEADINGS[heading][0], x + HEADINGS[heading][1]
    if not free(terrain, objects, ny, nx):
        return False
    objects[y, x] = 0
    objects[ny, nx] = HIDDEN_PATROLS[heading] if FOGGY[terrain[ny, nx]] else PATROLS[heading]
    return True


@rule
def patrol(state: State, act: Act) -> None:
    """Each patroller steps along its heading; blocked, it turns back and steps the other way (or waits, boxed in)."""
    terrain, objects = state.grid
    pending = _patrollers(objects)
    progress = True
    while progress and pending:  # forward steps, repeated so that a line of patrollers moves as one
        progress, blocked = False, []
        for y, x in pending:
            if _step(terrain, objects, y, x, HEADING[objects[y, x]]):
                progress = True
            else:
                blocked.append((y, x))
        pending = blocked
    for y, x in pending:  # then the blocked ones turn back, in reading order
        heading = HEADING[objects[y, x]] ^ 1
        if not _step(terrain, objects, y, x, heading):
            objects[y, x] = HIDDEN_PATROLS[heading] if FOGGY[terrain[y, x]] else PATROLS[heading]


@rule
def flee(state: State, act: Act) -> None:
    """Each sheep within 2 steps of its nearest avatar steps directly away, along the wider gap first."""
    terrain, objects = state.grid
    found = cells_of(objects, AVATAR)
    if not found:
        return
    scared = []
    for y, x in cells_of(objects, SHEEP):
        ay, ax = min(found, key=lambda a: (abs(a[0] - y) + abs(a[1] - x), a))
        distance = abs(ay - y) + abs(ax - x)
        if distance <= FLEE_RADIUS:
            scared.append((-distance, y, x, ay, ax))
    scared.sort()  # farthest first, so a line of sheep moves as one
    for _, y, x, ay, ax in scared:
        gy, gx = y - ay, x - ax
        sy, sx = (gy > 0) - (gy < 0), (gx > 0) - (gx < 0)
        for dy, dx in ((sy, 0), (0, sx)) if abs(gy) >= abs(gx) else ((0, sx), (sy, 0)):
            if (dy or dx) and free(terrain, objects, y + dy, x + dx):
                objects[y + dy, x + dx] = SHEEP
                objects[y, x] = 0
                break


@rule
def mirror_move(state: State, act: Act) -> None:
    """ACTION1-4 move every twin one cell like the avatar but with left and right swapped; blocked on its own."""
    if not (act.dy or act.dx):
        return
    terrain, objects = state.grid
    dy, dx = act.dy, -act.dx
    twins = cells_of(objects, TWIN)
    if len(twins) > 1:
        twins.sort(key=lambda c: -(c[0] * dy + c[1] * dx))  # front-most first, so a line moves as one
    for y, x in twins:
        if free(terrain, objects, y + dy, x + dx):
            objects[y + dy, x + dx] = TWIN
            objects[y, x] = 0


@rule
def reveal_fog(state: State, act: Act) -> None:
    """Fog on or orthogonally next to an avatar lifts for good, showing the terrain and any patroller in it."""
    terrain, objects = state.grid
    height, width = terrain.shape
    data = terrain.tobytes()  # reading kinds from bytes is ~5x cheaper than indexing the array
    for y, x in cells_of(objects, AVATAR):
        for ny, nx in ((y, x), (y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
            if 0 <= ny < height and 0 <= nx < width and FOGGY[data[ny * width + nx]]:
                terrain[ny, nx] = FOG_REVEALS[data[ny * width + nx]]
                if UNHIDE[objects[ny, nx]]:
                    objects[ny, nx] = UNHIDE[objects[ny, nx]]


@rule
def fill_tally(state: State, act: Act) -> None:
    """An avatar on a numbered gem picks it up and fills as many empty tally marks as its value, in reading order."""
    terrain, objects = state.grid
    for y, x in cells_of(objects, AVATAR):
        value = GEM_VALUE[terrain[y, x]]
        if value:
            terrain[y, x] = FLOOR
            if value < state.vars[Var.LAST_GEM]:
                state.vars[Var.OUT_OF_ORDER] = 1
            state.vars[Var.LAST_GEM] = value
            state.vars[Var.TALLIED] += value
            for ty, tx in cells_of(terrain, TALLY)[:value]:
                terrain[ty, tx] = TALLY_FULL


# --- conditions ------------------------------------------------------------------


@condition
def caught_by_patrol(state: State) -> bool:
    """Lost when a patroller, seen or hidden, is orthogonally next to an avatar."""
    objects = state.grid[1]
    height, width = objects.shape
    data = objects.tobytes()
    for y, x in cells_of(objects, AVATAR):
        for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
            if 0 <= ny < height and 0 <= nx < width and HEADING[data[ny * width + nx]] >= 0:
                return True
    return False


@condition
def herded(state: State) -> bool:
    """Won when every sheep stands on a pen cell."""
    terrain, objects = state.grid
    sheep = cells_of(objects, SHEEP)
    return bool(sheep) and all(terrain[y, x] == PEN for y, x in sheep)


@condition
def all_on_goals(state: State) -> bool:
    """Won when every avatar and every twin stands on a goal."""
    terrain, objects = state.grid
    pieces = cells_of(objects, AVATAR) + cells_of(objects, TWIN)
    return bool(pieces) and all(terrain[y, x] == GOAL for y, x in pieces)


@condition
def twin_touches_lava(state: State) -> bool:
    """Lost when a twin stands on lava."""
    terrain, objects = state.grid
    return any(terrain[y, x] == LAVA for y, x in cells_of(objects, TWIN))


@condition
def tally_exact(state: State) -> bool:
    """Won when the picked-up gems' values add up to exactly the number of tally marks."""
    data = state.grid[0].tobytes()
    marks = data.count(TALLY_FULL)
    return marks > 0 and TALLY not in data and int(state.vars[Var.TALLIED]) == marks


@condition
def tally_overflow(state: State) -> bool:
    """Lost when the picked-up gems' values add up to more than the number of tally marks."""
    data = state.grid[0].tobytes()
    return int(state.vars[Var.TALLIED]) > data.count(TALLY) + data.count(TALLY_FULL)


@condition
def gems_in_order(state: State) -> bool:
    """Holds while every gem picked up was at least the one before it (a win needs it: wins outrank losses)."""
    return not state.vars[Var.OUT_OF_ORDER]


@condition
def gems_out_of_order(state: State) -> bool:
    """Lost once a gem smaller than the one picked up before it is picked up."""
    return bool(state.vars[Var.OUT_OF_ORDER])
