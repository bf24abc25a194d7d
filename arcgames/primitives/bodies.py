"""Bodies: several avatars to choose between, and pressure plates that hold gates open.

Only the active body moves; the others wait, drawn in another colour, as solid as any
object. ACTION5 passes control on: the active body becomes a waiting one and the next
waiting body in reading order after it (wrapping round) becomes active. The choice is on
screen by construction: it is the one body drawn in the avatar's colour. A plate holds
every gate open while any object stands on it, so one body can keep a way open for another.
"""

from __future__ import annotations

from arcgames.actions import ActionId
from arcgames.kernels import ACT_ID
from arcgames.kinds import AVATAR, GATE_CLOSED, GATE_OPEN, GOAL, Layer, define_kind
from arcgames.primitives.base import every_on, rule

INTERACT = int(ActionId.ACTION5)

# --- kinds -----------------------------------------------------------------------

BODY = define_kind("body", Layer.OBJECTS, "white")  # a body waiting its turn
PLATE = define_kind("plate", Layer.TERRAIN, "pink")  # holds the gates open while something stands on it

# --- rules -----------------------------------------------------------------------


@rule
def switch_body(grid, vars, act, flags):
    """ACTION5: the active body waits and the next waiting body in reading order (wrapping) takes over."""
    if act[ACT_ID] != INTERACT:
        return
    objects = grid[1]
    h, w = objects.shape
    n = h * w
    active = -1
    for i in range(n):
        if objects[i // w, i % w] == AVATAR:
            active = i
            break
    if active < 0:
        return
    for step in range(1, n):
        i = (active + step) % n
        if objects[i // w, i % w] == BODY:
            objects[i // w, i % w] = AVATAR
            objects[active // w, active % w] = BODY
            return


@rule
def hold_plates(grid, vars, act, flags):
    """Gates are open while any object stands on a plate and closed otherwise; a gate with an object in it
    stays open until the object leaves."""
    terrain, objects = grid[0], grid[1]
    h, w = terrain.shape
    held = False
    for y in range(h):
        for x in range(w):
            if terrain[y, x] == PLATE and objects[y, x] != 0:
                held = True
    for y in range(h):
        for x in range(w):
            if held and terrain[y, x] == GATE_CLOSED:
                terrain[y, x] = GATE_OPEN
            elif not held and terrain[y, x] == GATE_OPEN and objects[y, x] == 0:
                terrain[y, x] = GATE_CLOSED


# --- conditions ------------------------------------------------------------------

all_bodies_home = every_on(
    "all_bodies_home", (AVATAR, BODY), GOAL, "Won when every body, the active one too, stands on a goal cell."
)
